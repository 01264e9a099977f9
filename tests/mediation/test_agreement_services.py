"""Agreements, nazorg, closure with an outcome and reopening: every transition of steps 5–7."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from buurtbemiddeling.errors import DomainError
from cases.models import Agreement, CaseEvent, Meeting, Outcome, Status
from cases.services import (
    AgreementItemData,
    IllegalTransition,
    NotAllowed,
    close_case,
    record_agreement,
    record_follow_up,
    record_meeting_outcome,
    reopen_case,
    resume_mediation,
)
from mediators.models import Assignment, Mediator
from tests import factories
from tests.mediation.conftest import CANARIES, assign, at, plan

pytestmark = pytest.mark.django_db

ITEMS = [
    AgreementItemData(text="Na 22:00 geen muziek meer", who="Partij B"),
    AgreementItemData(text="Heg snoeien tot 1,80 m", who="Partij A", due_on=date(2026, 4, 1)),
]


@pytest.fixture
def held_joint(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    return meeting


@pytest.fixture
def agreement(held_joint, lead):
    return record_agreement(meeting=held_joint, actor=lead.user, items=ITEMS, signed=True)


def test_agreements_are_recorded_with_items_and_nazorg_six_weeks_later(case, held_joint, lead):
    agreement = record_agreement(meeting=held_joint, actor=lead.user, items=ITEMS, signed=True)

    assert agreement.follow_up_on == date(2026, 4, 14)  # 3 March + 6 weeks
    assert agreement.signed
    assert [(i.text, i.who, i.due_on) for i in agreement.items.order_by("pk")] == [
        ("Na 22:00 geen muziek meer", "Partij B", None),
        ("Heg snoeien tot 1,80 m", "Partij A", date(2026, 4, 1)),
    ]
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP
    event = case.events.get(kind=CaseEvent.Kind.AGREEMENT)
    assert event.text == (
        "2 afspraken vastgelegd (Gezamenlijk bemiddelingsgesprek van 3 maart 2026, ondertekend). "
        "Nazorg op 14 april 2026."
    )
    for canary in CANARIES.values():
        assert canary not in event.text
    status_change = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE, new_status=Status.FOLLOW_UP)
    assert status_change.old_status == Status.IN_MEDIATION


def test_the_nazorg_date_may_be_chosen_between_two_and_six_weeks(held_joint, lead):
    with pytest.raises(DomainError, match="twee tot zes weken"):
        record_agreement(meeting=held_joint, actor=lead.user, items=ITEMS, signed=False, follow_up_on=date(2026, 3, 10))
    agreement = record_agreement(
        meeting=held_joint, actor=lead.user, items=ITEMS, signed=False, follow_up_on=date(2026, 3, 17)
    )
    assert agreement.follow_up_on == date(2026, 3, 17)


def test_agreements_need_at_least_one_item(held_joint, lead):
    with pytest.raises(DomainError, match="minstens één afspraak"):
        record_agreement(meeting=held_joint, actor=lead.user, items=[AgreementItemData(text="  ")], signed=False)


def test_agreements_need_a_held_meeting(case, lead):
    planned = plan(case, by=lead, start=at(4, 19))
    with pytest.raises(DomainError, match="gehouden"):
        record_agreement(meeting=planned, actor=lead.user, items=ITEMS, signed=False)


def test_an_intake_reaches_no_agreement(case, lead, frozen):
    intake = plan(case, by=lead, start=at(3, 10), kind=Meeting.Kind.INTAKE_A)
    frozen.move_to(at(3, 12))
    record_meeting_outcome(meeting=intake, actor=lead.user, status=Meeting.Status.HELD)
    with pytest.raises(DomainError):
        record_agreement(meeting=intake, actor=lead.user, items=ITEMS, signed=False)


def test_a_meeting_has_one_set_of_agreements(agreement, held_joint, lead):
    with pytest.raises(DomainError, match="al vastgelegd"):
        record_agreement(meeting=held_joint, actor=lead.user, items=ITEMS, signed=False)
    assert Agreement.objects.count() == 1


def test_the_follow_up_result_is_recorded_once(agreement, co, frozen):
    frozen.move_to(at(14, 11, month=4))
    record_follow_up(agreement=agreement, actor=co.user, result="kept", note="Beide partijen tevreden")

    agreement.refresh_from_db()
    assert agreement.follow_up_result == Agreement.FollowUpResult.KEPT
    assert agreement.follow_up_note == "Beide partijen tevreden"
    event = agreement.case.events.filter(kind=CaseEvent.Kind.AGREEMENT).last()
    assert event.text == "Nazorg van de afspraken van 3 maart 2026: nagekomen."
    assert agreement.case.status == Status.FOLLOW_UP  # the next step is the mediators' choice
    with pytest.raises(DomainError, match="al vastgelegd"):
        record_follow_up(agreement=agreement, actor=co.user, result="partly")


def test_from_follow_up_back_to_mediation_for_another_meeting(agreement, lead, co):
    case = agreement.case
    record_follow_up(agreement=agreement, actor=lead.user, result="not_kept")

    resume_mediation(case=case, actor=co.user, reason="Nieuw gesprek nodig")

    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION
    assert plan(case, by=lead, start=at(20, 19), kind=Meeting.Kind.FOLLOW_UP).pk


def test_the_lead_closes_from_follow_up_with_an_outcome_and_the_duo_is_completed(agreement, lead, co, frozen):
    case = agreement.case
    record_follow_up(agreement=agreement, actor=lead.user, result="kept")
    later = plan(case, by=lead, start=at(20, 19))  # a planned meeting that will not happen now
    proposal = factories.MediatorFactory()
    Assignment.objects.filter(case=case, role=Assignment.Role.CO).update(status=Assignment.Status.WITHDRAWN)
    assign(case, proposal, role=Assignment.Role.CO, status=Assignment.Status.PROPOSED)

    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.RESOLVED_JOINT_MEETING
    assert case.closed_at == at(3, 21)
    statuses = dict(case.assignments.values_list("mediator_id", "status"))
    assert statuses == {
        lead.pk: Assignment.Status.COMPLETED,
        co.pk: Assignment.Status.WITHDRAWN,
        proposal.pk: Assignment.Status.WITHDRAWN,
    }
    later.refresh_from_db()
    assert later.status == Meeting.Status.CANCELLED
    closing = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE, new_status=Status.CLOSED)
    assert closing.milestone == CaseEvent.Milestone.CLOSED_RESOLVED


def test_closing_completes_both_assignments_in_the_same_transaction(case, lead, co):
    close_case(case=case, actor=lead.user, outcome=Outcome.PARTY_B_DECLINED)
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.COMPLETED}
    assert case.events.get(new_status=Status.CLOSED).milestone == CaseEvent.Milestone.CLOSED_NOT_RESOLVED


def test_a_failed_closure_completes_nothing(case, lead):
    with pytest.raises(DomainError):
        close_case(case=case, actor=lead.user, outcome="")
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.ACCEPTED}


def test_the_co_mediator_cannot_close(case, co):
    with pytest.raises(NotAllowed):
        close_case(case=case, actor=co.user, outcome=Outcome.RESOLVED_JOINT_MEETING)


def test_a_coordinator_closes(case, coordinator):
    close_case(case=case, actor=coordinator, outcome=Outcome.WITHDRAWN)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_coordinator_reopens_within_six_months_and_active_mediators_are_back(case, lead, co, coordinator, frozen):
    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    Mediator.objects.filter(pk=co.pk).update(status=Mediator.Status.PAUSED)
    frozen.move_to(at(1, 10, month=8))  # five months later

    reopen_case(case=case, actor=coordinator, reason="Het geluid is terug")

    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION
    assert case.outcome == "" and case.closed_at is None
    statuses = dict(case.assignments.values_list("mediator_id", "status"))
    assert statuses == {lead.pk: Assignment.Status.ACCEPTED, co.pk: Assignment.Status.COMPLETED}
    reopened = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE, old_status=Status.CLOSED)
    assert reopened.text == "Het geluid is terug"
    assert plan(case, by=lead, start=at(5, 19, month=8), mediators=[lead]).pk


def test_reopening_after_six_months_is_refused(case, lead, coordinator, frozen):
    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    frozen.move_to(at(2, 10, month=9) + timedelta(days=30))
    with pytest.raises(IllegalTransition):
        reopen_case(case=case, actor=coordinator, reason="Te laat")
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_only_a_coordinator_reopens_and_with_a_reason(case, lead, coordinator):
    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    with pytest.raises(NotAllowed):
        reopen_case(case=case, actor=lead.user, reason="Graag opnieuw")
    with pytest.raises(DomainError, match="waarom de zaak heropend"):
        reopen_case(case=case, actor=coordinator, reason="  ")
