"""Working-day arithmetic on the Amsterdam calendar (weekends do not count, holidays do)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from buurtbemiddeling.workdays import add_working_days, intake_deadline, is_intake_overdue

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Monday + 5 working days = next Monday, same time.
        (datetime(2026, 3, 2, 10, 0), 5, datetime(2026, 3, 9, 10, 0)),
        # Wednesday + 5 = next Wednesday: the weekend in between does not count.
        (datetime(2026, 3, 4, 16, 30), 5, datetime(2026, 3, 11, 16, 30)),
        # Friday + 1 = Monday.
        (datetime(2026, 3, 6, 9, 0), 1, datetime(2026, 3, 9, 9, 0)),
        # Received on Saturday or Sunday: counting starts on Monday at 00:00, so five full
        # working days have passed at the start of the next Monday.
        (datetime(2026, 3, 7, 14, 0), 5, datetime(2026, 3, 16, 0, 0)),
        (datetime(2026, 3, 8, 23, 59), 5, datetime(2026, 3, 16, 0, 0)),
        (datetime(2026, 3, 7, 14, 0), 1, datetime(2026, 3, 10, 0, 0)),
        # Zero days from a weekday is the same moment.
        (datetime(2026, 3, 4, 12, 0), 0, datetime(2026, 3, 4, 12, 0)),
        # Public holidays count as working days (Koningsdag, Monday 27 April 2026).
        (datetime(2026, 4, 24, 10, 0), 1, datetime(2026, 4, 27, 10, 0)),
        # 10 working days = two calendar weeks.
        (datetime(2026, 3, 3, 8, 0), 10, datetime(2026, 3, 17, 8, 0)),
    ],
)
def test_it_adds_working_days_on_the_amsterdam_calendar(start, days, expected):
    assert add_working_days(start.replace(tzinfo=AMS), days) == expected.replace(tzinfo=AMS)


def test_it_keeps_the_wall_clock_time_across_the_change_to_summer_time():
    # Clocks go forward on Sunday 29 March 2026: Thursday 10:00 CET + 5 = Thursday 10:00 CEST,
    # which is one hour less than 7 x 24 hours later.
    start = datetime(2026, 3, 26, 10, 0, tzinfo=AMS)
    deadline = add_working_days(start, 5)
    assert deadline == datetime(2026, 4, 2, 10, 0, tzinfo=AMS)
    utc = ZoneInfo("UTC")
    assert deadline.astimezone(utc) - start.astimezone(utc) == timedelta(days=7) - timedelta(hours=1)
    assert deadline.utcoffset() == timedelta(hours=2)


def test_it_counts_on_the_amsterdam_date_not_the_utc_date():
    # Friday 23:30 UTC is already Saturday 00:30 in Amsterdam (summer): a weekend receipt.
    start = datetime(2026, 6, 5, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert add_working_days(start, 5) == datetime(2026, 6, 15, 0, 0, tzinfo=AMS)


def test_it_refuses_negative_days():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(timezone.now(), -1)


def test_the_intake_deadline_is_five_working_days():
    received = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)  # Monday
    assert intake_deadline(received) == datetime(2026, 3, 9, 10, 0, tzinfo=AMS)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (datetime(2026, 3, 9, 9, 59), False),  # next Monday, a minute early
        (datetime(2026, 3, 9, 10, 0), True),
        (datetime(2026, 3, 7, 12, 0), False),  # Saturday: only 4 working days have passed
    ],
)
def test_a_case_is_overdue_from_its_deadline_on(now, overdue):
    received = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)
    with time_machine.travel(now.replace(tzinfo=AMS), tick=False):
        assert is_intake_overdue(received, timezone.now()) is overdue


def _one_day_at_a_time(start: datetime, days: int) -> datetime:
    """The definition, counted a day at a time: the reference for the week arithmetic."""
    local = timezone.localtime(start, AMS)
    day, wall_clock = local.date(), local.time().replace(tzinfo=None)
    if day.weekday() >= 5:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        wall_clock = datetime.min.time()
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return datetime.combine(day, wall_clock, tzinfo=AMS)


def test_whole_weeks_are_counted_as_the_definition_counts_them():
    # Every five hours over three weeks around the change to summer time, 0 to 16 working days.
    start = datetime(2026, 3, 16, 0, 30, tzinfo=AMS)
    for step in range(0, 21 * 24, 5):
        moment = start + timedelta(hours=step)
        for days in range(17):
            assert add_working_days(moment, days) == _one_day_at_a_time(moment, days), (moment, days)
