"""The task bodies, run directly (not through eager Celery): sweep, enqueue, send and retry."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from buurtbemiddeling import tasks
from buurtbemiddeling.celery import app
from buurtbemiddeling.models import Notification
from cases.services import CaseData, PartyData, create_case
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db
State = Notification.Status


@pytest.fixture
def apply_async():
    with mock.patch.object(tasks.send_notification, "apply_async") as patched:
        yield patched


def test_the_sweep_hands_due_rows_to_the_send_task_after_commit(
    coordinator, overdue_case, apply_async, django_capture_on_commit_callbacks
):
    make_notification(recipient=coordinator, due_at=timezone.now() + timedelta(hours=1))  # not yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.sweep_notifications() == 1  # the alert the sweep itself scheduled
    apply_async.assert_not_called()  # nothing reaches the broker before commit
    for callback in callbacks:
        callback()
    alert = Notification.objects.get(key__startswith="intake_overdue:")
    apply_async.assert_called_once_with((alert.pk,), expires=settings.NOTIFICATION_SEND_EXPIRES_SECONDS, retry=False)


def test_when_the_broker_is_down_due_rows_wait_for_the_next_sweep(coordinator, apply_async):
    rows = [make_notification(recipient=coordinator) for _ in range(3)]
    apply_async.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    # One failed publish stops the batch: the others would only wait for the same timeout.
    assert tasks.enqueue_sends([row.pk for row in rows]) == 0
    assert apply_async.call_count == 1
    assert Notification.objects.due(timezone.now()).count() == 3
    apply_async.side_effect = None
    assert tasks.enqueue_sends([row.pk for row in rows]) == 3


def test_saving_a_case_never_touches_the_broker(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(app, "send_task", side_effect=OperationalError("broker down")) as send_task,
        mock.patch("kombu.Connection.ensure_connection", side_effect=OperationalError("broker down")),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        case = create_case(
            data=CaseData(channel="phone", parties=(PartyData(role="A", name="Canary Anna Aarts"),)),
            consent_given=True,
            received_at=timezone.now() - timedelta(days=10),
        )
    assert case.pk
    assert callbacks == []
    send_task.assert_not_called()


def test_the_send_task_sends_a_row_once(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    assert tasks.send_notification(row.pk) == State.SENT
    assert tasks.send_notification(row.pk) == "not claimed"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (State.SENT, 1)


def test_a_transient_smtp_error_schedules_a_retry_after_the_backoff(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPDataError(451, b"later")),
        mock.patch.object(tasks.send_notification, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        tasks.send_notification(row.pk)
    row.refresh_from_db()
    countdown = retry.call_args.kwargs["countdown"]
    assert row.status == State.PENDING
    assert row.due_at == pytest.approx(row.claimed_at + timedelta(seconds=countdown), abs=timedelta(seconds=1))
    assert retry.call_args.kwargs["expires"] == countdown + settings.NOTIFICATION_SEND_EXPIRES_SECONDS


def test_at_the_attempt_limit_the_row_fails_without_a_retry(settings, coordinator, overdue_case):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = make_notification(recipient=coordinator, subject=overdue_case, attempts=1)
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError(111, "refused")),
        mock.patch.object(tasks.send_notification, "retry") as retry,
    ):
        assert tasks.send_notification(row.pk) == "failed"
    retry.assert_not_called()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (State.FAILED, 2)
    assert list(Notification.objects.failed()) == [row]


def test_a_retry_that_cannot_be_queued_is_left_to_the_sweep(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=TimeoutError("timed out")),
        mock.patch.object(tasks.send_notification, "retry", side_effect=OperationalError("broker down")),
    ):
        assert tasks.send_notification(row.pk) == "retry left to the sweep"
    row.refresh_from_db()
    assert row.status == State.PENDING


def test_a_rendering_error_fails_the_row_at_once(coordinator, overdue_case):
    row = make_notification(recipient=coordinator, subject=overdue_case)
    with mock.patch("buurtbemiddeling.emails.render_to_string", side_effect=KeyError("bug")):
        assert tasks.send_notification(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.last_error) == (State.FAILED, "KeyError: 'bug'")


def test_the_digest_task_schedules_for_today(coordinator, overdue_case):
    assert tasks.schedule_daily_digests() == 1
    assert Notification.objects.get().key == f"digest:{timezone.localdate().isoformat()}:{coordinator.pk}"


# The schedule -------------------------------------------------------------------------------


def test_the_schedule_lives_in_code():
    schedule = app.conf.beat_schedule
    sweep, digest = schedule["notifications-sweep"], schedule["notifications-daily-digest"]
    assert sweep["task"] == tasks.sweep_notifications.name
    assert sweep["schedule"] == 60.0
    assert digest["task"] == tasks.schedule_daily_digests.name
    assert digest["schedule"] == crontab(hour=8, minute=0)
    # crontab hours are read in the app's time zone: 08:00 in Amsterdam, summer and winter.
    assert app.conf.timezone == "Europe/Amsterdam"
    assert settings.EMAIL_TIMEOUT


def test_the_tasks_are_registered_under_the_names_beat_uses():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
