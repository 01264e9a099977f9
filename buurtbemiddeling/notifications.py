"""Notifications: scheduling reminders and the life cycle of an outbox row.

A row's life::

    pending --claim--> sending --accepted by SMTP--> sent
                               --no longer applies--> cancelled
                               --transient error, attempts left--> pending (due after a backoff)
                               --permanent error, or no attempts left--> failed
    sending --claimed longer than NOTIFICATION_STALE_CLAIM_MINUTES ago (worker died)--> pending
    failed | pending --resend by a coordinator--> pending, due now, attempts reset

Every reminder is decided in a database transaction that writes its row with a uniqueness key, so
that deciding twice makes one row. The minute sweep (buurtbemiddeling.tasks.sweep_notifications)
hands due rows to the send task after commit; the send task claims a row with a conditional UPDATE
and sends only when the claim succeeded, so two workers holding the same row never both send it.
"""

from __future__ import annotations

import logging
import random
import re
import smtplib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from buurtbemiddeling import emails, workdays
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role, has_role
from cases import reminders as mediation_reminders
from cases.models import Case, Status
from cases.querysets import Scope
from mediators import reminders as coordination_reminders

logger = logging.getLogger(__name__)

Kind = Notification.Kind
NotificationStatus = Notification.Status

ERROR_MAX_LENGTH = 1000
DIGEST_LIST_LIMIT = 50


# Scheduling ---------------------------------------------------------------------------------


def schedule(rows: Iterable[Notification]) -> None:
    """Write notification rows, silently skipping any whose key already exists.

    Call it inside the transaction that decides the reminder: the row and the decision commit
    together or not at all. The unique key, not a read-before-write, makes this idempotent, so
    two sweeps deciding the same reminder at the same moment still make one row.
    """
    Notification.objects.bulk_create(list(rows), ignore_conflicts=True, batch_size=500)


