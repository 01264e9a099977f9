"""The status machine and case numbering."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone, translation

from buurtbemiddeling.errors import DomainError
from cases.models import TRANSITIONS, Case, CaseEvent, CaseNumberSequence, Outcome, Status
from cases.services import CaseData, IllegalTransition, PartyData, change_status, create_case
from mediators.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def _case_in(status: str) -> Case:
    return factories.CaseFactory(status=status, received_at=datetime(2025, 12, 1, 9, tzinfo=AMS))


ALL_PAIRS = [(old, new) for old in Status.values for new in Status.values]


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_only_transitions_in_the_map_are_allowed(coordinator, old, new):
    case = _case_in(old)
    if old == Status.CLOSED:
        case.closed_at = timezone.now()  # inside the reopen window
        case.save(update_fields=["closed_at"])
    kwargs = {"outcome": Outcome.RESOLVED_JOINT_MEETING, "not_suitable_reason": "Psychiatrische problematiek"}
    if new in TRANSITIONS[old]:
        change_status(case=case, new_status=new, actor=coordinator, **kwargs)
        case.refresh_from_db()
        assert case.status == new
        event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE)
        assert (event.old_status, event.new_status, event.actor) == (old, new, coordinator)
    else:
        with pytest.raises(IllegalTransition):
            change_status(case=case, new_status=new, actor=coordinator, **kwargs)
        case.refresh_from_db()
        assert case.status == old
        assert not case.events.exists()


def test_not_suitable_is_terminal():
    assert TRANSITIONS[Status.NOT_SUITABLE] == frozenset()


def test_illegal_transition_names_both_statuses():
    case = _case_in(Status.NEW)
    with translation.override("en"), pytest.raises(IllegalTransition, match=r"“New”.*“In mediation”"):
        change_status(case=case, new_status=Status.IN_MEDIATION)


def test_closing_needs_an_outcome():
    case = _case_in(Status.IN_MEDIATION)
    with pytest.raises(DomainError):
        change_status(case=case, new_status=Status.CLOSED)
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION


def test_not_suitable_needs_a_reason_and_keeps_where_it_was_referred():
    case = _case_in(Status.INTAKE)
    with pytest.raises(DomainError):
        change_status(case=case, new_status=Status.NOT_SUITABLE, not_suitable_reason="  ")
    change_status(
        case=case, new_status=Status.NOT_SUITABLE, not_suitable_reason="Familieconflict", referred_to="Wijkteam"
    )
    case.refresh_from_db()
    assert (case.status, case.referred_to) == (Status.NOT_SUITABLE, "Wijkteam")
    assert case.events.get().milestone == CaseEvent.Milestone.NOT_SUITABLE


def test_timestamps_follow_the_process():
    case = _case_in(Status.NEW)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.INTAKE)
    with time_machine.travel(datetime(2026, 3, 9, 10, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.MATCHING)
        change_status(case=case, new_status=Status.IN_MEDIATION)
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.CLOSED, outcome=Outcome.RESOLVED_JOINT_MEETING)
    case.refresh_from_db()
    assert case.first_contact_at == datetime(2026, 3, 2, 10, tzinfo=AMS)
    assert case.matched_at == datetime(2026, 3, 9, 10, tzinfo=AMS)
    assert case.closed_at == datetime(2026, 5, 1, 10, tzinfo=AMS)
    milestones = list(case.events.exclude(milestone="").values_list("milestone", flat=True))
    assert milestones == ["suitable", "taken_up", "closed_resolved"]


def test_a_second_intake_keeps_the_first_contact():
    case = _case_in(Status.NEW)
    change_status(case=case, new_status=Status.INTAKE)
    first = Case.objects.get(pk=case.pk).first_contact_at
    change_status(case=case, new_status=Status.WAITING)
    change_status(case=case, new_status=Status.INTAKE)
    assert Case.objects.get(pk=case.pk).first_contact_at == first


def test_closed_case_reopens_within_six_months_as_the_same_case():
    case = _case_in(Status.IN_MEDIATION)
    with time_machine.travel(datetime(2026, 1, 10, 12, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.CLOSED, outcome=Outcome.NOT_RESOLVED)
    with time_machine.travel(datetime(2026, 6, 30, 12, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.IN_MEDIATION, text="Opnieuw overlast")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == (Status.IN_MEDIATION, "", None)
    assert Case.objects.count() == 1


def test_closed_case_does_not_reopen_after_six_months():
    case = _case_in(Status.IN_MEDIATION)
    with time_machine.travel(datetime(2026, 1, 10, 12, tzinfo=AMS), tick=False):
        change_status(case=case, new_status=Status.CLOSED, outcome=Outcome.NOT_RESOLVED)
    with (
        time_machine.travel(datetime(2026, 7, 20, 12, tzinfo=AMS), tick=False),
        pytest.raises(IllegalTransition, match=r"zes maanden|six months"),
    ):
        change_status(case=case, new_status=Status.IN_MEDIATION)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_the_caller_instance_is_updated():
    case = _case_in(Status.NEW)
    change_status(case=case, new_status=Status.CLOSED, outcome=Outcome.WITHDRAWN)
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.WITHDRAWN


def test_status_cannot_be_edited_through_a_model_form():
    from django.forms import modelform_factory

    form_class = modelform_factory(Case, fields="__all__")
    assert "status" not in form_class.base_fields
    assert "number" not in form_class.base_fields


class TestCreateCase:
    def test_it_numbers_cases_by_year_and_sequence(self):
        with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=AMS), tick=False):
            first = create_case(data=CaseData(channel="phone"), consent_given=True)
            second = create_case(data=CaseData(channel="phone"), consent_given=True)
        with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=AMS), tick=False):
            third = create_case(data=CaseData(channel="phone"), consent_given=True)
        assert [first.number, second.number, third.number] == ["2026-0001", "2026-0002", "2027-0001"]

    @pytest.mark.parametrize(("last", "number"), [(41, "2026-0042"), (9998, "2026-9999"), (9999, "2026-10000")])
    def test_numbers_have_at_least_four_digits_and_grow_past_them(self, last, number):
        # On PostgreSQL the case's INSERT takes and formats the number itself (_numbered_case_insert).
        CaseNumberSequence.objects.create(year=2026, last=last)
        with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=AMS), tick=False):
            case = create_case(data=CaseData(channel="phone"), consent_given=True)
        assert case.number == number
        assert Case.objects.get(pk=case.pk).number == number
        assert CaseNumberSequence.objects.get(year=2026).last == last + 1

    def test_it_uses_the_amsterdam_year_at_new_year(self):
        # 23:30 UTC on 31 December is already 1 January in Amsterdam.
        with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
            case = create_case(data=CaseData(channel="phone"), consent_given=True)
        assert case.number == "2027-0001"

    def test_it_writes_the_received_milestone_and_parties(self, coordinator):
        data = CaseData(
            channel="phone",
            postcode="7522 AB",
            conflict_type_codes=("pets", "parking"),
            parties=(PartyData(role="A", name="Anna", phone="+31612345678"), PartyData(role="B")),
        )
        case = create_case(data=data, actor=coordinator, consent_given=True)
        assert case.status == Status.NEW
        assert case.parties.count() == 2
        assert set(case.conflict_types.values_list("code", flat=True)) == {"pets", "parking"}
        event = case.events.get()
        assert (event.kind, event.milestone, event.actor) == ("created", "received", coordinator)
        assert case.consent_recorded_by == coordinator

    def test_it_sets_the_neighbourhood_from_the_postcode(self):
        area = factories.PostcodeAreaFactory(digits="7523")
        case = create_case(data=CaseData(channel="phone", postcode="7523 CD"), consent_given=True)
        assert case.neighbourhood == area.neighbourhood

    def test_a_partner_referral_needs_an_organisation(self):
        with pytest.raises(DomainError):
            create_case(data=CaseData(channel="partner_referral"), consent_given=True)
        assert not Case.objects.exists()

    def test_an_unsaved_organisation_is_refused_not_written_as_none(self, coordinator):
        # As Django's own save and bulk_create: the case would otherwise be written without its organisation.
        unsaved = factories.OrganisationFactory.build()
        with pytest.raises(ValueError, match="unsaved related object"):
            create_case(
                data=CaseData(channel="partner_referral"),
                actor=coordinator,
                referring_organisation=unsaved,
                consent_given=True,
            )
        assert not Case.objects.exists()

    def test_a_failed_party_rolls_back_the_whole_case(self):
        data = CaseData(channel="phone", parties=(PartyData(role="A", email="not an email"),))
        with pytest.raises(Exception):  # noqa: B017 - ValidationError from full_clean
            create_case(data=data, consent_given=True)
        assert not Case.objects.exists()
        # The number was not used up either: the sequence rolled back with the case.
        assert not CaseNumberSequence.objects.filter(last__gt=0).exists()


class TestConstraints:
    def test_partner_reference_is_unique_per_organisation(self, organisation, other_organisation):
        factories.CaseFactory(referring_organisation=organisation, partner_reference="REF-1")
        factories.CaseFactory(referring_organisation=other_organisation, partner_reference="REF-1")
        factories.CaseFactory(referring_organisation=organisation, partner_reference="")
        factories.CaseFactory(referring_organisation=organisation, partner_reference="")
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(referring_organisation=organisation, partner_reference="REF-1")

    def test_a_mediator_is_assigned_at_most_once_per_case(self):
        assignment = factories.AssignmentFactory(status=Assignment.Status.DECLINED)
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AssignmentFactory(case=assignment.case, mediator=assignment.mediator, role="co")

    def test_at_most_two_active_mediators_per_case(self):
        case = factories.CaseFactory()
        factories.AssignmentFactory(case=case, role="lead", status="accepted")
        factories.AssignmentFactory(case=case, role="co", status="proposed")
        for role in ("lead", "co"):
            with pytest.raises(IntegrityError), transaction.atomic():
                factories.AssignmentFactory(case=case, role=role, status="proposed")
        # A declined proposal frees the slot.
        factories.AssignmentFactory(case=case, role="lead", status="declined")
        assert case.assignments.filter(status__in=Assignment.Status.active()).count() == 2

    def test_the_role_must_be_lead_or_co(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AssignmentFactory(role="xx")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_case_creation_gives_unique_consecutive_numbers():
    """Eight threads create cases at once; the numbers have no duplicates and no gaps."""
    assert connection.vendor == "postgresql"
    threads_count, per_thread = 8, 10
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                case = create_case(data=CaseData(channel="phone"), consent_given=True)
                with lock:
                    numbers.append(case.number)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    total = threads_count * per_thread
    assert len(numbers) == total
    assert len(set(numbers)) == total
    year = numbers[0][:4]
    assert sorted(numbers) == [f"{year}-{i:04d}" for i in range(1, total + 1)]


def test_reopen_window_is_about_six_months(settings):
    assert timedelta(days=settings.REOPEN_WINDOW_DAYS) >= timedelta(days=181)
