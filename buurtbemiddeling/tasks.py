"""Celery tasks of the notification engine. Thin: the work is in buurtbemiddeling.notifications.

The database holds what is due; the broker only carries "look at row N now". A lost message
costs at most a minute: the next sweep hands the row on again.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from buurtbemiddeling import notifications

logger = logging.getLogger(__name__)


def enqueue_sends(notification_ids: list[int]) -> int:
    """Hand each row to the send task; stop at the first broker failure.

    Runs after commit. With the broker down the rest waits for the next sweep instead of each
    id waiting for its own connection timeout. Returns how many were handed on.
    """
    for done, notification_id in enumerate(notification_ids):
        try:
            send_notification.apply_async(
                (notification_id,), expires=settings.NOTIFICATION_SEND_EXPIRES_SECONDS, retry=False
            )
        except Exception:  # any broker trouble: the rows stay pending for the next sweep
            logger.warning(
                "notifications: broker unavailable, %d due row(s) left for the next sweep",
                len(notification_ids) - done,
                exc_info=True,
            )
            return done
    return len(notification_ids)


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    """Every minute (beat): release stale claims, schedule overdue alerts, hand on due rows."""
    with transaction.atomic():
        due = notifications.sweep(now=timezone.now())
        transaction.on_commit(partial(enqueue_sends, due), robust=True)
    return len(due)


@shared_task(ignore_result=True)
def schedule_daily_digests() -> int:
    """08:00 Europe/Amsterdam (beat): write today's digests; the next sweep sends them."""
    return notifications.schedule_daily_digests(now=timezone.now())


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT_SECONDS,
    max_retries=None,  # the row counts attempts (NOTIFICATION_MAX_ATTEMPTS), not Celery
)
def send_notification(self, notification_id: int) -> str:
    """Claim the row, send it, and on a transient failure retry with backoff and jitter."""
    notification = notifications.claim(notification_id)
    if notification is None:
        return "not claimed"
    try:
        return notifications.deliver(notification)
    except notifications.DeliveryFailed as failure:
        countdown = notifications.record_failure(notification, failure)
        if countdown is None:
            return "failed"
        try:
            raise self.retry(
                countdown=countdown,
                expires=countdown + settings.NOTIFICATION_SEND_EXPIRES_SECONDS,
            ) from None
        except Retry:
            raise
        except Exception:  # the row is pending with its due_at: the sweep retries it
            logger.warning("notification %s: retry not queued, left to the sweep", notification_id, exc_info=True)
            return "retry left to the sweep"


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Nightly (beat): delete expired sessions from the session store (Django's clearsessions)."""
    call_command("clearsessions")
