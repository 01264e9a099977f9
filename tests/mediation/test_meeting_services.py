"""Contact attempts and meetings: planning, double booking, recording what came of a meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from buurtbemiddeling.errors import DomainError
from cases.models import CaseEvent, Meeting, Status
from cases.services import NotAllowed, log_party_contact, record_meeting_outcome
from mediators.models import Assignment
from tests import factories
from tests.mediation.conftest import CANARIES, assign, at, make_case, plan

pytestmark = pytest.mark.django_db


def _assert_no_canary(text: str):
    for what, canary in CANARIES.items():
        assert canary not in text, f"{what} in {text!r}"


# Contact attempts


def test_one_tap_logs_a_contact_attempt_by_party_role(case, co):
    party_b = case.parties.get(role="B")

    event = log_party_contact(case=case, party=party_b, actor=co.user, result="no_answer")

    assert event.kind == CaseEvent.Kind.CONTACT_ATTEMPT
    assert event.text == "Partij B (de andere partij): Gebeld, geen gehoor"
    assert event.actor == co.user
    _assert_no_canary(event.text)


def test_it_refuses_a_party_of_another_case(case, lead):
    other = make_case()
    with pytest.raises(DomainError):
        log_party_contact(case=case, party=other.parties.first(), actor=lead.user, result="spoken")


def test_it_refuses_a_contact_attempt_by_a_mediator_of_another_case(case):
    outsider = factories.MediatorFactory()
    with pytest.raises(NotAllowed):
        log_party_contact(case=case, party=case.parties.first(), actor=outsider.user, result="spoken")


# Planning


def test_a_mediator_plans_a_meeting_with_the_duo(case, lead, co):
    meeting = plan(
        case,
        by=lead,
        start=at(5, 19),
        location=CANARIES["home_location"],
        location_kind=Meeting.LocationKind.HOME_A,
        kind=Meeting.Kind.INTAKE_A,
    )

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert set(meeting.mediators.all()) == {lead, co}
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
    event = case.events.get(kind=CaseEvent.Kind.MEETING)
    assert event.text == "Intakegesprek partij A gepland op 5 maart 2026, 19:00–20:30."
    _assert_no_canary(event.text)


def test_a_coordinator_plans_a_meeting(case, coordinator, lead):
    meeting = plan(case, by=coordinator, start=at(5, 10), mediators=[lead])
    assert list(meeting.mediators.all()) == [lead]


def test_only_assigned_mediators_can_be_present(case, lead):
    outsider = factories.MediatorFactory()
    with pytest.raises(DomainError, match="Alleen de bemiddelaars van deze zaak"):
        plan(case, by=lead, start=at(5, 19), mediators=[lead, outsider])


def test_a_proposed_mediator_cannot_be_present_nor_plan(frozen, lead):
    case = make_case()
    assign(case, lead, role=Assignment.Role.LEAD)
    proposed = factories.MediatorFactory()
    assign(case, proposed, role=Assignment.Role.CO, status=Assignment.Status.PROPOSED)
    with pytest.raises(DomainError):
        plan(case, by=lead, start=at(5, 19), mediators=[lead, proposed])
    with pytest.raises(NotAllowed):
        plan(case, by=proposed, start=at(5, 19), mediators=[lead])


def test_meetings_are_planned_only_in_mediation_or_follow_up(frozen, lead):
    case = make_case(status=Status.MATCHING)
    assign(case, lead)
    with pytest.raises(DomainError, match="in bemiddeling of in nazorg"):
        plan(case, by=lead, start=at(5, 19))


def test_the_end_must_be_after_the_start(case, lead):
    with pytest.raises(DomainError):
        plan(case, by=lead, start=at(5, 19), minutes=0)


def test_a_double_booking_is_refused_naming_the_clash(case, lead, co):
    other_case = make_case()
    assign(other_case, lead)
    first = plan(other_case, by=lead, start=at(5, 19), minutes=90)

    with pytest.raises(DomainError) as refused:
        plan(case, by=co, start=at(5, 20), minutes=60)

    message = str(refused.value)
    assert "Lies Leider" in message
    assert "5 maart 2026" in message
    assert "19:00" in message and "20:30" in message
    assert other_case.number in message
    assert Meeting.objects.filter(case=case).count() == 0
    assert first.pk


def test_back_to_back_meetings_are_no_clash(case, lead):
    plan(case, by=lead, start=at(5, 19), minutes=60)
    second = plan(case, by=lead, start=at(5, 20), minutes=60)
    assert second.pk


def test_a_cancelled_meeting_frees_the_slot(case, lead):
    first = plan(case, by=lead, start=at(5, 19))
    record_meeting_outcome(meeting=first, actor=lead.user, status=Meeting.Status.CANCELLED)
    assert plan(case, by=lead, start=at(5, 19)).pk


def test_another_mediator_at_the_same_time_is_no_clash(case, lead, co):
    plan(case, by=lead, start=at(5, 19), mediators=[lead])
    assert plan(case, by=co, start=at(5, 19), mediators=[co]).pk


# Recording what came of a meeting


def test_after_the_meeting_it_is_recorded_as_held_with_a_confidential_note(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))

    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD, note=CANARIES["meeting_note"])

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.confidential_notes == CANARIES["meeting_note"]
    event = case.events.filter(kind=CaseEvent.Kind.MEETING).last()
    assert event.text == "Gezamenlijk bemiddelingsgesprek van 3 maart 2026, 19:00: gehouden."
    _assert_no_canary(event.text)


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.NO_SHOW])
def test_it_cannot_be_held_or_a_no_show_before_it_starts(case, lead, status):
    meeting = plan(case, by=lead, start=at(3, 19))
    with pytest.raises(DomainError, match="zodra het begonnen is"):
        record_meeting_outcome(meeting=meeting, actor=lead.user, status=status)


def test_a_no_show_is_recorded(case, co, frozen):
    meeting = plan(case, by=co, start=at(3, 19))
    frozen.move_to(at(3, 19, 30))
    record_meeting_outcome(meeting=meeting, actor=co.user, status=Meeting.Status.NO_SHOW)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NO_SHOW


def test_an_outcome_is_recorded_once(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.CANCELLED)
    with pytest.raises(DomainError, match="al vastgelegd"):
        record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.CANCELLED)
