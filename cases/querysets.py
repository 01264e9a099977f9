"""Reads of cases that repeat. Access scoping lives here and nowhere else."""

from __future__ import annotations

import enum

from django.db import models

from buurtbemiddeling.roles import is_coordinator, is_mediator, is_referrer


class Scope(enum.Enum):
    """How much of a case a user is after.

    RECORD: the case file with personal data (coordinator, the mediators who accepted it).
    MILESTONES: the referral's milestones (coordinator, referrers of the referring organisation).
    """

    RECORD = "record"
    MILESTONES = "milestones"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, scope: Scope = Scope.RECORD):
        """The cases ``user`` may see at ``scope``; none for anonymous or inactive users.

        Every case-specific view gets its case through cases.access.get_case_for_user,
        which uses this, so that no view filters by hand.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if is_coordinator(user):
            return self.all()
        if scope is Scope.RECORD:
            if is_mediator(user):
                from mediators.models import Assignment

                return self.filter(
                    assignments__mediator__user=user,
                    assignments__status__in=Assignment.Status.visible(),
                ).distinct()
            return self.none()
        if scope is Scope.MILESTONES and is_referrer(user):
            from partners.models import Membership

            organisations = Membership.objects.referrers().filter(user=user).values("organisation")
            return self.filter(referring_organisation__in=organisations)
        return self.none()

    def open(self):
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)
