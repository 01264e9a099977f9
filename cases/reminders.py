"""Reminders to mediators about meetings and nazorg, decided by the notification engine's minute sweep.

Three kinds, each to a mediator with an account, one row per (subject, mediator) through a uniqueness
key, so that deciding twice makes one row:

- MEETING_TOMORROW, to the mediators present at a planned meeting that starts tomorrow: due at 09:00 the
  day before (office hours, so that a mediator who cannot make it can still reach the coordinator), or
  at once when the meeting is planned later than that.
- MEETING_OUTCOME_MISSING, to the mediators present, one day after a meeting's end when it is still
  'planned' (nobody recorded held, cancelled or no-show).
- FOLLOW_UP_DUE, to the duo (accepted assignments) on the nazorg date of agreements whose follow-up
  result is not yet known, at 09:00 that day.

Whether a row still applies is checked again just before sending (``still_applies``): a meeting
recorded or cancelled meanwhile, a follow-up recorded, a mediator taken off the case: no email.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role, has_role

from .models import OPEN_STATUSES, Agreement, Meeting, Status

logger = logging.getLogger(__name__)

Kind = Notification.Kind
KINDS = frozenset({Kind.MEETING_TOMORROW, Kind.MEETING_OUTCOME_MISSING, Kind.FOLLOW_UP_DUE})

REMINDER_TIME = time(9, 0)
OUTCOME_MISSING_AFTER = timedelta(days=1)


def meeting_tomorrow_key(meeting: Meeting, user) -> str:
    return f"meeting_tomorrow:{meeting.pk}:{user.pk}"


def meeting_outcome_missing_key(meeting: Meeting, user) -> str:
    return f"meeting_outcome_missing:{meeting.pk}:{user.pk}"


def follow_up_due_key(agreement: Agreement, user) -> str:
    return f"follow_up_due:{agreement.pk}:{user.pk}"


def _at_local(day, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _reachable(user) -> bool:
    return user.is_active and bool(user.email)


def _not_yet_reminded(kind: str, model) -> Exists:
    return Exists(
        Notification.objects.filter(
            kind=kind, subject_type=ContentType.objects.get_for_model(model), subject_id=OuterRef("pk")
        )
    )


def _present_mediators():
    from mediators.models import Mediator

    return Prefetch("mediators", queryset=Mediator.objects.select_related("user").order_by("pk"))


def _rows(kind: str, subject, users, key, due_at: datetime) -> list[Notification]:
    subject_type = ContentType.objects.get_for_model(subject)
    return [
        Notification(
            kind=kind,
            recipient=user,
            subject_type=subject_type,
            subject_id=subject.pk,
            key=key(subject, user),
            due_at=due_at,
        )
        for user in users
        if _reachable(user)
    ]


def meeting_tomorrow_rows(*, now: datetime) -> list[Notification]:
    today = timezone.localdate(now)
    tomorrow = today + timedelta(days=1)
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            starts_at__gte=_at_local(tomorrow, time.min),
            starts_at__lt=_at_local(tomorrow + timedelta(days=1), time.min),
            case__status__in=OPEN_STATUSES,
        )
        .exclude(_not_yet_reminded(Kind.MEETING_TOMORROW, Meeting))
        .prefetch_related(_present_mediators())
        .order_by("starts_at", "pk")
    )
    due_at = max(now, _at_local(today, REMINDER_TIME))
    rows: list[Notification] = []
    for meeting in meetings:
        users = [mediator.user for mediator in meeting.mediators.all()]
        rows += _rows(Kind.MEETING_TOMORROW, meeting, users, meeting_tomorrow_key, due_at)
    return rows


def meeting_outcome_missing_rows(*, now: datetime) -> list[Notification]:
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            # starts_at narrows through meeting_starts_status_idx; ends_at decides.
            starts_at__lte=now - OUTCOME_MISSING_AFTER,
            ends_at__lte=now - OUTCOME_MISSING_AFTER,
            case__status__in=OPEN_STATUSES,
        )
        .exclude(_not_yet_reminded(Kind.MEETING_OUTCOME_MISSING, Meeting))
        .prefetch_related(_present_mediators())
        .order_by("starts_at", "pk")
    )
    rows: list[Notification] = []
    for meeting in meetings:
        users = [mediator.user for mediator in meeting.mediators.all()]
        rows += _rows(Kind.MEETING_OUTCOME_MISSING, meeting, users, meeting_outcome_missing_key, now)
    return rows


def follow_up_due_rows(*, now: datetime) -> list[Notification]:
    from mediators.models import Assignment

    today = timezone.localdate(now)
    agreements = (
        Agreement.objects.filter(follow_up_on__lte=today, follow_up_result="", case__status=Status.FOLLOW_UP)
        .exclude(_not_yet_reminded(Kind.FOLLOW_UP_DUE, Agreement))
        .prefetch_related(
            Prefetch(
                "case__assignments",
                queryset=Assignment.objects.filter(status=Assignment.Status.ACCEPTED).select_related("mediator__user"),
                to_attr="accepted_assignments",
            )
        )
        .order_by("follow_up_on", "pk")
    )
    rows: list[Notification] = []
    for agreement in agreements:
        users = [assignment.mediator.user for assignment in agreement.case.accepted_assignments]
        due_at = max(now, _at_local(agreement.follow_up_on, REMINDER_TIME))
        rows += _rows(Kind.FOLLOW_UP_DUE, agreement, users, follow_up_due_key, due_at)
    return rows


@transaction.atomic
def schedule_mediation_reminders(*, now: datetime) -> int:
    """Write the rows of all three kinds that are due to be decided at ``now``; returns how many were offered.

    Subjects that already have a row of the kind are left out by the query, which keeps the minute sweep
    cheap; a mediator added to a meeting after its reminder was decided is not reminded of it.
    """
    from buurtbemiddeling.notifications import schedule

    rows = meeting_tomorrow_rows(now=now) + meeting_outcome_missing_rows(now=now) + follow_up_due_rows(now=now)
    if rows:
        schedule(rows)
        logger.info("mediation reminders: %d scheduled", len(rows))
    return len(rows)


# Just before sending ---------------------------------------------------------------------------


def _mediates(user, case) -> bool:
    from mediators.models import Assignment

    return (
        has_role(user, Role.MEDIATOR)
        and case.assignments.filter(mediator__user=user, status=Assignment.Status.ACCEPTED).exists()
    )


def still_applies(notification: Notification, *, now: datetime | None = None) -> bool:
    """For the kinds of this module: is the reminder still true for its recipient?"""
    now = now or timezone.now()
    subject = notification.subject
    recipient = notification.recipient
    if recipient is None:
        return False
    if notification.kind in (Kind.MEETING_TOMORROW, Kind.MEETING_OUTCOME_MISSING):
        if not isinstance(subject, Meeting) or subject.status != Meeting.Status.PLANNED:
            return False
        if not subject.case.is_open or not subject.mediators.filter(user=recipient).exists():
            return False
        if notification.kind == Kind.MEETING_TOMORROW and subject.starts_at <= now:
            return False
        return _mediates(recipient, subject.case)
    if notification.kind == Kind.FOLLOW_UP_DUE:
        if not isinstance(subject, Agreement) or subject.follow_up_result:
            return False
        return subject.case.status == Status.FOLLOW_UP and _mediates(recipient, subject.case)
    return False
