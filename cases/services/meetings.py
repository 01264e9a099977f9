"""Writes of steps 4–7: contact attempts, meetings, agreements, nazorg, closure and reopening.

Keyword-only, typed, one transaction each. Every write leaves a CaseEvent. Event texts are written by
these services, in the service's language (settings.LANGUAGE_CODE), and hold kinds, dates and counts
only: never a party's name or address, never the confidential notes (those stay on their own rows).
Status changes go through change_status; who may do what is in cases.mediation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.roles import is_coordinator

from ..mediation import (
    AGREEMENT_MEETING_KINDS,
    BOOKED_MEETING_STATUSES,
    MEETING_STATUSES,
    ContactResult,
    default_follow_up_on,
    follow_up_window,
    rights_for,
)
from ..models import Agreement, AgreementItem, Case, CaseEvent, Meeting, Party, Status
from .lifecycle import change_status


class NotAllowed(DomainError):
    """The actor may not do this on this case (the views show such actions only to those who may)."""


@dataclass(frozen=True)
class AgreementItemData:
    text: str
    who: str = ""
    due_on: date | None = None


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def _time(moment: datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def _log(*, case: Case, actor, kind: str, at: datetime, text: str) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor if getattr(actor, "pk", None) else None, created_at=at, kind=kind, text=text
    )


def _require_can_act(actor, case: Case) -> None:
    if not rights_for(actor, case).can_act:
        raise NotAllowed(_("Only the coordinator and the mediators of this case can do this."))


def _require_open_for_meetings(case: Case) -> None:
    if case.status not in MEETING_STATUSES:
        raise DomainError(_("This can be done only while the case is in mediation or in follow-up."))


# Contact attempts -----------------------------------------------------------------------------


@transaction.atomic
def log_party_contact(*, case: Case, party: Party, actor, result: str, now: datetime | None = None) -> CaseEvent:
    """One tap on the case page: 'called, no answer', 'spoke with them', ... for one party."""
    now = now or timezone.now()
    _require_can_act(actor, case)
    if party.case_id != case.pk:
        raise DomainError(_("This party does not belong to this case."))
    if not case.is_open:
        raise DomainError(_("The case is closed."))
    if result not in ContactResult.values:
        raise DomainError(_("Choose what came of the contact attempt."))
    with translation.override(settings.LANGUAGE_CODE):
        # The role, never the name: the timeline is also the audit trail.
        text = f"{party.get_role_display()}: {ContactResult(result).label}"
    return _log(case=case, actor=actor, kind=CaseEvent.Kind.CONTACT_ATTEMPT, at=now, text=text)


# Meetings -------------------------------------------------------------------------------------


def _double_booking(*, mediator_ids: Sequence[int], starts_at: datetime, ends_at: datetime):
    """The earliest booked meeting of any of these mediators that overlaps [starts_at, ends_at)."""
    through = Meeting.mediators.through
    return (
        through.objects.filter(
            mediator_id__in=mediator_ids,
            meeting__status__in=BOOKED_MEETING_STATUSES,
            meeting__starts_at__lt=ends_at,
            meeting__ends_at__gt=starts_at,
        )
        .select_related("meeting__case", "mediator__user")
        .order_by("meeting__starts_at", "meeting_id")
        .first()
    )


@transaction.atomic
def plan_meeting(
    *,
    case: Case,
    actor,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    location_kind: str,
    location: str = "",
    mediators: Sequence,
    now: datetime | None = None,
) -> Meeting:
    """Plan a meeting with the mediators present; refuse a double booking of any of them.

    Only mediators whose assignment on the case is ACCEPTED may be present.
    """
    from mediators.models import Assignment, Mediator

    now = now or timezone.now()
    _require_can_act(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open_for_meetings(case)
    if ends_at <= starts_at:
        raise DomainError(_("The meeting must end after it starts."))
    mediator_ids = sorted({mediator.pk for mediator in mediators})
    if not mediator_ids:
        raise DomainError(_("Choose at least one mediator who will be present."))
    assigned = set(
        Assignment.objects.filter(
            case=case, status=Assignment.Status.ACCEPTED, mediator_id__in=mediator_ids
        ).values_list("mediator_id", flat=True)
    )
    if assigned != set(mediator_ids):
        raise DomainError(_("Only the mediators assigned to this case can be present."))
    # The double-booking check must see every meeting committed before it. Locking the mediators'
    # rows (in a fixed order, so two plans cannot deadlock) makes a second plan for the same
    # mediator wait here until the first has committed; its clash query, a new statement under READ
    # COMMITTED, then sees the first meeting. Without the lock both could pass the check at once.
    list(Mediator.objects.select_for_update(of=("self",)).filter(pk__in=mediator_ids).order_by("pk"))
    clash = _double_booking(mediator_ids=mediator_ids, starts_at=starts_at, ends_at=ends_at)
    if clash is not None:
        other = clash.meeting
        raise DomainError(
            _(
                "%(mediator)s already has a meeting on %(day)s from %(start)s to %(end)s (case %(number)s). "
                "Choose another time."
            )
            % {
                "mediator": clash.mediator,
                "day": _day(other.starts_at),
                "start": _time(other.starts_at),
                "end": _time(other.ends_at),
                "number": other.case.number,
            }
        )
    meeting = Meeting(
        case=case,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location_kind=location_kind,
        location=location.strip(),
        status=Meeting.Status.PLANNED,
    )
    meeting.full_clean()
    meeting.save()
    meeting.mediators.set(mediator_ids)
    with translation.override(settings.LANGUAGE_CODE):
        # Kind and time only: the location may be a party's home address.
        text = _("%(kind)s planned on %(day)s, %(start)s–%(end)s.") % {
            "kind": meeting.get_kind_display(),
            "day": _day(starts_at),
            "start": _time(starts_at),
            "end": _time(ends_at),
        }
    _log(case=case, actor=actor, kind=CaseEvent.Kind.MEETING, at=now, text=text)
    return meeting


RECORDABLE_MEETING_STATUSES = (Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Status.NO_SHOW)


@transaction.atomic
def record_meeting_outcome(
    *, meeting: Meeting, actor, status: str, note: str = "", now: datetime | None = None
) -> Meeting:
    """After the meeting: held, cancelled or no-show, with an optional confidential note."""
    now = now or timezone.now()
    locked = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    _require_can_act(actor, locked.case)
    if not locked.case.is_open:
        raise DomainError(_("The case is closed."))
    if locked.status != Meeting.Status.PLANNED:
        raise DomainError(_("What came of this meeting has already been recorded."))
    if status not in RECORDABLE_MEETING_STATUSES:
        raise DomainError(_("Choose held, cancelled or no-show."))
    if status != Meeting.Status.CANCELLED and locked.starts_at > now:
        raise DomainError(_("A meeting can be recorded as held or as a no-show once it has started."))
    locked.status = status
    update_fields = ["status"]
    if note.strip():
        locked.confidential_notes = note.strip()
        update_fields.append("confidential_notes")
    locked.full_clean()
    locked.save(update_fields=update_fields)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(kind)s of %(day)s, %(start)s: %(status)s.") % {
            "kind": locked.get_kind_display(),
            "day": _day(locked.starts_at),
            "start": _time(locked.starts_at),
            "status": locked.get_status_display().lower(),
        }
    _log(case=locked.case, actor=actor, kind=CaseEvent.Kind.MEETING, at=now, text=text)
    meeting.status = locked.status
    meeting.confidential_notes = locked.confidential_notes
    return meeting


# Agreements and nazorg ------------------------------------------------------------------------


@transaction.atomic
def record_agreement(
    *,
    meeting: Meeting,
    actor,
    items: Sequence[AgreementItemData],
    signed: bool,
    follow_up_on: date | None = None,
    now: datetime | None = None,
) -> Agreement:
    """Write down the parties' agreements of a held meeting; nazorg defaults to six weeks later.

    A case in mediation moves to follow-up (nazorg) with it.
    """
    now = now or timezone.now()
    # Locking the meeting serialises two submits of the same form: the second finds the first's
    # agreement (and the database's agreement_once_per_meeting would refuse it anyway).
    locked = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    case = locked.case
    _require_can_act(actor, case)
    _require_open_for_meetings(case)
    if locked.kind not in AGREEMENT_MEETING_KINDS:
        raise DomainError(_("Agreements are recorded for a joint mediation, separate talks or a follow-up meeting."))
    if locked.status != Meeting.Status.HELD:
        raise DomainError(_("Record the meeting as held first."))
    if Agreement.objects.filter(meeting=locked).exists():
        raise DomainError(_("The agreements of this meeting have already been recorded."))
    items = [item for item in items if item.text.strip()]
    if not items:
        raise DomainError(_("Write down at least one agreement."))
    follow_up_on = follow_up_on or default_follow_up_on(locked)
    earliest, latest = follow_up_window(locked)
    if not earliest <= follow_up_on <= latest:
        raise DomainError(
            _("Plan the follow-up two to six weeks after the meeting: between %(earliest)s and %(latest)s.")
            % {"earliest": formats.date_format(earliest, "j F Y"), "latest": formats.date_format(latest, "j F Y")}
        )
    agreement = Agreement(case=case, meeting=locked, signed=signed, follow_up_on=follow_up_on, created_at=now)
    agreement.full_clean()
    agreement.save()
    for item in items:
        row = AgreementItem(agreement=agreement, text=item.text.strip(), who=item.who.strip(), due_on=item.due_on)
        row.full_clean()
        row.save()
    with translation.override(settings.LANGUAGE_CODE):
        text = ngettext(
            "%(count)d agreement recorded (%(kind)s of %(day)s, %(signed)s). Follow-up on %(follow_up)s.",
            "%(count)d agreements recorded (%(kind)s of %(day)s, %(signed)s). Follow-up on %(follow_up)s.",
            len(items),
        ) % {
            "count": len(items),
            "kind": locked.get_kind_display(),
            "day": _day(locked.starts_at),
            "signed": _("signed") if signed else _("not signed"),
            "follow_up": formats.date_format(follow_up_on, "j F Y"),
        }
        status_text = _("Agreements made; follow-up on %(day)s.") % {"day": formats.date_format(follow_up_on, "j F Y")}
    _log(case=case, actor=actor, kind=CaseEvent.Kind.AGREEMENT, at=now, text=text)
    if case.status == Status.IN_MEDIATION:
        change_status(case=case, new_status=Status.FOLLOW_UP, actor=actor, text=status_text, at=now)
    return agreement


FOLLOW_UP_RESULTS = (Agreement.FollowUpResult.KEPT, Agreement.FollowUpResult.PARTLY, Agreement.FollowUpResult.NOT_KEPT)


@transaction.atomic
def record_follow_up(
    *, agreement: Agreement, actor, result: str, note: str = "", now: datetime | None = None
) -> Agreement:
    """Nazorg: after calling both parties, whether the agreements were kept, partly or not."""
    now = now or timezone.now()
    locked = Agreement.objects.select_for_update().select_related("case").get(pk=agreement.pk)
    _require_can_act(actor, locked.case)
    if not locked.case.is_open:
        raise DomainError(_("The case is closed."))
    if locked.follow_up_result:
        raise DomainError(_("The follow-up of these agreements has already been recorded."))
    if result not in FOLLOW_UP_RESULTS:
        raise DomainError(_("Choose kept, partly kept or not kept."))
    locked.follow_up_result = result
    locked.follow_up_note = note.strip()
    locked.full_clean()
    locked.save(update_fields=["follow_up_result", "follow_up_note"])
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Follow-up of the agreements of %(day)s: %(result)s.") % {
            "day": formats.date_format(timezone.localtime(locked.created_at), "j F Y"),
            "result": locked.get_follow_up_result_display().lower(),
        }
    _log(case=locked.case, actor=actor, kind=CaseEvent.Kind.AGREEMENT, at=now, text=text)
    agreement.follow_up_result, agreement.follow_up_note = locked.follow_up_result, locked.follow_up_note
    return agreement


@transaction.atomic
def resume_mediation(*, case: Case, actor, reason: str = "", now: datetime | None = None) -> Case:
    """From nazorg back to mediation, for another meeting."""
    _require_can_act(actor, case)
    with translation.override(settings.LANGUAGE_CODE):
        default_text = _("Back to mediation for another meeting.")
    return change_status(
        case=case, new_status=Status.IN_MEDIATION, actor=actor, text=reason.strip() or default_text, at=now
    )


# Closure and reopening ------------------------------------------------------------------------


@transaction.atomic
def close_case(*, case: Case, actor, outcome: str, text: str = "", now: datetime | None = None) -> Case:
    """Close with an outcome; in the same transaction the duo's assignments are completed.

    Completing frees the mediators' capacity. Proposals still open are withdrawn, and meetings still
    planned are cancelled: neither can happen for a closed case.
    """
    from mediators.models import Assignment

    now = now or timezone.now()
    if not rights_for(actor, case).can_close:
        raise NotAllowed(_("Only the coordinator or the lead mediator can close a case."))
    change_status(case=case, new_status=Status.CLOSED, actor=actor, outcome=outcome, text=text.strip(), at=now)
    completed = Assignment.objects.filter(case=case, status=Assignment.Status.ACCEPTED).update(
        status=Assignment.Status.COMPLETED, completed_at=now
    )
    withdrawn = Assignment.objects.filter(case=case, status=Assignment.Status.PROPOSED).update(
        status=Assignment.Status.WITHDRAWN, answered_at=now
    )
    cancelled = Meeting.objects.filter(case=case, status=Meeting.Status.PLANNED).update(status=Meeting.Status.CANCELLED)
    with translation.override(settings.LANGUAGE_CODE):
        if completed or withdrawn:
            parts = []
            if completed:
                parts.append(
                    ngettext("%(count)d assignment completed", "%(count)d assignments completed", completed)
                    % {"count": completed}
                )
            if withdrawn:
                parts.append(
                    ngettext("%(count)d proposal withdrawn", "%(count)d proposals withdrawn", withdrawn)
                    % {"count": withdrawn}
                )
            _log(case=case, actor=actor, kind=CaseEvent.Kind.ASSIGNMENT, at=now, text="; ".join(parts) + ".")
        if cancelled:
            text = ngettext(
                "%(count)d planned meeting cancelled because the case was closed.",
                "%(count)d planned meetings cancelled because the case was closed.",
                cancelled,
            ) % {"count": cancelled}
            _log(case=case, actor=actor, kind=CaseEvent.Kind.MEETING, at=now, text=text)
    return case


@transaction.atomic
def reopen_case(*, case: Case, actor, reason: str, now: datetime | None = None) -> Case:
    """Reopen a closed case within six months (change_status enforces the window) as the same case.

    The mediators who completed it get their assignment back (ACCEPTED) when they are still active,
    at most one per role (the newest); a paused or stopped mediator does not, and the coordinator
    proposes someone new through the usual matching.
    """
    from mediators.models import Assignment, Mediator

    now = now or timezone.now()
    if not is_coordinator(actor):
        raise NotAllowed(_("Only a coordinator can reopen a case."))
    if not reason.strip():
        raise DomainError(_("Give the reason for reopening the case."))
    change_status(case=case, new_status=Status.IN_MEDIATION, actor=actor, text=reason.strip(), at=now)
    # A role already taken by an active assignment (a case closed without close_case) stays as it is.
    restored_roles = set(
        Assignment.objects.filter(case=case, status__in=Assignment.Status.active()).values_list("role", flat=True)
    )
    restored: list[int] = []
    for assignment in (
        Assignment.objects.filter(case=case, status=Assignment.Status.COMPLETED)
        .select_related("mediator")
        .order_by("-proposed_at", "-pk")
    ):
        if assignment.role in restored_roles or assignment.mediator.status != Mediator.Status.ACTIVE:
            continue
        restored_roles.add(assignment.role)
        restored.append(assignment.pk)
    if restored:
        Assignment.objects.filter(pk__in=restored).update(status=Assignment.Status.ACCEPTED, completed_at=None)
    with translation.override(settings.LANGUAGE_CODE):
        if restored:
            text = ngettext(
                "%(count)d mediator back on the case.", "%(count)d mediators back on the case.", len(restored)
            ) % {"count": len(restored)}
        else:
            text = _("No mediator of this case is active any more: propose a new duo.")
    _log(case=case, actor=actor, kind=CaseEvent.Kind.ASSIGNMENT, at=now, text=text)
    return case
