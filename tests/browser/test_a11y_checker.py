"""The journey checker can fail: axe-core finds a missing alt text, the Nu Html Checker an unclosed element."""

from __future__ import annotations

from tests.browser.a11y import run_axe, validate_with_vnu


def test_axe_reports_an_image_without_alt_text(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html lang="nl"><title>t</title><main><img src="x.png"></main></html>')
        rules, violations = run_axe(page)
        assert rules > 50
        assert "image-alt" in {violation["id"] for violation in violations}
    finally:
        context.close()


def test_the_html_checker_reports_an_unclosed_element(tmp_path):
    good = tmp_path / "good.html"
    good.write_text('<!doctype html><html lang="nl"><head><title>t</title></head><body><p>ok</p></body></html>')
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="nl"><head><title>t</title></head><body><div><p>x</body></html>')
    errors = validate_with_vnu([good, bad])
    assert errors
    assert all(error["url"].endswith("bad.html") for error in errors)
