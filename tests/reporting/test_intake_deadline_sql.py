"""PostgreSQL computes the intake deadline in SQL for the five-working-day share: it must agree with
buurtbemiddeling.workdays.intake_deadline to the second, in every weekday, around both clock changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from buurtbemiddeling.workdays import intake_deadline
from cases.models import Case
from partners.reporting import _intake_deadline_sql, intakes_within_five_working_days
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def moments() -> list[datetime]:
    # Every day of the weeks around the clock changes of 2025, at night, in office hours and late.
    starts = [datetime(2025, 3, 24, tzinfo=AMSTERDAM), datetime(2025, 10, 20, tzinfo=AMSTERDAM)]
    return [
        (start + timedelta(days=day)).replace(hour=hour, minute=minute)
        for start in starts
        for day in range(-10, 4)
        for hour, minute in ((0, 0), (2, 30), (9, 15), (23, 59))
    ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_sql_deadline_is_the_python_deadline():
    for received_at in moments():
        factories.CaseFactory(received_at=received_at)
    rows = Case.objects.annotate(deadline=_intake_deadline_sql()).values_list("received_at", "deadline")
    for received_at, deadline in rows:
        assert deadline == intake_deadline(received_at), received_at


@pytest.mark.postgres
@pytest.mark.django_db
def test_first_contact_on_the_deadline_counts_a_second_later_does_not():
    for received_at in moments():
        deadline = intake_deadline(received_at)
        factories.CaseFactory(received_at=received_at, first_contact_at=deadline)
        factories.CaseFactory(received_at=received_at, first_contact_at=deadline + timedelta(seconds=1))
    factories.CaseFactory(received_at=moments()[0], first_contact_at=None)
    n = len(moments())
    assert intakes_within_five_working_days(Case.objects.all()) == (2 * n, n)
