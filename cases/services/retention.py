"""Retention: a case closed longer ago than RETENTION_MONTHS is anonymised (DESIGN.md, "Privacy").

Anonymising empties every personal field the registry (buurtbemiddeling.privacy) declares for the
case, its parties, events, meetings, agreements and assignments, strips the notifications about
it and reduces its access records to who, when and what. It removes note events and agreement
items whole. It keeps everything the convenant report counts: status, outcome, dates, the
neighbourhood, conflict types, channel and referring organisation. It never changes the status
(that is cases.services.lifecycle's business).
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AccessRecord
from audit.services import record_access
from buurtbemiddeling import privacy
from buurtbemiddeling.models import Notification
from mediators.models import Assignment

from ..models import Agreement, AgreementItem, Case, CaseEvent, Meeting, Party, Status

logger = logging.getLogger(__name__)

RETENTION_BATCH_SIZE = 500
CLOSED_STATUSES = (Status.CLOSED, Status.NOT_SUITABLE)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now: datetime, months: int | None = None) -> datetime:
    """Cases closed before this moment are due for anonymisation."""
    return months_before(now, settings.RETENTION_MONTHS if months is None else months)


def expired_cases(*, now: datetime, months: int | None = None):
    """Closed or not-suitable cases closed before the cut-off and not yet anonymised.

    ``retention_until`` set in the future (kept longer, e.g. for a complaint) holds a case back.
    """
    return Case.objects.filter(
        status__in=CLOSED_STATUSES,
        closed_at__lt=retention_cutoff(now, months),
        anonymised_at__isnull=True,
    ).filter(Q(retention_until__isnull=True) | Q(retention_until__lt=timezone.localdate(now)))


def case_notifications(case_ids):
    """Notifications whose subject is one of the cases or one of their assignments, meetings or
    agreements."""
    subjects = Q()
    for model, ids in (
        (Case, case_ids),
        (Assignment, Assignment.objects.filter(case__in=case_ids).values("pk")),
        (Meeting, Meeting.objects.filter(case__in=case_ids).values("pk")),
        (Agreement, Agreement.objects.filter(case__in=case_ids).values("pk")),
    ):
        subjects |= Q(subject_type=ContentType.objects.get_for_model(model), subject_id__in=ids)
    return Notification.objects.filter(subjects)


def strip_notifications(queryset) -> int:
    """Empty the personal fields of these notifications. One still waiting, or failed (which a
    coordinator could send again), is cancelled: without its address and content it cannot go."""
    queryset.filter(status__in=[Notification.Status.PENDING, Notification.Status.FAILED]).update(
        status=Notification.Status.CANCELLED
    )
    return queryset.update(**privacy.emptied(Notification, privacy.CASE))


def empty_case_content(case_ids) -> None:
    """Everything personal about these cases except their parties' own fields (see erase_party)."""
    Case.objects.filter(pk__in=case_ids).update(**privacy.emptied(Case, privacy.CASE))
    CaseEvent.objects.filter(case__in=case_ids, kind=CaseEvent.Kind.NOTE).delete()
    CaseEvent.objects.filter(case__in=case_ids).update(**privacy.emptied(CaseEvent, privacy.CASE))
    Meeting.objects.filter(case__in=case_ids).update(**privacy.emptied(Meeting, privacy.CASE))
    Agreement.objects.filter(case__in=case_ids).update(**privacy.emptied(Agreement, privacy.CASE))
    AgreementItem.objects.filter(agreement__case__in=case_ids).delete()
    Assignment.objects.filter(case__in=case_ids).update(**privacy.emptied(Assignment, privacy.CASE))
    strip_notifications(case_notifications(case_ids))
    AccessRecord.objects.filter(case__in=case_ids).update(**privacy.emptied(AccessRecord, privacy.CASE))


def anonymise_cases(case_ids: list[int], *, now: datetime) -> None:
    """Anonymise these cases; call inside a transaction holding their rows."""
    empty_case_content(case_ids)
    Party.objects.filter(case__in=case_ids).update(**privacy.emptied(Party, privacy.PARTY))
    Case.objects.filter(pk__in=case_ids).update(anonymised_at=now)
    for case in Case.objects.filter(pk__in=case_ids).only("pk"):
        record_access(None, action=AccessRecord.Action.RETENTION, case=case)


@dataclass(frozen=True)
class RetentionRun:
    due: int
    anonymised: int


def anonymise_expired_cases(
    *, now: datetime | None = None, months: int | None = None, batch_size: int = RETENTION_BATCH_SIZE, dry_run=False
) -> RetentionRun:
    """Anonymise every expired case, ``batch_size`` per transaction. Safe to run again: an
    anonymised case is not selected twice, and on PostgreSQL rows another run holds are skipped."""
    now = now or timezone.now()
    due = expired_cases(now=now, months=months).count()
    if dry_run:
        logger.info("retention (dry run): %d case(s) due for anonymisation", due)
        return RetentionRun(due=due, anonymised=0)
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                expired_cases(now=now, months=months)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            anonymise_cases(batch, now=now)
        done += len(batch)
    # Counts only: never a case number or anything about a person.
    logger.info("retention: %d case(s) anonymised (%d were due)", done, due)
    return RetentionRun(due=due, anonymised=done)
