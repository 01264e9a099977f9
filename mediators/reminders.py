"""The notification engine's side of duo matching: the minute sweep's work and "does it still apply".

- PROPOSAL, to a proposed mediator, written in the transaction that proposes them.
- PROPOSAL_REMINDER, to a mediator who has not answered 24 hours after the proposal.
- PROPOSAL_EXPIRED, to the coordinators, when the proposal is withdrawn after 48 hours unanswered.
- PROPOSAL_DECLINED, to the coordinators, written in the transaction of the decline.
- SET_PASSWORD, to an accepted volunteer, written in the transaction that creates their account.

The sweep decides the 24-hour reminder and the 48-hour expiry (mediators.services.sweep_proposals);
``still_applies`` is asked again just before sending, so that an answer given meanwhile stops the
email.
"""

from __future__ import annotations

from datetime import datetime

from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role, has_role
from cases.models import Status

from .models import Assignment

Kind = Notification.Kind
KINDS = frozenset(
    {Kind.PROPOSAL, Kind.PROPOSAL_REMINDER, Kind.PROPOSAL_DECLINED, Kind.PROPOSAL_EXPIRED, Kind.SET_PASSWORD}
)


def sweep(*, now: datetime) -> None:
    # Imported here: the services schedule rows through buurtbemiddeling.notifications, which
    # imports this module.
    from . import services

    services.sweep_proposals(now=now)


def still_applies(notification: Notification) -> bool:
    """For the kinds of this module: is the email still true for its recipient?"""
    recipient = notification.recipient
    if recipient is None:
        return False
    if notification.kind == Kind.SET_PASSWORD:
        # Once they have chosen a password the link has done its work.
        return not recipient.has_usable_password()
    assignment = notification.subject
    if not isinstance(assignment, Assignment):
        return False
    if notification.kind in (Kind.PROPOSAL, Kind.PROPOSAL_REMINDER):
        # Only while the proposal is open, the case still looks for mediators and the recipient is its mediator.
        return (
            assignment.status == Assignment.Status.PROPOSED
            and assignment.case.status == Status.MATCHING
            and assignment.mediator.user_id == recipient.pk
            and has_role(recipient, Role.MEDIATOR)
        )
    if notification.kind in (Kind.PROPOSAL_DECLINED, Kind.PROPOSAL_EXPIRED):
        return has_role(recipient, Role.COORDINATOR)
    return False
