"""Reads of cases that repeat. Access scoping lives here and nowhere else."""

from __future__ import annotations

import enum
import operator
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

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

    def for_triage(self):
        """NEW cases, oldest first, as dicts of what the triage queue shows (served by case_status_received_idx).

        Loads no party data: the queue is a list of numbers, wijken, channels and flags. Dicts, not
        models: the queue pages show 50 rows, and building the models took longer than the query.
        """
        from .models import Status

        return (
            self.filter(status=Status.NEW)
            .values(
                "code",
                "number",
                "channel",
                "received_at",
                "flag_psychosocial",
                "flag_language_barrier",
                "flag_threat",
                neighbourhood_name=F("neighbourhood__name"),
                referring_organisation_name=F("referring_organisation__name"),
            )
            .order_by("received_at", "pk")
        )

    def with_latest_milestone(self):
        """Annotate ``latest_milestone``: the newest referrer milestone (caseevent_milestone_idx)."""
        from .models import CaseEvent

        newest = (
            CaseEvent.objects.filter(case=OuterRef("pk"))
            .exclude(milestone="")
            .order_by("-created_at", "-pk")
            .values("milestone")[:1]
        )
        return self.annotate(latest_milestone=Subquery(newest))

    def for_referrer_list(self):
        """What "My referrals" shows of each case: number, reference, received, latest milestone."""
        return (
            self.with_latest_milestone()
            .only("code", "number", "received_at", "partner_reference")
            .order_by("-received_at", "-pk")
        )

    def recent_or_open(self, *, now: datetime | None = None):
        """Open cases and cases closed within the reopen window (about six months)."""
        from .models import OPEN_STATUSES

        since = (now or timezone.now()) - timedelta(days=settings.REOPEN_WINDOW_DAYS)
        return self.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))

    def possible_repeats_of(self, case, *, parties=None, now: datetime | None = None):
        """Other open or recently closed cases at one of this case's addresses or with one of its people.

        An address is a postcode with a house number: the conflict's and each party's. A person is
        a party's phone number or email address (both stored normalised by the intake forms).
        ``parties`` saves a query when the caller has them already. Served by case_address_idx,
        party_address_idx, party_phone_idx and party_email_idx.
        """
        from .models import Party

        if parties is None:
            parties = list(case.parties.only("postcode", "house_number", "phone", "email"))
        addresses = {(case.postcode, case.house_number)} | {(p.postcode, p.house_number) for p in parties}
        addresses = {(postcode, number) for postcode, number in addresses if postcode and number}
        phones = {p.phone for p in parties if p.phone}
        emails = {p.email for p in parties if p.email}
        if not (addresses or phones or emails):
            return self.none()
        places = [Q(postcode=postcode, house_number=number) for postcode, number in sorted(addresses)]
        people = places + [Q(phone__in=sorted(phones))] * bool(phones) + [Q(email__in=sorted(emails))] * bool(emails)
        # The matching cases first (a few, from the address and contact indexes), then their status:
        # filtering the open and recent cases by a match would read all of them (thousands).
        matches = Party.objects.filter(reduce(operator.or_, people)).order_by().values("case_id")
        if places:
            matches = matches.union(self.model.objects.filter(reduce(operator.or_, places)).order_by().values("pk"))
        return (
            self.recent_or_open(now=now)
            .exclude(pk=case.pk)
            .filter(pk__in=matches)
            .only("code", "number", "status", "received_at", "closed_at")
            .order_by("-received_at", "-pk")
        )


def _dashboard_search(q: str) -> Q:
    """Case number, partner reference, the conflict's address, or a party's name or address."""
    from .models import Party

    party = Party.objects.filter(
        Q(name__icontains=q) | Q(street__icontains=q) | Q(postcode__icontains=q), case=OuterRef("pk")
    )
    return (
        Q(number__icontains=q)
        | Q(partner_reference__icontains=q)
        | Q(street__icontains=q)
        | Q(postcode__icontains=q)
        | Exists(party)
    )


def dashboard_cases(
    queryset, *, q="", neighbourhood=None, stadsdeel="", organisation=None, status="", conflict_type=None
):
    """The coordinator dashboard's search and filters over ``queryset``: one query, no party data loaded.

    ``q`` is what the coordinator typed: it may be personal data, so it is never logged.
    """
    cases = queryset
    if q:
        cases = cases.filter(_dashboard_search(q))
    if neighbourhood:
        cases = cases.filter(neighbourhood=neighbourhood)
    if stadsdeel:
        cases = cases.filter(neighbourhood__stadsdeel=stadsdeel)
    if organisation:
        cases = cases.filter(referring_organisation=organisation)
    if status:
        cases = cases.filter(status=status)
    if conflict_type:
        cases = cases.filter(conflict_types=conflict_type)
    return (
        cases.select_related("neighbourhood", "referring_organisation")
        .only(
            "code",
            "number",
            "status",
            "channel",
            "received_at",
            "neighbourhood__name",
            "neighbourhood__stadsdeel",
            "referring_organisation__name",
        )
        .order_by("-received_at", "-pk")
    )
