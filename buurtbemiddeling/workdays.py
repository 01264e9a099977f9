"""Working-day arithmetic in Europe/Amsterdam.

A working day is Monday to Friday. Public holidays (Koningsdag, Christmas, ...) are not taken
into account: they count as working days. Deadlines such as the intake's five working days are
reminders, not legal terms, so a reminder that arrives a day early around a holiday is acceptable.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SATURDAY = 5


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start``, at the same wall-clock time.

    Counting happens on the Amsterdam calendar, so a case received on Monday at 10:00 is due the
    next Monday at 10:00, summer time or not. Something received in the weekend starts counting
    on Monday at 00:00: received on Saturday, five working days have passed at the start of the
    next Monday. The answer always falls on a working day; because clocks change on Sundays, its
    wall-clock time always exists and is never ambiguous.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    zone = _zone()
    local = timezone.localtime(start, zone)
    day, wall_clock = local.date(), local.time().replace(tzinfo=None)
    if not is_working_day(day):
        day += timedelta(days=7 - day.weekday())  # the next Monday
        wall_clock = time(0)
    # Five working days from a working day are a calendar week: the same weekday a week on.
    weeks, remaining = divmod(days, 5)
    day += timedelta(weeks=weeks)
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return datetime.combine(day, wall_clock, tzinfo=zone)


def intake_deadline(received_at: datetime) -> datetime:
    """When the intake of a case received at ``received_at`` should have happened (DESIGN.md)."""
    return add_working_days(received_at, settings.INTAKE_DEADLINE_WORKING_DAYS)


def is_intake_overdue(received_at: datetime, now: datetime) -> bool:
    return intake_deadline(received_at) <= now
