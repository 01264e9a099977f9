"""Duo matching in a real browser: the coordinator proposes a duo, each mediator accepts on their phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from buurtbemiddeling.roles import Role
from cases.models import Case, Status
from mediators.models import Assignment
from tests import factories
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in
from tests.coordination.conftest import CANARIES, make_matching_case, make_mediator

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


def _log_in(page, username: str) -> None:
    log_in(page, username, factories.PASSWORD)


def _accept_on_a_phone(browser, live_server, username: str, name: str) -> None:
    """A mediator, in their own session on a narrow screen, accepts their proposal."""
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", base_url=live_server.url, viewport=PHONE
    )
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        _log_in(phone, username)
        phone.get_by_role("link", name="Mijn voorstellen").click()
        phone.get_by_role("link", name="Aannemen of afslaan").click()
        phone.wait_for_url(re.compile(r"/bemiddelaar/voorstellen/[^/]+/$"))
        html = phone.content()
        for what, canary in CANARIES.items():
            assert canary not in html, f"{what} is on the proposal page"
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / f"test_duo_matching-{name}-proposal-375.png"), full_page=True)
        # Nothing scrolls sideways on a phone.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.get_by_role("button", name="Deze zaak aannemen").click()
        expect(phone.get_by_text("U hebt deze zaak aangenomen.").first).to_be_visible()
    finally:
        context.close()


def test_a_coordinator_proposes_a_duo_and_both_mediators_accept(page, screenshot, browser, live_server):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    neighbourhoods = {}
    for name, district, digits in (
        ("Lasonder", "Centrum", "7511"),
        ("De Laares", "Oost", "7531"),
        ("Roombeek", "Noord", "7522"),
    ):
        neighbourhood = factories.NeighbourhoodFactory(name=name, stadsdeel=district)
        factories.PostcodeAreaFactory(digits=digits, neighbourhood=neighbourhood)
        neighbourhoods[name] = neighbourhood
    case = make_matching_case(neighbourhoods)
    lotte = make_mediator("lotte")
    cor = make_mediator("cor", languages=("nl", "tr"))
    make_mediator("nina", postcode="7531 XY")  # lives in party B's wijk: never on the list

    _log_in(page, "coordinator")
    page.goto(f"/bemiddelaar/koppelen/{case.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Duo voor zaak {case.number}"
    assert "Nina" not in page.content()
    screenshot("candidates")
    form = page.get_by_role("form", name="Voorstellen")
    form.get_by_label("Hoofdbemiddelaar").select_option(value=str(lotte.pk))
    form.get_by_label("Co-bemiddelaar").select_option(value=str(cor.pk))
    form.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_text("Zij krijgen een e-mail en hebben 48 uur om te antwoorden.")).to_be_visible()
    screenshot("proposed")

    _accept_on_a_phone(browser, live_server, lotte.user.username, "lead")
    assert Case.objects.get(pk=case.pk).status == Status.MATCHING
    _accept_on_a_phone(browser, live_server, cor.user.username, "co")

    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION
    assert case.matched_at is not None
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.ACCEPTED}
    page.reload()
    assert page.get_by_text("In bemiddeling").first.is_visible()
    screenshot("duo-complete")
