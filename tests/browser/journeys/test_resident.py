"""The resident's self-report, on the demo data: form, a forgotten field, thanks, the privacy statement."""

from __future__ import annotations

import re

import pytest

from cases.models import Case, Channel

pytestmark = pytest.mark.django_db(transaction=True)


def test_resident_self_report(demo, page, screens):
    before = Case.objects.count()
    page.goto("/melden/")
    screens.check(page, "self-report-form", phone=True, readme="self-report")

    page.locator("#id_a_name").fill("Anna de Vries")
    page.locator("#id_a_street").fill("Lindenhofstraat")
    page.locator("#id_a_house_number").fill("12a")
    page.locator("#id_a_postcode").fill("7532ab")
    page.locator("#id_b_name").fill("Buurman Bos")
    page.locator("#id_b_house_number").fill("14")
    page.locator('input[name="conflict_types"]').first.check()
    page.locator("#id_description").fill("Harde muziek tot diep in de nacht, al drie maanden.")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Melding versturen").click()

    # No phone or email: nothing is saved, the summary has the focus and links to the field; input is kept.
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#id_a_name").input_value() == "Anna de Vries"
    assert page.locator("#id_a_phone").get_attribute("aria-invalid") == "true"
    assert Case.objects.count() == before
    screens.check(page, "self-report-errors", phone=True, readme="self-report-errors")
    summary.locator('a[href="#id_a_phone"]').click()
    assert page.evaluate("document.activeElement.id") == "id_a_phone"

    page.locator("#id_a_email").fill("anna@example.nl")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url(re.compile(r"/melden/bedankt/$"))
    screens.check(page, "thanks", phone=True)
    assert Case.objects.count() == before + 1
    assert Case.objects.latest("received_at").channel == Channel.WEB_FORM

    page.get_by_role("link", name="Zo gaan wij om met uw gegevens").click()
    page.wait_for_url("**/privacy/")
    screens.check(page, "privacy", phone=True)
