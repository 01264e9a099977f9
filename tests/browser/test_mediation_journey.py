"""A mediator's journey on a phone (375×812): plan, hold, agree, nazorg six weeks later, close resolved.

The server's clock is moved with time-machine (the live server runs in this process, so it follows);
the browser keeps the real clock, so the test's days lie ahead of the real date and cookies stay valid.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling import notifications
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from buurtbemiddeling.tasks import send_notification
from cases.models import Agreement, Meeting, Outcome, Status
from mediators.models import Assignment
from partners.models import Membership
from tests import factories
from tests.browser import helpers
from tests.mediation.conftest import make_case

pytestmark = pytest.mark.django_db(transaction=True)
AMS = ZoneInfo("Europe/Amsterdam")
PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups come from a data migration, which a flush by an earlier transactional test undoes."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (overrides the harness's desktop page; ``screenshot`` uses this one)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username):
    helpers.log_in(page, username, factories.PASSWORD)


def wait_for_case_page(page, case):
    """The case page, with or without the #section a form sends you back to."""
    page.wait_for_url(re.compile(rf"/bemiddelaar/zaken/{case.code}/(#[a-z-]+)?$"))


def assert_fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def test_a_mediator_takes_a_case_from_joint_meeting_to_closure(page, screenshot):
    # Monday 10:00 a few days after the real date; the meeting is on Tuesday evening.
    real_today = datetime.now(AMS).date()
    monday = real_today + timedelta(days=7 - real_today.weekday())
    start = datetime(monday.year, monday.month, monday.day, 10, 0, tzinfo=AMS)
    tuesday = monday + timedelta(days=1)

    with time_machine.travel(start, tick=True) as traveller:
        organisation = factories.OrganisationFactory(name="Ons Huis", kind="woningcorporatie")
        referrer = factories.UserFactory(username="verwijzer", roles=["referrer"])
        factories.MembershipFactory(user=referrer, organisation=organisation, role=Membership.Role.REFERRER)
        case = make_case(referring_organisation=organisation, referred_by=referrer)
        lead = factories.MediatorFactory(
            user__username="bemiddelaar1", user__first_name="Lies", user__last_name="Leider"
        )
        co = factories.MediatorFactory(user__username="bemiddelaar2", user__first_name="Cor", user__last_name="Collega")
        factories.AssignmentFactory(case=case, mediator=lead, role=Assignment.Role.LEAD)
        factories.AssignmentFactory(case=case, mediator=co, role=Assignment.Role.CO)

        # My cases, on a phone.
        page.goto("/")
        log_in(page, "bemiddelaar1")
        page.wait_for_url("**/bemiddelaar/")
        assert page.get_by_role("heading", level=1).inner_text() == "Mijn zaken"
        assert_fits_the_phone(page)
        screenshot("my-cases")

        # The case page: parties with tap-to-call.
        page.get_by_role("link", name=f"Zaak {case.number}").click()
        wait_for_case_page(page, case)
        assert page.locator('a[href^="tel:"]').count() == 2
        assert_fits_the_phone(page)
        screenshot("case")

        # Plan the joint meeting for Tuesday evening at a neutral place, with both mediators.
        page.get_by_role("link", name="Gesprek plannen").click()
        page.get_by_label("Soort gesprek").select_option("joint")
        page.locator('[name="day"]').fill(tuesday.isoformat())
        page.locator('[name="start"]').fill("19:00")
        page.locator('[name="end"]').fill("20:30")
        page.get_by_label("Neutrale locatie").check()
        page.get_by_label("Plek of details").fill("Wijkcentrum De Schakel")
        assert_fits_the_phone(page)
        screenshot("plan-meeting")
        page.get_by_role("button", name="Gesprek inplannen").click()
        wait_for_case_page(page, case)
        assert page.get_by_role("status").filter(has_text="gepland op").count() == 1
        meeting = Meeting.objects.get(case=case)
        assert timezone.localtime(meeting.starts_at).date() == tuesday

        # Tuesday 21:00: the meeting was held; two agreements, signed.
        traveller.move_to(datetime(tuesday.year, tuesday.month, tuesday.day, 21, 0, tzinfo=AMS))
        page.reload()
        # Hours without a request: the session ended after 30 idle minutes; log in again.
        assert "/login/" in page.url
        log_in(page, "bemiddelaar1")
        wait_for_case_page(page, case)
        page.get_by_role("link", name="Vastleggen hoe het ging").click()
        page.get_by_label("Gehouden").check()
        page.get_by_label("Vertrouwelijke aantekening").fill("Goed gesprek, beide partijen kwamen.")
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url(f"**/gesprekken/{meeting.pk}/afspraken/")
        follow_up_on = tuesday + timedelta(weeks=6)
        assert page.get_by_label("Nazorg op").input_value() == follow_up_on.isoformat()
        page.locator('[name="items-0-text"]').fill("Na 22:00 geen harde muziek meer")
        page.locator('[name="items-0-who"]').fill("Partij B")
        page.locator('[name="items-1-text"]').fill("De heg wordt voor de zomer gesnoeid")
        page.locator('[name="items-1-who"]').fill("Partij A")
        page.get_by_label("De partijen hebben de afspraken ondertekend").check()
        assert_fits_the_phone(page)
        screenshot("agreements")
        page.get_by_role("button", name="Afspraken opslaan").click()
        wait_for_case_page(page, case)
        case.refresh_from_db()
        assert case.status == Status.FOLLOW_UP
        agreement = Agreement.objects.get(case=case)
        assert agreement.items.count() == 2 and agreement.follow_up_on == follow_up_on

        # Six weeks later, 09:05: the minute sweep decides the nazorg reminder; the send task mails it.
        traveller.move_to(datetime(follow_up_on.year, follow_up_on.month, follow_up_on.day, 9, 5, tzinfo=AMS))
        due = notifications.sweep(now=timezone.now())
        assert set(due) == set(
            Notification.objects.filter(kind=Notification.Kind.FOLLOW_UP_DUE).values_list("pk", flat=True)
        )
        assert [send_notification.run(pk) for pk in due] == ["sent", "sent"]
        (email,) = [message for message in mail.outbox if message.to == [lead.user.email]]
        assert email.subject == f"Nazorg: zaak {case.number}"
        link = re.search(r"http://\S+/bemiddelaar/zaken/\S+/", email.body).group(0)

        # The link in the email; the session of six weeks ago has expired, so log in again.
        page.goto(urlsplit(link).path)
        if "/login/" in page.url:
            log_in(page, "bemiddelaar1")
        wait_for_case_page(page, case)
        page.get_by_role("link", name="Nazorg vastleggen").click()
        page.get_by_label("Nagekomen", exact=True).check()
        page.get_by_role("button", name="Opslaan").click()
        wait_for_case_page(page, case)

        # The lead closes the case as resolved.
        page.get_by_role("link", name="Zaak afsluiten").click()
        page.get_by_label("Resultaat").select_option(Outcome.RESOLVED_JOINT_MEETING)
        page.get_by_role("button", name="Zaak afsluiten").click()
        wait_for_case_page(page, case)
        assert page.get_by_text("Afgesloten op").count() == 1
        assert_fits_the_phone(page)
        screenshot("closed")
        case.refresh_from_db()
        assert case.status == Status.CLOSED and case.outcome == Outcome.RESOLVED_JOINT_MEETING
        assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.COMPLETED}

        # The referrer's milestones say: closed, resolved.
        page.context.clear_cookies()
        page.goto(reverse("cases:referral_detail", kwargs={"code": case.code}))
        log_in(page, "verwijzer")
        page.wait_for_url(f"**/zaken/verwijzingen/{case.code}/")
        assert page.get_by_text("Afgesloten: opgelost").count() == 1
        screenshot("referrer-milestones")
