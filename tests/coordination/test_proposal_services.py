"""Duo matching services: propose, accept, decline, withdraw, the 24-hour reminder and the 48-hour expiry."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import close_old_connections, connection

from buurtbemiddeling import notifications
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import CaseEvent, Status
from mediators import services
from mediators.models import Assignment
from tests import factories
from tests.coordination.conftest import NOW, make_matching_case, make_mediator

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _propose(case, coordinator, **mediators):
    return services.propose(case=case, mediators=mediators, actor=coordinator, now=NOW)


def _rows(kind):
    return list(Notification.objects.filter(kind=kind).order_by("key"))


# Propose -------------------------------------------------------------------------------------


def test_proposing_a_duo_creates_two_proposals_and_an_email_each(matching_case, coordinator, lead, co):
    lead_assignment, co_assignment = _propose(matching_case, coordinator, lead=lead, co=co)

    assert (lead_assignment.role, lead_assignment.mediator, lead_assignment.status) == ("lead", lead, "proposed")
    assert (co_assignment.role, co_assignment.mediator, co_assignment.status) == ("co", co, "proposed")
    assert lead_assignment.proposed_at == NOW and lead_assignment.proposed_by == coordinator
    assert lead_assignment.answer_by == NOW + timedelta(hours=48)
    rows = _rows(Kind.PROPOSAL)
    assert [(row.recipient, row.key) for row in rows] == [
        (lead.user, f"proposal:{lead_assignment.pk}"),
        (co.user, f"proposal:{co_assignment.pk}"),
    ]
    assert rows[0].subject == lead_assignment and rows[0].due_at == NOW
    assert rows[0].payload == {
        "number": matching_case.number,
        "case_code": str(matching_case.code),
        "assignment_code": str(lead_assignment.code),
        "role": "lead",
        "answer_by": (NOW + timedelta(hours=48)).isoformat(),
    }
    texts = list(matching_case.events.filter(kind=CaseEvent.Kind.ASSIGNMENT).values_list("text", flat=True))
    assert texts == [
        "Voorgesteld als hoofdbemiddelaar: Lotte Bemiddelaar.",
        "Voorgesteld als co-bemiddelaar: Cor Bemiddelaar.",
    ]
    matching_case.refresh_from_db()
    assert matching_case.status == Status.MATCHING


def test_one_role_can_be_proposed_at_a_time(matching_case, coordinator, lead, co):
    _propose(matching_case, coordinator, lead=lead)
    _propose(matching_case, coordinator, co=co)
    assert matching_case.assignments.active().count() == 2


def test_a_taken_role_cannot_be_proposed_again(matching_case, coordinator, lead, co, other_mediator):
    _propose(matching_case, coordinator, lead=lead)
    with pytest.raises(DomainError, match="hoofdbemiddelaar"):
        _propose(matching_case, coordinator, lead=other_mediator, co=co)
    assert matching_case.assignments.count() == 1


def test_the_same_mediator_cannot_take_both_roles(matching_case, coordinator, lead):
    with pytest.raises(DomainError):
        _propose(matching_case, coordinator, lead=lead, co=lead)


def test_nobody_can_be_proposed_outside_matching(neighbourhoods, coordinator, lead):
    case = make_matching_case(neighbourhoods, status=Status.INTAKE)
    with pytest.raises(DomainError):
        _propose(case, coordinator, lead=lead)
    assert not Notification.objects.exists()


def test_a_mediator_living_in_a_partys_neighbourhood_cannot_be_proposed(matching_case, coordinator):
    neighbour = make_mediator("nina", postcode="7531 XY")  # De Laares: party B's wijk
    with pytest.raises(DomainError, match="Nina Bemiddelaar"):
        _propose(matching_case, coordinator, lead=neighbour)
    assert not matching_case.assignments.exists()


@pytest.mark.parametrize(
    "changes", [{"status": "paused"}, {"certified_on": None}, {"status": "in_training"}, {"max_concurrent_cases": 1}]
)
def test_only_proposable_mediators_with_room_can_be_proposed(matching_case, coordinator, changes):
    mediator = make_mediator("pim", **changes)
    if "max_concurrent_cases" in changes:
        busy = factories.CaseFactory(status=Status.IN_MEDIATION)
        factories.AssignmentFactory(case=busy, mediator=mediator, status=Assignment.Status.ACCEPTED)
    with pytest.raises(DomainError):
        _propose(matching_case, coordinator, lead=mediator)


def test_a_mediator_who_declined_cannot_be_proposed_again_for_the_case(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    services.decline_proposal(assignment=assignment, reason="Geen tijd", actor=lead.user, now=NOW)
    with pytest.raises(DomainError):
        _propose(matching_case, coordinator, lead=lead)


# Accept --------------------------------------------------------------------------------------


def test_one_acceptance_keeps_the_case_in_matching(matching_case, coordinator, lead, co):
    lead_assignment, _co = _propose(matching_case, coordinator, lead=lead, co=co)
    services.accept_proposal(assignment=lead_assignment, actor=lead.user, now=NOW + timedelta(hours=1))

    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.ACCEPTED
    assert lead_assignment.answered_at == NOW + timedelta(hours=1)
    matching_case.refresh_from_db()
    assert matching_case.status == Status.MATCHING and matching_case.matched_at is None


def test_when_both_accept_the_case_moves_to_mediation_with_the_taken_up_milestone(matching_case, coordinator, lead, co):
    lead_assignment, co_assignment = _propose(matching_case, coordinator, lead=lead, co=co)
    services.accept_proposal(assignment=co_assignment, actor=co.user, now=NOW + timedelta(hours=2))
    services.accept_proposal(assignment=lead_assignment, actor=lead.user, now=NOW + timedelta(hours=3))

    matching_case.refresh_from_db()
    assert matching_case.status == Status.IN_MEDIATION
    assert matching_case.matched_at == NOW + timedelta(hours=3)
    change = matching_case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE)
    assert (change.old_status, change.new_status) == (Status.MATCHING, Status.IN_MEDIATION)
    assert change.milestone == CaseEvent.Milestone.TAKEN_UP
    assert change.actor == lead.user


def test_an_answered_proposal_cannot_be_answered_again(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    services.accept_proposal(assignment=assignment, actor=lead.user, now=NOW)
    with pytest.raises(DomainError):
        services.accept_proposal(assignment=assignment, actor=lead.user, now=NOW)
    with pytest.raises(DomainError):
        services.decline_proposal(assignment=assignment, reason="Toch niet", actor=lead.user, now=NOW)


def test_a_proposal_cannot_be_accepted_when_the_case_left_matching(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    from cases.services import change_status

    change_status(case=matching_case, new_status=Status.INTAKE, actor=coordinator)
    with pytest.raises(DomainError):
        services.accept_proposal(assignment=assignment, actor=lead.user, now=NOW)


# Decline and withdraw ------------------------------------------------------------------------


def test_declining_frees_the_role_and_tells_every_coordinator(matching_case, coordinator, lead, co, other_mediator):
    second = factories.UserFactory(username="coordinator2", roles=[Role.COORDINATOR])
    lead_assignment, _co = _propose(matching_case, coordinator, lead=lead, co=co)

    services.decline_proposal(
        assignment=lead_assignment, reason="  Ik ken de buren  ", actor=lead.user, now=NOW + timedelta(hours=5)
    )

    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.DECLINED
    assert lead_assignment.decline_reason == "Ik ken de buren"
    assert lead_assignment.answered_at == NOW + timedelta(hours=5)
    rows = _rows(Kind.PROPOSAL_DECLINED)
    assert {row.recipient for row in rows} == {coordinator, second}
    assert {row.key for row in rows} == {
        f"proposal_declined:{lead_assignment.pk}:{coordinator.pk}",
        f"proposal_declined:{lead_assignment.pk}:{second.pk}",
    }
    # The reason is for the coordinator's matching page, not for the timeline or the email.
    assert not matching_case.events.filter(text__contains="Ik ken de buren").exists()
    assert all("Ik ken" not in str(row.payload) for row in rows)
    matching_case.refresh_from_db()
    assert matching_case.status == Status.MATCHING
    # The free role can be filled again.
    _propose(matching_case, coordinator, lead=other_mediator)


def test_declining_needs_a_reason(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    with pytest.raises(DomainError):
        services.decline_proposal(assignment=assignment, reason="   ", actor=lead.user, now=NOW)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PROPOSED


def test_the_coordinator_can_withdraw_a_proposal(matching_case, coordinator, lead, other_mediator):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    services.withdraw_proposal(assignment=assignment, actor=coordinator, now=NOW)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    _propose(matching_case, coordinator, lead=other_mediator)
    # The proposal email still waiting in the outbox no longer applies.
    row = Notification.objects.get(key=f"proposal:{assignment.pk}")
    assert not notifications._still_applies(row)


# The 24-hour reminder and the 48-hour expiry -------------------------------------------------


def test_no_reminder_before_24_hours(matching_case, coordinator, lead):
    _propose(matching_case, coordinator, lead=lead)
    services.sweep_proposals(now=NOW + timedelta(hours=23, minutes=59))
    assert not _rows(Kind.PROPOSAL_REMINDER)


def test_the_reminder_goes_out_once_after_24_hours(matching_case, coordinator, lead, co):
    lead_assignment, co_assignment = _propose(matching_case, coordinator, lead=lead, co=co)
    services.accept_proposal(assignment=co_assignment, actor=co.user, now=NOW + timedelta(hours=1))

    for minutes in (0, 1, 60):
        services.sweep_proposals(now=NOW + timedelta(hours=24, minutes=minutes))

    (row,) = _rows(Kind.PROPOSAL_REMINDER)
    assert row.recipient == lead.user
    assert row.key == f"proposal_reminder:{lead_assignment.pk}"
    assert row.due_at == NOW + timedelta(hours=24)
    assert notifications._still_applies(row)
    # Answered before the reminder went out: it no longer applies.
    services.accept_proposal(assignment=lead_assignment, actor=lead.user, now=NOW + timedelta(hours=24, minutes=2))
    row.refresh_from_db()
    assert not notifications._still_applies(row)


def test_the_reminder_is_idempotent_even_when_decided_twice(matching_case, coordinator, lead):
    _propose(matching_case, coordinator, lead=lead)
    later = NOW + timedelta(hours=25)
    assert services.schedule_proposal_reminders(now=later) == 1
    assert services.schedule_proposal_reminders(now=later) == 0
    assert len(_rows(Kind.PROPOSAL_REMINDER)) == 1


def test_after_48_hours_the_proposal_expires_and_the_coordinators_are_told(matching_case, coordinator, lead, co):
    lead_assignment, co_assignment = _propose(matching_case, coordinator, lead=lead, co=co)
    services.accept_proposal(assignment=co_assignment, actor=co.user, now=NOW + timedelta(hours=1))

    services.sweep_proposals(now=NOW + timedelta(hours=47, minutes=59))
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.PROPOSED

    services.sweep_proposals(now=NOW + timedelta(hours=48))
    services.sweep_proposals(now=NOW + timedelta(hours=48, minutes=1))
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.WITHDRAWN
    assert lead_assignment.answered_at is None
    (row,) = _rows(Kind.PROPOSAL_EXPIRED)
    assert (row.recipient, row.key) == (coordinator, f"proposal_expired:{lead_assignment.pk}:{coordinator.pk}")
    assert notifications._still_applies(row)
    # The case waits in the coordinator's queue with a free lead role; the accepted co stays.
    matching_case.refresh_from_db()
    assert matching_case.status == Status.MATCHING
    assert list(matching_case.assignments.active().values_list("role", flat=True)) == ["co"]
    assert matching_case.events.filter(text__contains="verlopen").count() == 1


def test_a_sweep_that_missed_a_day_expires_without_reminding(matching_case, coordinator, lead):
    _propose(matching_case, coordinator, lead=lead)
    services.sweep_proposals(now=NOW + timedelta(hours=60))
    assert not _rows(Kind.PROPOSAL_REMINDER)
    assert len(_rows(Kind.PROPOSAL_EXPIRED)) == 1


def test_an_expiry_on_a_case_that_left_matching_tells_nobody(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    from cases.services import change_status

    change_status(case=matching_case, new_status=Status.INTAKE, actor=coordinator)
    services.sweep_proposals(now=NOW + timedelta(hours=49))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    assert not _rows(Kind.PROPOSAL_EXPIRED)
    assert not _rows(Kind.PROPOSAL_REMINDER)


def test_the_minute_sweep_runs_the_proposal_sweep_and_hands_on_the_rows(matching_case, coordinator, lead):
    _propose(matching_case, coordinator, lead=lead)
    due = notifications.sweep(now=NOW + timedelta(hours=24))
    reminder = Notification.objects.get(kind=Kind.PROPOSAL_REMINDER)
    proposal = Notification.objects.get(kind=Kind.PROPOSAL)
    assert set(due) == {reminder.pk, proposal.pk}


def test_an_expired_proposal_cannot_be_accepted(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    services.sweep_proposals(now=NOW + timedelta(hours=48))
    with pytest.raises(DomainError):
        services.accept_proposal(assignment=assignment, actor=lead.user, now=NOW + timedelta(hours=48, minutes=1))


def test_declined_and_expired_emails_go_to_coordinators_only(matching_case, coordinator, lead):
    (assignment,) = _propose(matching_case, coordinator, lead=lead)
    services.decline_proposal(assignment=assignment, reason="Geen tijd", actor=lead.user, now=NOW)
    row = Notification.objects.get(kind=Kind.PROPOSAL_DECLINED)
    coordinator.groups.clear()
    row.recipient = type(coordinator).objects.get(pk=coordinator.pk)  # fresh: no cached roles
    assert not notifications._still_applies(row)


def test_the_proposal_email_only_reaches_the_proposed_mediator(matching_case, coordinator, lead):
    _propose(matching_case, coordinator, lead=lead)
    row = Notification.objects.get(kind=Kind.PROPOSAL)
    assert row.subject_type == ContentType.objects.get_for_model(Assignment)
    assert notifications._still_applies(row)
    row.recipient = factories.MediatorFactory(user__username="iemand-anders").user
    assert not notifications._still_applies(row)


# Two coordinators at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_proposing_at_once_never_make_more_than_two_active_mediators(neighbourhoods):
    """Two threads propose a full duo for the same case at the same moment.

    The case row lock makes the second wait for the first and then find both roles taken: it gets
    a DomainError (a clear message for the coordinator), not a third and fourth active mediator,
    and not an IntegrityError from the constraint behind the lock.
    """
    assert connection.vendor == "postgresql"
    case = make_matching_case(neighbourhoods)
    first = factories.UserFactory(username="coordinator-a", roles=[Role.COORDINATOR])
    second = factories.UserFactory(username="coordinator-b", roles=[Role.COORDINATOR])
    duos = [
        (first, {"lead": make_mediator("anna"), "co": make_mediator("bram")}),
        (second, {"lead": make_mediator("carla"), "co": make_mediator("daan")}),
    ]
    barrier = threading.Barrier(len(duos))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def propose(actor, mediators):
        try:
            barrier.wait(timeout=10)
            try:
                services.propose(case=case, mediators=mediators, actor=actor)
                outcome = "proposed"
            except DomainError:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=propose, args=duo) for duo in duos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(outcomes) == ["proposed", "refused"]
    active = list(Assignment.objects.filter(case=case).active().values_list("role", "mediator_id"))
    assert len(active) == 2
    winners = next(m for _actor, m in duos if {m["lead"].pk, m["co"].pk} == {pk for _role, pk in active})
    assert dict(active) == {"lead": winners["lead"].pk, "co": winners["co"].pk}
    assert Notification.objects.filter(kind=Kind.PROPOSAL).count() == 2
