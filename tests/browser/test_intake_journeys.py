"""Intake in a real browser: a referrer refers, a resident reports, a coordinator triages.

Each journey takes screenshots at desktop (1280) and phone (375) width under tests/artifacts/.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Case, ConflictType, Status
from partners.models import Membership
from tests import factories
from tests.browser import helpers

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def intake_world(settings):
    """What a transactional test starts without: conflict types and a service area (Oost)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:browser:{uuid.uuid4().hex}:"
    for position, (code, name) in enumerate([("noise-people", "Geluidsoverlast door mensen"), ("pets", "Huisdieren")]):
        ConflictType.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    hood = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost", joined_service_on=date(2014, 2, 21))
    factories.PostcodeAreaFactory(digits="7532", neighbourhood=hood)
    factories.OrganisationFactory(name="Domijn", kind="woningcorporatie")
    return hood


def log_in(page, username):
    helpers.log_in(page, username, factories.PASSWORD)


def shoot(page, screenshot, label):
    """The same screen at desktop and phone width."""
    page.set_viewport_size(DESKTOP)
    screenshot(f"{label}-1280")
    page.set_viewport_size(PHONE)
    screenshot(f"{label}-375")
    page.set_viewport_size(DESKTOP)


def fill_party_a_and_conflict(page, *, name):
    page.locator("#id_a_name").fill(name)
    page.locator("#id_a_street").fill("Lindenhofstraat")
    page.locator("#id_a_house_number").fill("12a")
    page.locator("#id_a_postcode").fill("7532ab")
    page.locator("#id_a_phone").fill("06 1234 5678")
    page.locator("#id_b_name").fill("Buurman Bos")
    page.locator("#id_b_house_number").fill("14")
    page.get_by_label("Geluidsoverlast door mensen").check()
    page.locator("#id_description").fill("Harde muziek tot diep in de nacht, al drie maanden.")


def test_a_referrer_refers_a_case_and_follows_it_in_my_referrals(page, screenshot, intake_world):
    organisation = factories.OrganisationFactory(name="Ons Huis", kind="woningcorporatie")
    referrer = factories.UserFactory(username="verwijzer-onshuis", roles=[Role.REFERRER])
    factories.MembershipFactory(user=referrer, organisation=organisation, role=Membership.Role.REFERRER)

    log_in(page, "verwijzer-onshuis")
    page.wait_for_url("**/zaken/verwijzingen/")
    page.get_by_role("link", name="Nieuwe verwijzing").click()
    page.wait_for_url("**/zaken/verwijzingen/nieuw/")
    shoot(page, screenshot, "referral-form")

    page.locator("#id_partner_reference").fill("OH-2026-0815")
    fill_party_a_and_conflict(page, name="Fatma Yılmaz")
    page.get_by_label("Voorkeurstaal").select_option("tr")
    # Forgot the consent: the form says so at the top and at the field, and keeps what was typed.
    page.get_by_role("button", name="Verwijzing versturen").click()
    summary = page.locator(".error-summary")
    assert "Het formulier is niet verstuurd" in summary.inner_text()
    assert page.locator("#id_a_name").input_value() == "Fatma Yılmaz"
    shoot(page, screenshot, "referral-form-errors")
    assert not Case.objects.exists()

    page.locator("#id_consent").check()
    page.get_by_role("button", name="Verwijzing versturen").click()
    # The case exists once the POST is answered: wait for its page before reading the database.
    page.wait_for_url(re.compile(r"/zaken/verwijzingen/[0-9a-f-]{36}/$"))
    case = Case.objects.get()
    assert page.url.endswith(f"/zaken/verwijzingen/{case.code}/")
    assert f"ontvangen als zaak {case.number}" in page.locator(".messages").inner_text()
    assert "Wat u hebt ingediend" in page.content()
    shoot(page, screenshot, "referral-detail")

    page.get_by_role("link", name="Mijn verwijzingen").first.click()
    page.get_by_label("Zoeken op uw kenmerk").fill("0815")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"[?&]q=0815"))
    row = page.get_by_role("row", name=re.compile(case.number))
    assert "OH-2026-0815" in row.inner_text()
    assert "Ontvangen" in row.inner_text()
    shoot(page, screenshot, "my-referrals")
    assert case.referring_organisation == organisation and case.referred_by == referrer
    assert Notification.objects.filter(kind="referral_received", recipient=referrer).exists()


