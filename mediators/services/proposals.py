"""Duo matching: proposing mediators for a case, their answers, the 24-hour reminder and the expiry.

Every write here locks the case row first (select_for_update), so proposing, answering,
withdrawing and expiring on one case queue behind each other instead of each reading a state the
other is about to change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buurtbemiddeling import notifications
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from cases.models import Case, CaseEvent, Status
from cases.services import change_status

from .. import matching, selectors
from ..models import PROPOSAL_EXPIRES_AFTER, PROPOSAL_REMINDER_AFTER, Assignment, Mediator

logger = logging.getLogger(__name__)
Kind = Notification.Kind


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _log(*, case: Case, actor, at: datetime, text: str) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=_actor(actor), created_at=at, kind=CaseEvent.Kind.ASSIGNMENT, text=text
    )


def _role_label(role: str) -> str:
    return _("lead mediator") if role == Assignment.Role.LEAD else _("co-mediator")


def proposal_key(assignment: Assignment) -> str:
    return f"proposal:{assignment.pk}"


def proposal_reminder_key(assignment: Assignment) -> str:
    return f"proposal_reminder:{assignment.pk}"


def proposal_declined_key(assignment: Assignment, user) -> str:
    return f"proposal_declined:{assignment.pk}:{user.pk}"


def proposal_expired_key(assignment: Assignment, user) -> str:
    return f"proposal_expired:{assignment.pk}:{user.pk}"


def _payload(assignment: Assignment, case: Case) -> dict:
    # Numbers, codes and the role only: the payload is rendered into the email as is.
    return {
        "number": case.number,
        "case_code": str(case.code),
        "assignment_code": str(assignment.code),
        "role": assignment.role,
        "answer_by": assignment.answer_by.isoformat(),
    }


def _about(assignment: Assignment) -> dict:
    return {"subject_type": ContentType.objects.get_for_model(Assignment), "subject_id": assignment.pk}


def _tell_coordinators(*, kind: str, assignment: Assignment, case: Case, key, now: datetime) -> None:
    notifications.schedule(
        Notification(
            kind=kind,
            recipient=user,
            key=key(assignment, user),
            due_at=now,
            payload=_payload(assignment, case),
            **_about(assignment),
        )
        for user in notifications.coordinators()
    )


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


@transaction.atomic
def propose(*, case: Case, mediators: Mapping[str, Mediator], actor, now: datetime | None = None) -> list[Assignment]:
    """Propose mediators for the free roles (lead, co) of a case that is looking for a duo.

    Each proposed mediator gets an email. The case row is locked first: two coordinators
    proposing for the same case at once queue here, and the second finds the roles taken and
    gets a clear message instead of a third active mediator (the database constraint, one active
    lead and one active co per case, is the last line behind this lock). The ranking rules are
    applied again under the lock, so a mediator in a party's neighbourhood, without capacity or
    not proposable cannot be proposed by a crafted request either.
    """
    now = now or timezone.now()
    if not mediators:
        raise DomainError(_("Choose a mediator for at least one role."))
    if set(mediators) - set(Assignment.Role.values):
        raise DomainError(_("Unknown role."))
    if len({mediator.pk for mediator in mediators.values()}) != len(mediators):
        raise DomainError(_("Choose two different mediators for the two roles."))
    locked = _lock_case(case.pk)
    if locked.status != Status.MATCHING:
        raise DomainError(_("Mediators can be proposed only while the case is in matching."))
    data = selectors.matching_input(locked, today=timezone.localdate(now))
    taken = sorted(set(mediators) & set(data.active))
    if taken:
        raise DomainError(
            _("Someone else has just proposed a %(role)s for this case. Look at the duo again.")
            % {"role": _role_label(taken[0])}
        )
    ranking = matching.rank(data.case, data.mediators, today=timezone.localdate(now))
    proposable = {candidate.mediator_id for candidate in ranking.candidates}
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for role in Assignment.Role.values:  # lead first, for a stable order of events and emails
            mediator = mediators.get(role)
            if mediator is None:
                continue
            if mediator.pk not in proposable:
                raise DomainError(_("%(name)s cannot be proposed for this case.") % {"name": mediator})
            assignment = Assignment(case=locked, mediator=mediator, role=role, proposed_at=now, proposed_by=actor)
            assignment.full_clean()
            assignment.save()
            _log(
                case=locked,
                actor=actor,
                at=now,
                text=_("Proposed as %(role)s: %(name)s.") % {"role": _role_label(role), "name": mediator},
            )
            created.append(assignment)
    notifications.schedule(
        Notification(
            kind=Kind.PROPOSAL,
            recipient_id=assignment.mediator.user_id,
            key=proposal_key(assignment),
            due_at=now,
            payload=_payload(assignment, locked),
            **_about(assignment),
        )
        for assignment in created
    )
    logger.info("case %s: %d mediator(s) proposed by user %s", locked.pk, len(created), getattr(actor, "pk", None))
    return created


def _lock_proposal(assignment: Assignment) -> tuple[Case, Assignment]:
    case = _lock_case(assignment.case_id)
    current = Assignment.objects.select_related("mediator__user").get(pk=assignment.pk)
    return case, current


def _sync(target: Assignment, source: Assignment, fields: Iterable[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def accept_proposal(*, assignment: Assignment, actor, now: datetime | None = None) -> Assignment:
    """The mediator accepts; when both roles have accepted, the case moves to IN_MEDIATION.

    Moving the case goes through change_status, which sets matched_at and writes the "taken up"
    milestone for the referrer. Both mediators accepting at the same moment queue on the case
    lock, so exactly one of them sees the duo complete and moves the case.
    """
    now = now or timezone.now()
    case, current = _lock_proposal(assignment)
    if current.status != Assignment.Status.PROPOSED:
        raise DomainError(_("This proposal has already been answered, withdrawn or has expired."))
    if case.status != Status.MATCHING:
        raise DomainError(_("This case is no longer looking for mediators."))
    current.status = Assignment.Status.ACCEPTED
    current.answered_at = now
    current.save(update_fields=["status", "answered_at"])
    _sync(assignment, current, ["status", "answered_at"])
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            case=case,
            actor=actor,
            at=now,
            text=_("%(name)s accepted as %(role)s.") % {"name": current.mediator, "role": _role_label(current.role)},
        )
        accepted_roles = set(
            Assignment.objects.filter(case=case, status=Assignment.Status.ACCEPTED).values_list("role", flat=True)
        )
        if accepted_roles == set(Assignment.Role.values):
            change_status(
                case=case,
                new_status=Status.IN_MEDIATION,
                actor=actor,
                text=_("Both mediators accepted: the duo is complete."),
                at=now,
            )
    logger.info("assignment %s accepted", current.pk)
    return assignment


@transaction.atomic
def decline_proposal(*, assignment: Assignment, reason: str, actor, now: datetime | None = None) -> Assignment:
    """The mediator declines with a reason; the coordinators are told and the role is free again."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say briefly why you decline, so that the coordinator can find someone else."))
    case, current = _lock_proposal(assignment)
    if current.status != Assignment.Status.PROPOSED:
        raise DomainError(_("This proposal has already been answered, withdrawn or has expired."))
    current.status = Assignment.Status.DECLINED
    current.answered_at = now
    current.decline_reason = reason
    current.full_clean()
    current.save(update_fields=["status", "answered_at", "decline_reason"])
    _sync(assignment, current, ["status", "answered_at", "decline_reason"])
    with translation.override(settings.LANGUAGE_CODE):
        # The reason stays on the assignment (the coordinator's matching page), out of the timeline.
        _log(
            case=case,
            actor=actor,
            at=now,
            text=_("%(name)s declined the proposal as %(role)s.")
            % {"name": current.mediator, "role": _role_label(current.role)},
        )
    _tell_coordinators(kind=Kind.PROPOSAL_DECLINED, assignment=current, case=case, key=proposal_declined_key, now=now)
    logger.info("assignment %s declined", current.pk)
    return assignment


