"""A coordinator finds a person, downloads what is stored about them and erases it on request.

Selectors use ids, names and URLs, not the text of the new pages (translated after merging)."""

from __future__ import annotations

import json

import pytest

from buurtbemiddeling.roles import Role
from cases.models import Party
from tests import factories
from tests.browser.helpers import log_in
from tests.security.canaries import tables_containing

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_finds_exports_and_erases_a_person(page, screenshot, tmp_path):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    case = factories.CaseFactory(description="QZBR de hond blaft")
    asked = factories.PartyFactory(case=case, role=Party.Role.A, name="Anna QZBR Aarts", email="qzbr@example.nl")
    other = factories.PartyFactory(case=case, role=Party.Role.B, name="Bert Bos")

    log_in(page, "coordinator", factories.PASSWORD)
    page.wait_for_url("**/zaken/coordinatie/")
    csp_violations = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text)
    )

    page.locator('a[href="/zaken/persoonsgegevens/"]').click()
    page.wait_for_url("**/zaken/persoonsgegevens/")
    page.locator('input[name="email"]').fill("QZBR@example.nl")
    page.locator('form[action="/zaken/persoonsgegevens/"] button[type="submit"]').click()
    page.locator("#subject-parties").wait_for()
    assert "QZBR" not in page.url
    screenshot("results")
    page.locator(f'#subject-parties a[href="/zaken/persoonsgegevens/partij/{asked.pk}/"]').click()
    page.wait_for_url(f"**/persoonsgegevens/partij/{asked.pk}/")
    assert "QZBR de hond blaft" in page.locator("#subject-case").inner_text()

    with page.expect_download() as download:
        page.locator(f'a[href="/zaken/persoonsgegevens/partij/{asked.pk}/export.json"]').click()
    target = tmp_path / "export.json"
    download.value.save_as(target)
    assert json.loads(target.read_text())["party"]["name"] == "Anna QZBR Aarts"

    page.locator(f'a[href="/zaken/persoonsgegevens/partij/{asked.pk}/wissen/"]').click()
    page.locator('input[name="confirm"]').check()
    screenshot("confirm")
    page.locator('form button[type="submit"].btn-danger').click()
    page.wait_for_url("**/zaken/persoonsgegevens/")
    for marker in ("QZBR", "qzbr"):  # LIKE is case-sensitive on PostgreSQL
        assert tables_containing(marker) == {}
    assert Party.objects.get(pk=other.pk).name == "Bert Bos"
    assert csp_violations == []
