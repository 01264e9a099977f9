"""A mediator's personal calendar feed (iCalendar, RFC 5545) at a secret, renewable URL.

Calendar apps fetch the feed without logging in, and copies of it end up on phones and in cloud
calendars. So it carries what a mediator needs to show up, and nothing that identifies a party:

- the meeting's kind and the case number ("Bemiddelingsgesprek – zaak 2026-0042"), start and end;
- the place: the free-text location only when the meeting is marked as being at a neutral place (a
  community centre, the office); for a home visit, a phone call or another place only the generic
  label ("Bij partij A thuis"), because the free text may be an address;
- a link to the case page, which asks for a login.

Never names, addresses, phone numbers, notes or descriptions. Cancelled meetings stay in the feed as
STATUS:CANCELLED so that calendar apps remove them; meetings older than FEED_PAST_DAYS are left out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from icalendar import Calendar, Event

from buurtbemiddeling.emails import language_for, mediation_case_url
from cases.models import Meeting

from .models import Assignment, Mediator, new_calendar_token

FEED_PAST_DAYS = 90
STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.NO_SHOW: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def mediator_for_token(token: str) -> Mediator | None:
    """The active mediator account the token belongs to, or None (the view answers 404)."""
    return (
        Mediator.objects.select_related("user", "user__preference")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )


def meetings_for_feed(mediator: Mediator, *, now: datetime):
    """The mediator's meetings in cases they (still) see: present at the meeting, assignment accepted or completed."""
    return (
        Meeting.objects.filter(
            mediators=mediator,
            starts_at__gte=now - timedelta(days=FEED_PAST_DAYS),
            case__assignments__mediator=mediator,
            case__assignments__status__in=Assignment.Status.visible(),
        )
        .select_related("case")
        .only(
            "pk",
            "kind",
            "starts_at",
            "ends_at",
            "location_kind",
            "location",
            "status",
            "case__code",
            "case__number",
        )
        .distinct()
        .order_by("starts_at", "pk")
    )


def place_of(meeting: Meeting) -> str:
    if meeting.location_is_shareable and meeting.location:
        return meeting.location
    return str(meeting.get_location_kind_display())


def build_feed(mediator: Mediator, *, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    with translation.override(language_for(mediator.user)):
        calendar = Calendar()
        calendar.add("prodid", "-//Buurtbemiddeling Enschede//Agenda//NL")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", translation.gettext("Neighbour mediation"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # Ask calendar apps to fetch again every hour (most honour one of the two).
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for meeting in meetings_for_feed(mediator, now=now):
            event = Event()
            event.add("uid", f"meeting-{meeting.pk}@{domain}")
            event.add("dtstamp", now)
            event.add("dtstart", meeting.starts_at)
            event.add("dtend", meeting.ends_at)
            event.add(
                "summary",
                translation.gettext("%(kind)s – case %(number)s")
                % {"kind": meeting.get_kind_display(), "number": meeting.case.number},
            )
            event.add("location", place_of(meeting))
            event.add("url", mediation_case_url(meeting.case.code))
            event.add("status", STATUS[meeting.status])
            event.add("transp", "TRANSPARENT" if meeting.status == Meeting.Status.CANCELLED else "OPAQUE")
            calendar.add_component(event)
    return calendar.to_ical()


@transaction.atomic
def renew_calendar_token(*, mediator: Mediator) -> str:
    """Replace the feed's secret: the old URL answers 404 from now on. Returns the new token."""
    mediator.calendar_token = new_calendar_token()
    mediator.save(update_fields=["calendar_token"])
    return mediator.calendar_token
