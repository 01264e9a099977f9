"""The referrer (Ons Huis) on the demo data: log in, follow the referrals, refer a case, open one closed as resolved."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent
from tests.browser.helpers import log_in
from tests.browser.journeys.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_referrer_from_login_to_closed_resolved(demo, page, screens):
    page.goto("/login/")
    screens.check(page, "login")
    log_in(page, "verwijzer-onshuis", DEMO_PASSWORD)
    page.wait_for_url("**/zaken/verwijzingen/")
    screens.check(page, "my-referrals", phone=True)

    page.get_by_role("link", name="Nieuwe verwijzing").click()
    page.wait_for_url("**/zaken/verwijzingen/nieuw/")
    screens.check(page, "referral-form")
    before = Case.objects.count()
    page.locator("#id_partner_reference").fill("OH-2026-0815")
    page.locator("#id_a_name").fill("Fatma Yilmaz")
    page.locator("#id_a_street").fill("Lindenhofstraat")
    page.locator("#id_a_house_number").fill("12a")
    page.locator("#id_a_postcode").fill("7532ab")
    page.locator("#id_a_phone").fill("06 1234 5678")
    page.locator("#id_b_name").fill("Buurman Bos")
    page.locator('input[name="conflict_types"]').first.check()
    page.locator("#id_description").fill("Harde muziek tot diep in de nacht.")
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.locator(".error-summary").wait_for()
    assert page.locator("#id_consent").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_a_name").input_value() == "Fatma Yilmaz"
    screens.check(page, "referral-form-errors")
    assert Case.objects.count() == before

    page.locator("#id_consent").check()
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.wait_for_url("**/zaken/verwijzingen/*-*/")
    screens.check(page, "referral-sent")
    assert Case.objects.count() == before + 1

    # A referral of Ons Huis that the service closed as resolved: the referrer sees that milestone.
    resolved = (
        Case.objects.filter(
            referring_organisation__name="Ons Huis", events__milestone=CaseEvent.Milestone.CLOSED_RESOLVED
        )
        .order_by("-received_at")
        .first()
    )
    assert resolved is not None, "the demo data has no resolved Ons Huis referral"
    page.get_by_role("link", name="Mijn verwijzingen").first.click()
    page.get_by_label("Zoeken op uw kenmerk").fill(resolved.partner_reference or resolved.number)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name=resolved.number).first.click()
    page.wait_for_url(f"**/zaken/verwijzingen/{resolved.code}/")
    assert page.get_by_text("Afgesloten: opgelost").count() >= 1
    screens.check(page, "closed-resolved", readme="referral-closed-resolved")
