"""Two plans for the same mediator at the same moment: the row lock makes the second see the first."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from buurtbemiddeling.errors import DomainError
from cases.models import Meeting
from cases.services import plan_meeting
from tests.mediation.conftest import assign, at, make_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_plans_cannot_double_book_a_mediator(lead, co):
    first_case, second_case = make_case(), make_case()
    assign(first_case, lead)
    assign(second_case, lead)
    first_planned = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def plan(case, key, *, hold: bool):
        try:
            with transaction.atomic():
                plan_meeting(
                    case=case,
                    actor=lead.user,
                    kind=Meeting.Kind.JOINT,
                    starts_at=at(5, 19),
                    ends_at=at(5, 19) + timedelta(minutes=90),
                    location_kind=Meeting.LocationKind.NEUTRAL,
                    mediators=[lead],
                )
                if hold:
                    first_planned.set()
                    # Keep the transaction (and the lock on the mediator's row) open a while.
                    release_first.wait(10)
            outcome[key] = "planned"
        except DomainError as error:
            outcome[key] = str(error)
        finally:
            connection.close()

    first = threading.Thread(target=plan, args=(first_case, "first"), kwargs={"hold": True})
    first.start()
    assert first_planned.wait(10)
    second = threading.Thread(target=plan, args=(second_case, "second"), kwargs={"hold": False})
    second.start()
    second.join(1)
    # Without the lock the second would have passed its check by now, not seeing the uncommitted first.
    assert second.is_alive(), "the second plan did not wait for the first"
    release_first.set()
    first.join(10)
    second.join(10)

    assert outcome["first"] == "planned"
    assert first_case.number in str(outcome["second"])
    assert Meeting.objects.filter(mediators=lead).count() == 1
