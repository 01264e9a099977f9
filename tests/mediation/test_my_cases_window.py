""" "Mijn zaken" lists the cases a mediator works on and those they completed within the reopen window.

The completed ones are found by the assignment's date of completion (Assignment.completed_at), which
closing sets and reopening clears, so the list does not read the mediator's whole history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Outcome, Status
from cases.services import close_case, reopen_case
from mediators.models import Assignment, Mediator
from tests.mediation.conftest import assign, make_case

pytestmark = pytest.mark.django_db

WINDOW = timedelta(days=settings.REOPEN_WINDOW_DAYS)


def my_cases_page(client, mediator) -> str:
    client.force_login(mediator.user)
    response = client.get(reverse("mediators:home"))
    assert response.status_code == 200
    return response.content.decode()


def closed_by(lead, *, co=None):
    case = make_case()
    assign(case, lead)
    if co is not None:
        assign(case, co, role=Assignment.Role.CO)
    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    return case


def test_closing_completes_the_duo_with_the_date_and_reopening_clears_it(frozen, lead, co, coordinator):
    case = closed_by(lead, co=co)

    completed = {a.mediator_id: a.completed_at for a in case.assignments.all()}
    assert completed == {lead.pk: timezone.now(), co.pk: timezone.now()}
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.COMPLETED}

    # The co-mediator paused in the meantime: they do not come back, and keep their date of completion.
    Mediator.objects.filter(pk=co.pk).update(status=Mediator.Status.PAUSED)
    frozen.shift(timedelta(days=10))
    reopen_case(case=case, actor=coordinator, reason="De overlast is terug.")

    after = {a.mediator_id: (a.status, a.completed_at) for a in case.assignments.all()}
    assert after == {
        lead.pk: (Assignment.Status.ACCEPTED, None),
        co.pk: (Assignment.Status.COMPLETED, completed[co.pk]),
    }


def test_my_cases_shows_the_work_and_what_was_completed_within_the_window(client, frozen, lead):
    open_case = make_case()
    assign(open_case, lead)
    old = closed_by(lead)
    frozen.shift(WINDOW - timedelta(days=30))
    recent = closed_by(lead)
    frozen.shift(timedelta(days=31))

    html = my_cases_page(client, lead)

    assert open_case.number in html and recent.number in html
    assert old.number not in html  # completed a day more than the window ago

    frozen.shift(WINDOW - timedelta(days=10))
    html = my_cases_page(client, lead)
    assert open_case.number in html
    assert recent.number not in html


def test_a_case_reopened_without_this_mediator_drops_off_their_list_with_the_window(
    client, frozen, lead, co, coordinator
):
    case = closed_by(lead, co=co)
    Mediator.objects.filter(pk=co.pk).update(status=Mediator.Status.PAUSED)
    reopen_case(case=case, actor=coordinator, reason="De overlast is terug.")
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION

    # The paused co-mediator still reads the case file they worked on, and sees it on their list for a while.
    assert case.number in my_cases_page(client, co)
    frozen.shift(WINDOW + timedelta(days=1))
    assert case.number not in my_cases_page(client, co)
    assert case.number in my_cases_page(client, lead)


def test_proposed_declined_and_withdrawn_assignments_are_not_on_the_list(client, frozen, lead):
    cases = {status: make_case() for status in (Assignment.Status.PROPOSED, Assignment.Status.DECLINED)}
    for status, case in cases.items():
        assign(case, lead, status=status)

    html = my_cases_page(client, lead)

    assert not any(case.number in html for case in cases.values())


@pytest.mark.parametrize(
    ("status", "completed_at"),
    [(Assignment.Status.COMPLETED, None), (Assignment.Status.ACCEPTED, "now"), (Assignment.Status.DECLINED, "now")],
)
def test_only_a_completed_assignment_has_a_date_of_completion(lead, status, completed_at):
    assignment = assign(make_case(), lead)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(
            status=status, completed_at=timezone.now() if completed_at else None
        )
