"""The mediator on a phone (375×812), on the demo data: a proposal, the case, a joint meeting, agreements,
nazorg six weeks later, and closing the case as resolved.

The server's clock moves with time-machine (the live server runs in this process); the browser keeps the
real clock, so the journey's days lie after the real date and cookies stay valid.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from buurtbemiddeling.errors import DomainError
from cases.models import Case, Outcome, Status
from mediators.models import Assignment, Mediator
from mediators.services.proposals import accept_proposal, propose
from tests.browser.helpers import log_in
from tests.browser.journeys.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
AMS = ZoneInfo("Europe/Amsterdam")


def propose_a_duo() -> tuple[Case, Mediator, Mediator]:
    """The coordinator proposes two demo mediators for a case waiting for a duo (ranking rules apply)."""
    coordinator = get_user_model().objects.get(username="coordinator")
    mediators = list(Mediator.objects.filter(user__username__startswith="bemiddelaar").order_by("user__username"))
    for case in Case.objects.filter(status=Status.MATCHING, assignments__isnull=True).order_by("received_at"):
        for lead in mediators:
            for co in mediators:
                if co == lead:
                    continue
                try:
                    propose(case=case, mediators={"lead": lead, "co": co}, actor=coordinator)
                except DomainError:
                    continue
                return case, lead, co
    raise AssertionError("no demo case and duo could be proposed")


def open_case(page, case, username):
    page.goto(f"/bemiddelaar/zaken/{case.code}/")
    if "/login/" in page.url:
        log_in(page, username, DEMO_PASSWORD)
    page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))


def test_mediator_on_a_phone_from_proposal_to_nazorg(demo, phone_page, screens):
    page = phone_page
    screens.watch(page)
    case, lead, co = propose_a_duo()
    username = lead.user.username

    log_in(page, username, DEMO_PASSWORD)
    page.wait_for_url("**/bemiddelaar/")
    screens.check(page, "my-cases", phone=True)
    page.get_by_role("link", name="Mijn voorstellen").first.click()
    page.wait_for_url("**/bemiddelaar/voorstellen/")
    screens.check(page, "my-proposals", phone=True)
    proposal = case.assignments.get(mediator=lead)
    page.locator(f'a[href="/bemiddelaar/voorstellen/{proposal.code}/"]').first.click()
    page.wait_for_url(f"**/bemiddelaar/voorstellen/{proposal.code}/")
    screens.check(page, "proposal", phone=True)
    page.get_by_role("button", name="Deze zaak aannemen").click()
    page.get_by_text("U hebt deze zaak aangenomen.").first.wait_for()
    screens.check(page, "proposal-accepted", phone=True)
    accept_proposal(assignment=case.assignments.get(mediator=co, status=Assignment.Status.PROPOSED), actor=co.user)
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION

    open_case(page, case, username)
    assert page.locator('a[href^="tel:"]').count() >= 1
    screens.check(page, "case", phone=True, readme="mediator-case")

    # Plan the joint meeting two days from now; a first try without a day is refused and keeps the input.
    real_today = datetime.now(AMS).date()
    day = real_today + timedelta(days=2)
    page.get_by_role("link", name="Gesprek plannen").click()
    page.wait_for_url("**/gesprekken/nieuw/")
    screens.check(page, "plan-meeting", phone=True)
    page.get_by_label("Soort gesprek").select_option("joint")
    page.locator('[name="start"]').fill("19:00")
    page.locator('[name="end"]').fill("20:30")
    page.get_by_label("Neutrale locatie").check()
    page.get_by_label("Plek of details").fill("Wijkcentrum De Schakel")
    page.get_by_role("button", name="Gesprek inplannen").click()
    page.locator(".error-summary").wait_for()
    assert page.locator('[name="day"]').get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Plek of details").input_value() == "Wijkcentrum De Schakel"
    screens.check(page, "plan-meeting-errors", phone=True)
    page.locator('[name="day"]').fill(day.isoformat())
    page.get_by_role("button", name="Gesprek inplannen").click()
    page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))
    screens.check(page, "meeting-planned", phone=True)
    meeting = case.meetings.get()

    with time_machine.travel(datetime(day.year, day.month, day.day, 21, 0, tzinfo=AMS), tick=True) as traveller:
        open_case(page, case, username)
        page.get_by_role("link", name="Vastleggen hoe het ging").click()
        page.wait_for_url(f"**/gesprekken/{meeting.pk}/verslag/")
        screens.check(page, "meeting-outcome", phone=True)
        page.get_by_label("Gehouden").check()
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url(f"**/gesprekken/{meeting.pk}/afspraken/")
        screens.check(page, "agreements", phone=True)
        page.locator('[name="items-0-text"]').fill("Na 22:00 geen harde muziek meer")
        page.locator('[name="items-0-who"]').fill("Partij B")
        page.get_by_label("De partijen hebben de afspraken ondertekend").check()
        page.get_by_role("button", name="Afspraken opslaan").click()
        page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))
        case.refresh_from_db()
        assert case.status == Status.FOLLOW_UP
        follow_up_on = case.agreements.get().follow_up_on

        # Nazorg, six weeks later.
        traveller.move_to(datetime(follow_up_on.year, follow_up_on.month, follow_up_on.day, 9, 5, tzinfo=AMS))
        open_case(page, case, username)
        screens.check(page, "nazorg-due", phone=True)
        page.get_by_role("link", name="Nazorg vastleggen").click()
        page.wait_for_url("**/nazorg/")
        screens.check(page, "nazorg", phone=True, readme="mediator-nazorg")
        page.get_by_label("Nagekomen", exact=True).check()
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))

        page.get_by_role("link", name="Zaak afsluiten").click()
        page.wait_for_url("**/afsluiten/")
        screens.check(page, "close", phone=True)
        page.get_by_label("Resultaat").select_option(Outcome.RESOLVED_JOINT_MEETING)
        page.get_by_role("button", name="Zaak afsluiten").click()
        page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))
        screens.check(page, "closed", phone=True)
        case.refresh_from_db()
        assert case.status == Status.CLOSED and case.outcome == Outcome.RESOLVED_JOINT_MEETING