def test_a_resident_reports_a_neighbour_problem(page, screenshot, intake_world):
    page.goto("/melden/")
    assert page.get_by_role("heading", level=1).inner_text() == "Meld een burenprobleem"
    shoot(page, screenshot, "self-report-form")

    fill_party_a_and_conflict(page, name="Anna de Vries")
    page.locator("#id_a_phone").fill("")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Melding versturen").click()
    # No way to reach the resident: the summary links to the phone field.
    page.get_by_role("link", name="Over u: Telefoon").click()
    assert page.evaluate("document.activeElement.id") == "id_a_phone"
    shoot(page, screenshot, "self-report-errors")

    page.locator("#id_a_email").fill("anna@example.nl")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url(re.compile(r"/melden/bedankt/$"))
    case = Case.objects.get()
    assert f"nummer {case.number}" in page.locator(".messages").inner_text()
    shoot(page, screenshot, "self-report-thanks")
    assert case.channel == "web_form"
    assert Notification.objects.get().kind == "report_received"

    page.get_by_role("link", name="Zo gaan wij om met uw gegevens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacyverklaring")
    shoot(page, screenshot, "privacy")


def test_a_coordinator_triages_a_new_case(page, screenshot, intake_world):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    old = factories.CaseFactory(received_at=timezone.now() - timedelta(days=9), neighbourhood=intake_world)
    factories.PartyFactory(case=old, role="A")
    new = factories.CaseFactory(received_at=timezone.now() - timedelta(hours=2), neighbourhood=intake_world)

    log_in(page, "coordinator")
    page.wait_for_url("**/zaken/coordinatie/")
    assert page.get_by_role("link", name="Telefonische aanmelding").count() == 1
    shoot(page, screenshot, "coordinator-home")

    page.get_by_role("link", name="Open de hele triagelijst").click()
    page.wait_for_url("**/zaken/triage/")
    rows = page.locator("tbody tr")
    assert old.number in rows.nth(0).inner_text() and "te laat" in rows.nth(0).inner_text()
    assert new.number in rows.nth(1).inner_text()
    shoot(page, screenshot, "triage-queue")

    rows.nth(0).get_by_role("button", name="Intake starten").click()
    page.wait_for_url("**/zaken/triage/")
    assert f"De intake van zaak {old.number} is gestart." in page.locator(".messages").inner_text()
    assert old.number not in page.locator("main table").inner_text()

    page.goto(f"/zaken/{old.code}/")
    page.locator("summary", has_text="Contactpoging vastleggen").click()
    page.locator("#id_contact_result").select_option("no_answer")
    page.get_by_role("button", name="Contactpoging vastleggen").click()
    expect(page.locator(".timeline")).to_contain_text("Partij A: Geen gehoor")

    page.locator("summary", has_text="In de wacht zetten").click()
    page.get_by_role("button", name="In de wacht zetten").click()
    expect(page.get_by_text("Geef aan waarom de zaak in de wacht gaat.").first).to_be_visible()
    page.locator("#id_hold_text").fill("Partij A is tot 1 juni op vakantie.")
    page.get_by_role("button", name="In de wacht zetten").click()
    expect(page.locator(".messages")).to_contain_text(f"Zaak {old.number} staat in de wacht.")
    shoot(page, screenshot, "case-on-hold")
    old.refresh_from_db()
    assert old.status == Status.WAITING
    assert old.first_contact_at is not None
