"""Reads and rules of steps 4–7 (meetings, agreements, nazorg, closure) that views and services share.

Who may do what once a case is with its mediators:

- act (log contact attempts, plan meetings and record them, record agreements and nazorg, send a case
  back from nazorg to mediation): a coordinator, or a mediator whose assignment is ACCEPTED. A mediator
  whose assignment is COMPLETED (the case was closed) still reads the case file, but no longer acts.
- close with an outcome: a coordinator, or the lead mediator of the duo (the lead runs the case;
  the co-mediator does not close it alone).
- reopen (within six months of closing): a coordinator only, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.roles import is_coordinator

from .models import Case, Meeting, Status

# The statuses in which meetings are planned and agreements recorded.
MEETING_STATUSES = frozenset({Status.IN_MEDIATION, Status.FOLLOW_UP})
# Meetings that occupy a mediator's time: a clash with one of these is a double booking.
BOOKED_MEETING_STATUSES = (Meeting.Status.PLANNED, Meeting.Status.HELD)
# Meetings whose agreements may be written down: the joint talk, separate talks (pendel) and a
# follow-up meeting. An intake with one party reaches no agreement between the two.
AGREEMENT_MEETING_KINDS = frozenset({Meeting.Kind.JOINT, Meeting.Kind.OTHER, Meeting.Kind.FOLLOW_UP})

# Nazorg (DESIGN: 2–6 weeks after the agreements, default 6).
FOLLOW_UP_DEFAULT_DAYS = 42
FOLLOW_UP_MIN_DAYS = 14
FOLLOW_UP_MAX_DAYS = 42


class ContactResult(models.TextChoices):
    """What one tap on the case page logs as a contact attempt."""

    NO_ANSWER = "no_answer", _("Called, no answer")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    SPOKEN = "spoken", _("Spoke with them")
    EMAILED = "emailed", _("Sent an email")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


@dataclass(frozen=True)
class MediationRights:
    coordinator: bool
    # "lead" or "co" when the user's assignment on the case is ACCEPTED, else None.
    assignment_role: str | None

    @property
    def can_act(self) -> bool:
        return self.coordinator or self.assignment_role is not None

    @property
    def can_close(self) -> bool:
        from mediators.models import Assignment

        return self.coordinator or self.assignment_role == Assignment.Role.LEAD

    @property
    def can_reopen(self) -> bool:
        return self.coordinator


def rights_for(user, case: Case, *, assignments=None) -> MediationRights:
    """The user's rights on ``case``. Pass the case's assignments (with mediator) when already loaded."""
    from mediators.models import Assignment

    coordinator = is_coordinator(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MediationRights(coordinator=False, assignment_role=None)
    if assignments is None:
        role = (
            Assignment.objects.filter(case=case, mediator__user=user, status=Assignment.Status.ACCEPTED)
            .values_list("role", flat=True)
            .first()
        )
    else:
        role = next(
            (a.role for a in assignments if a.mediator.user_id == user.pk and a.status == Assignment.Status.ACCEPTED),
            None,
        )
    return MediationRights(coordinator=coordinator, assignment_role=role)


def default_follow_up_on(meeting: Meeting) -> date:
    return timezone.localdate(meeting.starts_at) + timedelta(days=FOLLOW_UP_DEFAULT_DAYS)


def follow_up_window(meeting: Meeting) -> tuple[date, date]:
    day = timezone.localdate(meeting.starts_at)
    return day + timedelta(days=FOLLOW_UP_MIN_DAYS), day + timedelta(days=FOLLOW_UP_MAX_DAYS)
