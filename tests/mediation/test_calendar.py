"""The personal calendar feed: valid iCalendar, no personal data, a secret URL that can be renewed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from cases.models import Meeting, Outcome
from cases.services import close_case, record_meeting_outcome
from mediators.models import Assignment, Mediator
from tests import factories
from tests.mediation.conftest import CANARIES, assign, at, make_case, plan

pytestmark = pytest.mark.django_db


def feed_url(mediator):
    mediator.refresh_from_db()
    return reverse("mediators:calendar_feed", kwargs={"token": mediator.calendar_token})


def events_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meetings(case, lead, co):
    home = plan(
        case,
        by=lead,
        start=at(4, 19),
        kind=Meeting.Kind.INTAKE_A,
        location_kind=Meeting.LocationKind.HOME_A,
        location=CANARIES["home_location"],
    )
    joint = plan(case, by=lead, start=at(10, 19), location="Wijkcentrum De Schakel")
    return home, joint


def test_the_feed_parses_and_shows_kind_case_number_time_and_a_neutral_place(client, meetings, lead):
    home, _joint = meetings
    events = events_of(client.get(feed_url(lead)))

    number = home.case.number
    assert set(events) == {
        f"Intakegesprek partij A – zaak {number}",
        f"Gezamenlijk bemiddelingsgesprek – zaak {number}",
    }
    visit = events[f"Intakegesprek partij A – zaak {number}"]
    assert visit["dtstart"].dt == home.starts_at and visit["dtend"].dt == home.ends_at
    assert str(visit["location"]) == "Bij partij A thuis"
    assert str(events[f"Gezamenlijk bemiddelingsgesprek – zaak {number}"]["location"]) == "Wijkcentrum De Schakel"
    assert str(visit["url"]) == f"http://testserver.example/bemiddelaar/zaken/{home.case.code}/"
    assert str(visit["status"]) == "CONFIRMED"


def test_the_feed_carries_no_personal_data(client, meetings, lead, frozen):
    home, _joint = meetings
    frozen.move_to(at(4, 21))
    record_meeting_outcome(meeting=home, actor=lead.user, status=Meeting.Status.HELD, note=CANARIES["meeting_note"])
    body = client.get(feed_url(lead)).content.decode()
    unfolded = body.replace("\r\n ", "")
    for what, canary in CANARIES.items():
        assert canary not in unfolded, what
    for name in (lead.user.first_name, lead.user.last_name):
        assert name not in unfolded


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, meetings, lead):
    _home, joint = meetings
    record_meeting_outcome(meeting=joint, actor=lead.user, status=Meeting.Status.CANCELLED)
    events = events_of(client.get(feed_url(lead)))
    assert str(events[f"Gezamenlijk bemiddelingsgesprek – zaak {joint.case.number}"]["status"]) == "CANCELLED"


def test_the_feed_has_only_the_mediators_own_meetings(client, case, lead, co):
    plan(case, by=lead, start=at(4, 19), mediators=[co])
    other = make_case()
    assign(other, factories.MediatorFactory())
    assert events_of(client.get(feed_url(lead))) == {}
    assert len(events_of(client.get(feed_url(co)))) == 1


def test_meetings_of_a_case_taken_away_leave_the_feed(client, meetings, lead):
    Assignment.objects.filter(mediator=lead).update(status=Assignment.Status.WITHDRAWN)
    assert events_of(client.get(feed_url(lead))) == {}


def test_a_closed_case_keeps_its_past_meetings(client, meetings, lead):
    close_case(case=meetings[0].case, actor=lead.user, outcome=Outcome.WITHDRAWN)
    assert len(events_of(client.get(feed_url(lead)))) == 2


def test_an_unknown_token_is_a_404(client, lead):
    response = client.get(reverse("mediators:calendar_feed", kwargs={"token": "bestaat-niet-" + "x" * 30}))
    assert response.status_code == 404


def test_a_deactivated_account_has_no_feed(client, lead):
    url = feed_url(lead)
    lead.user.is_active = False
    lead.user.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_renewing_makes_the_old_url_a_404(client, meetings, lead):
    old = feed_url(lead)
    client.force_login(lead.user)

    response = client.post(reverse("mediators:renew_calendar"))

    assert response.status_code == 302
    new = feed_url(lead)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert len(events_of(client.get(new))) == 2


def test_renewing_needs_a_post(client, lead):
    client.force_login(lead.user)
    assert client.get(reverse("mediators:renew_calendar")).status_code == 405


def test_the_calendar_page_shows_the_own_link_only_to_mediators(client, lead, coordinator):
    client.force_login(lead.user)
    response = client.get(reverse("mediators:calendar"))
    assert feed_url(lead) in response.content.decode()
    assert "webcal://" in response.content.decode()
    client.force_login(coordinator)
    assert client.get(reverse("mediators:calendar")).status_code == 404


def test_every_mediator_gets_an_own_token():
    tokens = {factories.MediatorFactory().calendar_token for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(token) >= 40 for token in tokens)
    assert Mediator._meta.get_field("calendar_token").unique
