"""Reminders of meetings and nazorg: decided by the minute sweep once, checked again before sending."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from buurtbemiddeling import notifications
from buurtbemiddeling.models import Notification
from buurtbemiddeling.tasks import send_notification
from cases import reminders
from cases.models import Meeting, Outcome
from cases.services import AgreementItemData, close_case, record_agreement, record_follow_up, record_meeting_outcome
from mediators.models import Assignment
from tests.mediation.conftest import at, plan

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def rows(kind):
    return list(Notification.objects.filter(kind=kind).order_by("key"))


@pytest.fixture
def agreement(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    return record_agreement(
        meeting=meeting, actor=lead.user, items=[AgreementItemData(text="Geen muziek na 22:00")], signed=True
    )


# FOLLOW_UP_DUE


def test_nazorg_is_not_due_the_day_before(agreement):
    reminders.schedule_mediation_reminders(now=at(13, 23, 59, month=4))
    assert rows(Kind.FOLLOW_UP_DUE) == []


def test_nazorg_reminder_is_scheduled_on_the_date_for_the_duo_and_only_once(agreement, lead, co):
    just_after_midnight = at(14, 0, 1, month=4)

    reminders.schedule_mediation_reminders(now=just_after_midnight)
    reminders.schedule_mediation_reminders(now=at(14, 9, 0, month=4))
    notifications.sweep(now=at(14, 9, 1, month=4))

    scheduled = rows(Kind.FOLLOW_UP_DUE)
    assert [row.key for row in scheduled] == sorted(
        [f"follow_up_due:{agreement.pk}:{lead.user.pk}", f"follow_up_due:{agreement.pk}:{co.user.pk}"]
    )
    assert {row.recipient for row in scheduled} == {lead.user, co.user}
    # Decided just after midnight, sent at 09:00: no email in the night.
    assert {row.due_at for row in scheduled} == {at(14, 9, 0, month=4)}
    assert all(row.subject == agreement for row in scheduled)


def test_the_minute_sweep_hands_nazorg_reminders_on_when_due(agreement):
    assert notifications.sweep(now=at(14, 8, 59, month=4)) == []
    due = notifications.sweep(now=at(14, 9, 0, month=4))
    assert set(due) == set(Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).values_list("pk", flat=True))
    assert len(due) == 2


def test_a_late_sweep_still_reminds_once(agreement):
    reminders.schedule_mediation_reminders(now=at(20, 12, month=4))
    assert len(rows(Kind.FOLLOW_UP_DUE)) == 2
    assert {row.due_at for row in rows(Kind.FOLLOW_UP_DUE)} == {at(20, 12, month=4)}


def test_nazorg_reminder_is_sent_and_cancelled_once_recorded(agreement, lead, frozen):
    reminders.schedule_mediation_reminders(now=at(14, 9, month=4))
    first, second = rows(Kind.FOLLOW_UP_DUE)
    frozen.move_to(at(14, 9, 1, month=4))

    assert send_notification.run(first.pk) == "sent"
    record_follow_up(agreement=agreement, actor=lead.user, result="kept")
    assert send_notification.run(second.pk) == "cancelled"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Nazorg: zaak {agreement.case.number}"


def test_no_nazorg_reminder_for_a_case_no_longer_in_follow_up(agreement, lead):
    close_case(case=agreement.case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    reminders.schedule_mediation_reminders(now=at(14, 9, month=4))
    assert rows(Kind.FOLLOW_UP_DUE) == []


# MEETING_TOMORROW


def test_meeting_tomorrow_reminds_the_mediators_present_at_nine_the_day_before(case, lead, co, frozen):
    meeting = plan(case, by=lead, start=at(6, 19), mediators=[lead])

    reminders.schedule_mediation_reminders(now=at(4, 23))
    assert rows(Kind.MEETING_TOMORROW) == []
    reminders.schedule_mediation_reminders(now=at(5, 0, 5))
    reminders.schedule_mediation_reminders(now=at(5, 15))

    (row,) = rows(Kind.MEETING_TOMORROW)
    assert row.key == f"meeting_tomorrow:{meeting.pk}:{lead.user.pk}"
    assert row.recipient == lead.user
    assert row.due_at == at(5, 9)


def test_a_meeting_planned_for_tomorrow_in_the_afternoon_is_reminded_at_once(case, lead, frozen):
    frozen.move_to(at(5, 16))
    plan(case, by=lead, start=at(6, 10))
    reminders.schedule_mediation_reminders(now=at(5, 16, 1))
    assert {row.due_at for row in rows(Kind.MEETING_TOMORROW)} == {at(5, 16, 1)}


def test_a_cancelled_meeting_is_not_reminded(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(6, 19))
    reminders.schedule_mediation_reminders(now=at(5, 9))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.CANCELLED)
    frozen.move_to(at(5, 9, 1))
    assert {send_notification.run(row.pk) for row in rows(Kind.MEETING_TOMORROW)} == {"cancelled"}
    assert mail.outbox == []


def test_a_mediator_taken_off_the_case_is_not_reminded(case, lead, co, frozen):
    plan(case, by=lead, start=at(6, 19))
    reminders.schedule_mediation_reminders(now=at(5, 9))
    Assignment.objects.filter(case=case, mediator=co).update(status=Assignment.Status.WITHDRAWN)
    frozen.move_to(at(5, 9, 1))
    results = {row.recipient: send_notification.run(row.pk) for row in rows(Kind.MEETING_TOMORROW)}
    assert results == {lead.user: "sent", co.user: "cancelled"}


# MEETING_OUTCOME_MISSING


def test_a_meeting_still_planned_a_day_after_its_end_is_reminded_once(case, lead, co, frozen):
    meeting = plan(case, by=lead, start=at(3, 19), minutes=90)

    reminders.schedule_mediation_reminders(now=at(4, 20, 29))
    assert rows(Kind.MEETING_OUTCOME_MISSING) == []
    reminders.schedule_mediation_reminders(now=at(4, 20, 30))
    reminders.schedule_mediation_reminders(now=at(5, 20, 30))

    assert [row.key for row in rows(Kind.MEETING_OUTCOME_MISSING)] == sorted(
        [f"meeting_outcome_missing:{meeting.pk}:{lead.user.pk}", f"meeting_outcome_missing:{meeting.pk}:{co.user.pk}"]
    )


def test_outcome_reminder_is_cancelled_once_the_outcome_is_recorded(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(4, 21))
    reminders.schedule_mediation_reminders(now=timezone.now())
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    assert {send_notification.run(row.pk) for row in rows(Kind.MEETING_OUTCOME_MISSING)} == {"cancelled"}


def test_a_recorded_meeting_gets_no_outcome_reminder(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.NO_SHOW)
    reminders.schedule_mediation_reminders(now=at(10, 9))
    assert rows(Kind.MEETING_OUTCOME_MISSING) == []
