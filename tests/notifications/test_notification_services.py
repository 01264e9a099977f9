"""Scheduling, claiming, retry decisions and the stale-claim release, with time frozen."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from buurtbemiddeling import notifications
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Case, Channel, Status
from cases.services import _next_case_number, change_status
from tests import factories
from tests.notifications.conftest import make_case, make_notification

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)
NEXT_MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=AMS)

Kind = Notification.Kind
State = Notification.Status


@pytest.fixture
def coordinators(coordinator, inactive_coordinator):
    """Two active coordinators with email; an inactive one and one without email get nothing."""
    second = factories.UserFactory(username="coordinator-2", roles=[Role.COORDINATOR])
    factories.UserFactory(username="coordinator-no-email", roles=[Role.COORDINATOR], email="")
    factories.MediatorFactory(user__username="bemiddelaar")
    return [coordinator, second]


# The uniqueness key -------------------------------------------------------------------------


def test_the_database_refuses_a_second_row_with_the_same_key(coordinator):
    make_notification(recipient=coordinator, key="intake_overdue:1:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_notification(recipient=coordinator, key="intake_overdue:1:1")


def test_scheduling_the_same_key_twice_makes_one_row(coordinator):
    for _ in range(2):
        notifications.schedule(
            [Notification(kind=Kind.DAILY_DIGEST, recipient=coordinator, key="digest:x", due_at=timezone.now())]
        )
    assert Notification.objects.filter(key="digest:x").count() == 1


# Overdue intakes ----------------------------------------------------------------------------


def test_it_alerts_each_active_coordinator_once_about_an_overdue_case(coordinators):
    case = make_case(received_at=MONDAY_10)
    with time_machine.travel(NEXT_MONDAY_10, tick=False):
        notifications.schedule_intake_overdue_alerts(now=timezone.now())
        notifications.schedule_intake_overdue_alerts(now=timezone.now())
    rows = Notification.objects.order_by("recipient__username")
    assert [(row.kind, row.recipient, row.subject, row.key) for row in rows] == [
        (Kind.INTAKE_OVERDUE, user, case, f"intake_overdue:{case.pk}:{user.pk}") for user in coordinators
    ]
    assert all(row.status == State.PENDING and row.due_at == NEXT_MONDAY_10 for row in rows)


def test_it_does_not_alert_before_five_working_days_have_passed(coordinators):
    make_case(received_at=MONDAY_10)
    # Saturday and Sunday after receipt: 7 calendar days later minus a minute, only 4 working days.
    with time_machine.travel(NEXT_MONDAY_10 - timedelta(minutes=1), tick=False):
        assert notifications.schedule_intake_overdue_alerts(now=timezone.now()) == 0
    assert not Notification.objects.exists()


def test_a_case_that_left_new_is_not_overdue(coordinators):
    make_case(received_at=MONDAY_10, status=Status.INTAKE)
    with time_machine.travel(NEXT_MONDAY_10, tick=False):
        notifications.schedule_intake_overdue_alerts(now=timezone.now())
    assert not Notification.objects.exists()


def test_the_sweep_finds_a_case_that_was_bulk_created_without_any_service(coordinators):
    # seed_demo writes cases with bulk_create: no service call schedules anything, the sweep must.
    with time_machine.travel(MONDAY_10, tick=False):
        Case.objects.bulk_create(
            [Case(number=_next_case_number(2026), channel=Channel.PHONE, received_at=MONDAY_10 - timedelta(days=14))]
        )
        due = notifications.sweep(now=timezone.now())
    assert len(due) == 2
    assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.INTAKE_OVERDUE}


# Daily digest -------------------------------------------------------------------------------


def test_no_digest_is_scheduled_when_there_is_nothing_to_say(coordinators):
    make_case(received_at=MONDAY_10 - timedelta(days=3), status=Status.INTAKE)  # not new, not overdue
    with time_machine.travel(datetime(2026, 3, 3, 8, 0, tzinfo=AMS), tick=False):
        assert notifications.schedule_daily_digests(now=timezone.now()) == 0
    assert not Notification.objects.exists()


def test_the_digest_lists_new_referrals_overdue_intakes_and_failed_notifications(coordinators):
    eight = datetime(2026, 3, 10, 8, 0, tzinfo=AMS)  # Tuesday
    new_case = make_case(received_at=eight - timedelta(hours=3))
    overdue = make_case(received_at=MONDAY_10)  # due next Monday 10:00: overdue on Tuesday
    make_case(received_at=eight - timedelta(hours=30), status=Status.INTAKE)  # older than 24 hours
    make_notification(recipient=coordinators[0], status=State.FAILED)
    with time_machine.travel(eight, tick=False):
        assert notifications.schedule_daily_digests(now=timezone.now()) == 2
        notifications.schedule_daily_digests(now=timezone.now())  # a second run changes nothing
    digests = Notification.objects.filter(kind=Kind.DAILY_DIGEST).order_by("recipient__username")
    assert [row.key for row in digests] == [f"digest:2026-03-10:{user.pk}" for user in coordinators]
    assert digests[0].payload == {
        "date": "2026-03-10",
        "new": [{"number": new_case.number, "code": str(new_case.code)}],
        "new_total": 1,
        "overdue": [{"number": overdue.number, "code": str(overdue.code)}],
        "overdue_total": 1,
        "failed_total": 1,
    }


# Claiming -----------------------------------------------------------------------------------


def test_a_claim_succeeds_once(coordinator):
    row = make_notification(recipient=coordinator)
    claimed = notifications.claim(row.pk)
    assert (claimed.status, claimed.attempts, claimed.claimed_at is not None) == (State.SENDING, 1, True)
    assert notifications.claim(row.pk) is None
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"due_at": timezone.now() + timedelta(minutes=5)},  # not due (a retry waiting for its backoff)
        {"status": State.SENT, "sent_at": timezone.now()},
        {"status": State.FAILED},
        {"status": State.CANCELLED},
    ],
)
def test_only_a_due_pending_row_can_be_claimed(coordinator, fields):
    row = make_notification(recipient=coordinator, **fields)
    assert notifications.claim(row.pk) is None
    assert notifications.claim(row.pk + 1000) is None  # a row that is gone


# Delivering ---------------------------------------------------------------------------------


def test_it_sends_a_claimed_row_and_marks_it_sent(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    status = notifications.deliver(notifications.claim(row.pk))
    row.refresh_from_db()
    assert (status, row.status, row.sent_at is not None, row.last_error) == (State.SENT, State.SENT, True, "")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]


def test_it_cancels_an_alert_whose_case_left_new_before_sending(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    change_status(case=overdue_case, new_status=Status.INTAKE, actor=coordinator)
    assert notifications.deliver(notifications.claim(row.pk)) == State.CANCELLED
    row.refresh_from_db()
    assert (row.status, row.sent_at) == (State.CANCELLED, None)
    assert mail.outbox == []


def test_it_cancels_a_notification_to_someone_who_is_no_longer_a_coordinator(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    coordinator.groups.clear()
    assert notifications.deliver(notifications.claim(row.pk)) == State.CANCELLED
    assert mail.outbox == []


# Retry decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPConnectError(421, b"Too busy"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), True),
        (smtplib.SMTPSenderRefused(452, b"Mailbox full", "noreply@x"), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"Greylisted")}), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPDataError(554, b"Rejected as spam"), False),
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"No such user")}), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False),
        (ValueError("a bug"), False),
    ],
)
def test_transient_errors_are_retried_and_permanent_ones_are_not(error, retryable):
    assert notifications.is_retryable(error) is retryable


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 30, 60), (2, 60, 120), (3, 120, 240), (7, 1800, 3600), (12, 1800, 3600)],
)
def test_backoff_grows_exponentially_with_jitter_up_to_the_maximum(settings, attempt, low, high):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 3600
    assert notifications.backoff_seconds(attempt, rand=lambda: 0.0) == low
    assert notifications.backoff_seconds(attempt, rand=lambda: 1.0) == high
    assert low <= notifications.backoff_seconds(attempt) <= high


def _failed_send(coordinator, case, *, attempts_before: int, error: Exception):
    row = make_notification(recipient=coordinator, subject=case, attempts=attempts_before)
    claimed = notifications.claim(row.pk)
    return row, claimed, notifications.DeliveryFailed(error, retryable=notifications.is_retryable(error))


def test_a_transient_failure_puts_the_row_back_after_the_backoff(settings, coordinator, overdue_case):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row, claimed, failure = _failed_send(
        coordinator, overdue_case, attempts_before=1, error=smtplib.SMTPDataError(451, b"later")
    )
    now = timezone.now()
    countdown = notifications.record_failure(claimed, failure, now=now)
    row.refresh_from_db()
    assert 60 <= countdown <= 120  # attempt 2 of 3
    assert (row.status, row.attempts) == (State.PENDING, 2)
    # The sweep cannot pick it up before the backoff is over.
    assert row.due_at == now + timedelta(seconds=countdown)
    assert row.last_error == "SMTPDataError: (451, b'later')"
    assert not Notification.objects.due(now + timedelta(seconds=countdown - 1)).exists()


def test_the_last_attempt_marks_the_row_failed(settings, coordinator, overdue_case):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row, claimed, failure = _failed_send(
        coordinator, overdue_case, attempts_before=2, error=smtplib.SMTPServerDisconnected("gone")
    )
    assert notifications.record_failure(claimed, failure) is None
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (State.FAILED, 3, "SMTPServerDisconnected: gone")
    assert list(Notification.objects.failed()) == [row]


def test_a_permanent_failure_marks_the_row_failed_at_once(coordinator, overdue_case):
    row, claimed, failure = _failed_send(
        coordinator, overdue_case, attempts_before=0, error=smtplib.SMTPRecipientsRefused({"x": (550, b"unknown")})
    )
    assert notifications.record_failure(claimed, failure) is None
    row.refresh_from_db()
    assert (row.status, row.attempts) == (State.FAILED, 1)


def test_a_late_worker_cannot_overwrite_a_newer_claim(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    first = notifications.claim(row.pk)
    # The first worker stalls; the sweep releases the row and a second worker claims it.
    Notification.objects.filter(pk=row.pk).update(status=State.PENDING)
    second = notifications.claim(row.pk, now=timezone.now() + timedelta(seconds=1))
    notifications.record_failure(first, notifications.DeliveryFailed(OSError("late"), retryable=True))
    row.refresh_from_db()
    assert (row.status, row.claimed_at) == (State.SENDING, second.claimed_at)


# Stale claims -------------------------------------------------------------------------------


def test_the_sweep_releases_rows_whose_worker_died_mid_send(settings, coordinator):
    settings.NOTIFICATION_STALE_CLAIM_MINUTES = 10
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    now = timezone.now()
    stale = make_notification(recipient=coordinator, status=State.SENDING, claimed_at=now - timedelta(minutes=11))
    busy = make_notification(recipient=coordinator, status=State.SENDING, claimed_at=now - timedelta(minutes=1))
    exhausted = make_notification(
        recipient=coordinator, status=State.SENDING, claimed_at=now - timedelta(minutes=11), attempts=3
    )
    assert notifications.release_stale_claims(now=now) == 2
    for row in (stale, busy, exhausted):
        row.refresh_from_db()
    assert (stale.status, stale.due_at) == (State.PENDING, now)
    assert busy.status == State.SENDING
    assert exhausted.status == State.FAILED
    assert "worker stopped" in stale.last_error


# Resend -------------------------------------------------------------------------------------


def test_resend_puts_a_failed_row_back_in_line(coordinator):
    row = make_notification(
        recipient=coordinator, status=State.FAILED, attempts=6, due_at=timezone.now() - timedelta(days=1)
    )
    now = timezone.now()
    assert notifications.resend(notification=row, actor=coordinator, now=now) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.due_at) == (State.PENDING, 0, now)
    assert list(Notification.objects.due(now)) == [row]


@pytest.mark.parametrize("status", [State.SENDING, State.SENT, State.CANCELLED])
def test_resend_leaves_a_row_that_is_being_or_was_sent_alone(coordinator, status):
    now = timezone.now()
    row = make_notification(recipient=coordinator, status=status, claimed_at=now, sent_at=now)
    assert notifications.resend(notification=row, actor=coordinator) is False
    row.refresh_from_db()
    assert row.status == status


# Queries ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_due_query_uses_the_partial_index(coordinator):
    make_notification(recipient=coordinator)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Notification.objects.due(timezone.now()).explain()
        cursor.execute("RESET enable_seqscan")
    assert "notification_due_idx" in plan


def test_the_subject_is_a_generic_relation(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    assert row.subject_type == ContentType.objects.get_for_model(Case)
    assert Notification.objects.get(pk=row.pk).subject == overdue_case