def coordinators():
    """Active coordinators who can receive email."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COORDINATOR.value)
        .exclude(email="")
        .order_by("pk")
    )


def overdue_intake_cases(*, now: datetime, queryset=None) -> list[Case]:
    """NEW cases whose intake deadline (5 working days after receipt) has passed.

    Five working days are never shorter than five calendar days, so the database narrows the
    candidates (case_status_received_idx) and the exact working-day rule decides in Python.
    """
    earliest_deadline = now - timedelta(days=settings.INTAKE_DEADLINE_WORKING_DAYS)
    candidates = (
        (Case.objects.all() if queryset is None else queryset)
        .filter(status=Status.NEW, received_at__lte=earliest_deadline)
        .only("pk", "code", "number", "received_at")
        .order_by("received_at", "pk")
    )
    return [case for case in candidates if workdays.is_intake_overdue(case.received_at, now)]


def intake_overdue_key(case: Case, user) -> str:
    return f"intake_overdue:{case.pk}:{user.pk}"


@transaction.atomic
def schedule_intake_overdue_alerts(*, now: datetime) -> int:
    """Alert every coordinator once about each NEW case past its intake deadline.

    Cases that already have an alert are left out of the query to keep the minute sweep cheap;
    a coordinator who joins later is not alerted about old cases (the daily digest lists them).
    Returns the number of rows offered (rows whose key exists are skipped by the database).
    """
    case_type = ContentType.objects.get_for_model(Case)
    already_alerted = Notification.objects.filter(
        kind=Kind.INTAKE_OVERDUE, subject_type=case_type, subject_id=OuterRef("pk")
    )
    cases = overdue_intake_cases(now=now, queryset=Case.objects.exclude(Exists(already_alerted)))
    if not cases:
        return 0
    recipients = list(coordinators())
    rows = [
        Notification(
            kind=Kind.INTAKE_OVERDUE,
            recipient=user,
            subject_type=case_type,
            subject_id=case.pk,
            key=intake_overdue_key(case, user),
            due_at=now,
        )
        for case in cases
        for user in recipients
    ]
    schedule(rows)
    if rows:
        logger.info("intake overdue: %d alert(s) scheduled for %d case(s)", len(rows), len(cases))
    return len(rows)


def _case_refs(cases: Iterable[Case]) -> list[dict]:
    # Numbers and codes only: the payload is rendered into email as is.
    return [{"number": case.number, "code": str(case.code)} for case in cases]


def digest_content(*, now: datetime) -> dict | None:
    """What the daily digest says, or None when there is nothing to say.

    New referrals: cases received in the 24 hours before ``now``. Overdue intakes: NEW cases past
    their deadline. Failed notifications: how many gave up (the coordinator page lists them).
    """
    new_cases = list(
        Case.objects.filter(received_at__gt=now - timedelta(days=1), received_at__lte=now)
        .only("code", "number")
        .order_by("received_at", "pk")
    )
    overdue = overdue_intake_cases(now=now)
    failed_total = Notification.objects.failed().count()
    if not (new_cases or overdue or failed_total):
        return None
    return {
        "date": timezone.localdate(now).isoformat(),
        "new": _case_refs(new_cases[:DIGEST_LIST_LIMIT]),
        "new_total": len(new_cases),
        "overdue": _case_refs(overdue[:DIGEST_LIST_LIMIT]),
        "overdue_total": len(overdue),
        "failed_total": failed_total,
    }


def digest_key(day, user) -> str:
    return f"digest:{day.isoformat()}:{user.pk}"


@transaction.atomic
def schedule_daily_digests(*, now: datetime) -> int:
    """One digest per active coordinator for today, unless there is nothing to say."""
    content = digest_content(now=now)
    if content is None:
        logger.info("daily digest: nothing to report, none scheduled")
        return 0
    day = timezone.localdate(now)
    rows = [
        Notification(kind=Kind.DAILY_DIGEST, recipient=user, key=digest_key(day, user), due_at=now, payload=content)
        for user in coordinators()
    ]
    schedule(rows)
    logger.info("daily digest: %d scheduled", len(rows))
    return len(rows)


# The sweep ----------------------------------------------------------------------------------


def release_stale_claims(*, now: datetime) -> int:
    """Give rows whose worker died mid-send back to the sweep (or fail them at the limit).

    A row stays in 'sending' only when its worker stopped between the claim and marking the
    result. Whether the SMTP server accepted the message before that is unknown, so sending it
    again may deliver it twice: at most one duplicate, never a lost reminder.
    """
    stale = Notification.objects.stale_claims(now - timedelta(minutes=settings.NOTIFICATION_STALE_CLAIM_MINUTES))
    error = "The worker stopped while sending (claim expired)."
    failed = stale.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, last_error=error
    )
    released = stale.filter(attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        status=NotificationStatus.PENDING, due_at=now, last_error=error
    )
    if failed or released:
        logger.warning("notifications: %d stale claim(s) released, %d failed", released, failed)
    return released + failed


@transaction.atomic
def sweep(*, now: datetime) -> list[int]:
    """The minute sweep's work in one transaction; returns the ids of due rows to hand on.

    The caller enqueues the ids after commit. A row may be handed on again by the next sweep
    while its first message still waits in the broker: harmless, since only one claim wins.
    """
    release_stale_claims(now=now)
    schedule_intake_overdue_alerts(now=now)
    mediation_reminders.schedule_mediation_reminders(now=now)
    coordination_reminders.sweep(now=now)
    return list(Notification.objects.due(now).values_list("pk", flat=True)[: settings.NOTIFICATION_SWEEP_BATCH])


# Sending ------------------------------------------------------------------------------------


def claim(notification_id: int, *, now: datetime | None = None) -> Notification | None:
    """Take a due pending row for sending; None when another worker has it or it is not due.

    The conditional UPDATE is the lock: of two workers running it at once, one gets 1 row and
    the other 0, and only the first may send. It commits at once (autocommit), before any SMTP.
    """
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, due_at__lte=now
    ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Notification.objects.select_related("recipient__preference").get(pk=notification_id)


# An email address anywhere in an error text (SMTPRecipientsRefused names the refused recipient).
_EMAIL_ADDRESS = re.compile(r"[^\s<>'\"@,;:()\[\]{}]+@[^\s<>'\"@,;:()\[\]{}]+")


def describe_error(error: BaseException) -> str:
    """The error's type and message with email addresses blanked out.

    The text goes into the log and into last_error (shown in the outbox); a resident's address
    must end up in neither.
    """
    return _EMAIL_ADDRESS.sub("<address>", f"{type(error).__name__}: {error}")


class DeliveryFailed(Exception):
    def __init__(self, error: BaseException, *, retryable: bool):
        super().__init__(describe_error(error))
        self.retryable = retryable


def is_retryable(error: BaseException) -> bool:
    """Transient SMTP and connection trouble is worth another attempt; a 5xx answer is not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(not 500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    return isinstance(error, smtplib.SMTPException | OSError)


def backoff_seconds(attempt: int, *, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: half the delay fixed, half random ("equal jitter").

    Attempt 1 waits base/2..base, attempt 2 base..2*base, and so on up to the maximum, so retries
    of many rows after an SMTP outage spread out instead of arriving together.
    """
    delay = min(settings.NOTIFICATION_RETRY_MAX_SECONDS, settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return delay / 2 + rand() * delay / 2


def _still_applies(notification: Notification) -> bool:
    recipient = notification.recipient
    if recipient is None:
        # A recipient without an account (a resident): the address is all there is.
        return bool(notification.to_email)
    if not recipient.is_active or not recipient.email:
        return False
    if notification.kind in (Kind.INTAKE_OVERDUE, Kind.DAILY_DIGEST) and not has_role(recipient, Role.COORDINATOR):
        return False
    if notification.kind == Kind.INTAKE_OVERDUE:
        case = notification.subject
        return isinstance(case, Case) and case.status == Status.NEW
    if notification.kind in mediation_reminders.KINDS:
        return mediation_reminders.still_applies(notification)
    if notification.kind in coordination_reminders.KINDS:
        return coordination_reminders.still_applies(notification)
    if notification.kind in (Kind.REFERRAL_RECEIVED, Kind.MILESTONE):
        # Only while the referrer may still open the referral the email links to (they may have
        # left the organisation since).
        return Case.objects.visible_to(recipient, scope=Scope.MILESTONES).filter(pk=notification.subject_id).exists()
    return True


def _claimed(notification: Notification):
    # The claim time is the claim's token: a row released as stale and claimed again by another
    # worker no longer matches, so a late worker cannot overwrite the newer claim's result.
    return Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.SENDING, claimed_at=notification.claimed_at
    )


def deliver(notification: Notification) -> str:
    """Send a claimed row (or cancel it when it no longer applies); returns the new status.

    Raises DeliveryFailed when the email was not handed over; the caller decides about retries.
    """
    if not _still_applies(notification):
        _claimed(notification).update(status=NotificationStatus.CANCELLED, to_email="")
        logger.info("notification %s cancelled: no longer applies", notification.pk)
        return NotificationStatus.CANCELLED
    try:
        message = emails.build(notification)
    except Exception as exc:  # a rendering bug will not heal by retrying
        logger.exception("notification %s could not be rendered", notification.pk)
        raise DeliveryFailed(exc, retryable=False) from exc
    try:
        message.send()
    except Exception as exc:  # is_retryable sorts transient from permanent
        raise DeliveryFailed(exc, retryable=is_retryable(exc)) from exc
    now = timezone.now()
    # A resident's address is kept only until their email is out (data minimisation).
    if not _claimed(notification).update(status=NotificationStatus.SENT, sent_at=now, last_error="", to_email=""):
        logger.warning("notification %s sent, but its claim had been released meanwhile", notification.pk)
    logger.info("notification %s sent (%s, attempt %d)", notification.pk, notification.kind, notification.attempts)
    return NotificationStatus.SENT


def record_failure(notification: Notification, failure: DeliveryFailed, *, now: datetime | None = None) -> float | None:
    """After a failed send: back to pending after a backoff, or failed. Returns the backoff.

    The row's due_at moves by the backoff, so the sweep cannot pick it up before the retry is
    due; the caller also schedules a Celery retry after the same delay. Whichever comes first
    claims the row, and the claim keeps the other from sending it again.
    """
    now = now or timezone.now()
    error = str(failure)[:ERROR_MAX_LENGTH]
    if failure.retryable and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        countdown = backoff_seconds(notification.attempts)
        _claimed(notification).update(
            status=NotificationStatus.PENDING, due_at=now + timedelta(seconds=countdown), last_error=error
        )
        logger.warning(
            "notification %s attempt %d failed, retry in %.0fs: %s",
            notification.pk,
            notification.attempts,
            countdown,
            error,
        )
        return countdown
    _claimed(notification).update(status=NotificationStatus.FAILED, last_error=error)
    logger.error("notification %s failed after %d attempt(s): %s", notification.pk, notification.attempts, error)
    return None


# Coordinator actions ------------------------------------------------------------------------


@transaction.atomic
def resend(*, notification: Notification, actor, now: datetime | None = None) -> bool:
    """Put a failed (or waiting) row back in line: pending, due now, attempts reset.

    Conditional, like the claim: a row that a worker is sending right now is left alone.
    The next minute sweep sends it; the web process never talks to the broker.
    """
    now = now or timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, status__in=[NotificationStatus.FAILED, NotificationStatus.PENDING]
    ).update(status=NotificationStatus.PENDING, due_at=now, attempts=0)
    if updated:
        logger.info("notification %s put back for sending by user %s", notification.pk, getattr(actor, "pk", None))
    return bool(updated)
