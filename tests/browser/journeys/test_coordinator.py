"""The coordinator's day on the demo data: triage, a case closed, a duo proposed, the pool, dashboard, report."""

from __future__ import annotations

import pytest

from cases.models import Case, Status
from mediators.models import Assignment
from tests.browser.helpers import log_in
from tests.browser.journeys.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_day(demo, page, screens):
    log_in(page, "coordinator", DEMO_PASSWORD)
    page.wait_for_url("**/zaken/coordinatie/")
    screens.check(page, "coordinator-home", readme="coordinator-home")

    # Triage: start the intake of the oldest new case.
    page.get_by_role("link", name="Open de hele triagelijst").click()
    page.wait_for_url("**/zaken/triage/")
    screens.check(page, "triage-queue")
    first = page.locator("main tbody tr").first
    number = first.locator("a").first.inner_text().strip()
    case = Case.objects.get(number=number)
    first.get_by_role("button", name="Intake starten").click()
    page.wait_for_url("**/zaken/triage/")
    screens.check(page, "intake-started")
    case.refresh_from_db()
    assert case.status == Status.INTAKE

    # The case file; closing without an outcome is refused with a message at the field.
    page.goto(f"/zaken/{case.code}/")
    screens.check(page, "case-file")
    page.locator("summary", has_text="Zaak afsluiten").click()
    page.locator("details[open] form").get_by_role("button", name="Zaak afsluiten").click()
    page.locator("#id_close_outcome.is-invalid").wait_for()
    assert page.locator("#id_close_outcome").get_attribute("aria-invalid") == "true"
    screens.check(page, "close-without-outcome")
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    page.locator("#id_close_outcome").select_option("resolved_at_intake")
    page.locator("details[open] form").get_by_role("button", name="Zaak afsluiten").click()
    page.wait_for_url(f"**/zaken/{case.code}/")
    screens.check(page, "case-closed")
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    # Duo proposal for a case that has none yet.
    page.goto("/bemiddelaar/koppelen/")
    screens.check(page, "matching-queue")
    waiting = Case.objects.filter(status=Status.MATCHING).exclude(assignments__isnull=False).order_by("received_at")
    matching = waiting.first()
    assert matching is not None, "the demo data has no case waiting for a duo"
    page.goto(f"/bemiddelaar/koppelen/{matching.code}/")
    screens.check(page, "duo-candidates", readme="duo-proposal")
    form = page.get_by_role("form", name="Voorstellen")
    lead = form.get_by_label("Hoofdbemiddelaar")
    co = form.get_by_label("Co-bemiddelaar")
    values = [value for value in lead.locator("option").evaluate_all("os => os.map(o => o.value)") if value]
    lead.select_option(values[0])
    co_values = [value for value in co.locator("option").evaluate_all("os => os.map(o => o.value)") if value]
    co.select_option(next(value for value in co_values if value != values[0]))
    form.get_by_role("button", name="Voorstellen").click()
    page.get_by_text("48 uur").first.wait_for()
    screens.check(page, "duo-proposed")
    assert matching.assignments.filter(status=Assignment.Status.PROPOSED).count() == 2

    # Planning: the pool with workload and absences.
    page.goto("/bemiddelaar/vrijwilligers/")
    screens.check(page, "mediator-pool")

    # The dashboard and the report, from the coordination page.
    page.get_by_role("link", name="Coördinatie").first.click()
    page.wait_for_url("**/zaken/coordinatie/")
    page.get_by_role("link", name="Dashboard").first.click()
    page.wait_for_url("**/zaken/dashboard/**")
    screens.check(page, "dashboard")
    page.get_by_role("link", name="Convenantrapportage").first.click()
    page.wait_for_url("**/partners/rapportage/**")
    screens.check(page, "report")