@transaction.atomic
def withdraw_proposal(*, assignment: Assignment, actor, now: datetime | None = None) -> Assignment:
    """The coordinator takes a mediator off a case that is still in matching; the role is free again."""
    now = now or timezone.now()
    case, current = _lock_proposal(assignment)
    if current.status not in Assignment.Status.active():
        raise DomainError(_("This mediator is no longer proposed for the case."))
    if case.status != Status.MATCHING:
        raise DomainError(_("Mediators can be changed here only while the case is in matching."))
    current.status = Assignment.Status.WITHDRAWN
    current.save(update_fields=["status"])
    _sync(assignment, current, ["status"])
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            case=case,
            actor=actor,
            at=now,
            text=_("%(name)s withdrawn as %(role)s.") % {"name": current.mediator, "role": _role_label(current.role)},
        )
    logger.info("assignment %s withdrawn by user %s", current.pk, getattr(actor, "pk", None))
    return assignment


@transaction.atomic
def expire_proposal(*, assignment: Assignment, now: datetime | None = None) -> bool:
    """Withdraw a proposal left unanswered for 48 hours; tell the coordinators. False if it was answered."""
    now = now or timezone.now()
    case, current = _lock_proposal(assignment)
    if current.status != Assignment.Status.PROPOSED or current.proposed_at > now - PROPOSAL_EXPIRES_AFTER:
        return False
    current.status = Assignment.Status.WITHDRAWN
    current.save(update_fields=["status"])
    _sync(assignment, current, ["status"])
    hours = int(PROPOSAL_EXPIRES_AFTER.total_seconds() // 3600)
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            case=case,
            actor=None,
            at=now,
            text=_("The proposal to %(name)s as %(role)s expired: no answer within %(hours)d hours.")
            % {"name": current.mediator, "role": _role_label(current.role), "hours": hours},
        )
    # A case that left matching meanwhile needs no new mediator: no email then.
    if case.status == Status.MATCHING:
        _tell_coordinators(kind=Kind.PROPOSAL_EXPIRED, assignment=current, case=case, key=proposal_expired_key, now=now)
    logger.info("assignment %s expired", current.pk)
    return True


@transaction.atomic
def schedule_proposal_reminders(*, now: datetime) -> int:
    """Remind each mediator once of a proposal unanswered for 24 hours (and not yet expired).

    Proposals that already have their reminder are left out by the query, so the minute sweep
    stays cheap; the uniqueness key makes a second decision a no-op all the same.
    """
    assignment_type = ContentType.objects.get_for_model(Assignment)
    reminded = Notification.objects.filter(
        kind=Kind.PROPOSAL_REMINDER, subject_type=assignment_type, subject_id=OuterRef("pk")
    )
    due = list(
        Assignment.objects.open_proposals()
        .filter(
            proposed_at__lte=now - PROPOSAL_REMINDER_AFTER,
            proposed_at__gt=now - PROPOSAL_EXPIRES_AFTER,
            case__status=Status.MATCHING,
        )
        .exclude(Exists(reminded))
        .select_related("case", "mediator")
        .order_by("proposed_at", "pk")
    )
    notifications.schedule(
        Notification(
            kind=Kind.PROPOSAL_REMINDER,
            recipient_id=assignment.mediator.user_id,
            key=proposal_reminder_key(assignment),
            due_at=now,
            payload=_payload(assignment, assignment.case),
            subject_type=assignment_type,
            subject_id=assignment.pk,
        )
        for assignment in due
    )
    if due:
        logger.info("proposals: %d reminder(s) scheduled", len(due))
    return len(due)


def sweep_proposals(*, now: datetime) -> None:
    """Called by the minute sweep: expire proposals unanswered for 48 hours, remind at 24 hours.

    Expiring first, so that a sweep that did not run for a while expires an old proposal
    instead of reminding its mediator of it.
    """
    expired = Assignment.objects.open_proposals().filter(proposed_at__lte=now - PROPOSAL_EXPIRES_AFTER)
    for assignment in expired.only("pk", "case_id").order_by("proposed_at", "pk"):
        expire_proposal(assignment=assignment, now=now)
    schedule_proposal_reminders(now=now)
