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

from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.roles import is_coordinator, is_mediator, is_referrer


class Scope(enum.Enum):
    """How much of a case a user is after.

    RECORD: the case file with personal data (coordinator, the mediators who accepted it).
    MILESTONES: the referral's milestones (coordinator, referrers of the referring organisation).
    """

    RECORD = "record"
    MILESTONES = "milestones"


def sees_every_case(user) -> bool:
    """Whether ``user`` may see every case, at every scope: an active coordinator."""
    return getattr(user, "is_authenticated", False) and user.is_active and is_coordinator(user)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, scope: Scope = Scope.RECORD):
        """The cases ``user`` may see at ``scope``; none for anonymous or inactive users.

        Every case-specific view gets its case through cases.access.get_case_for_user,
        which uses this, so that no view filters by hand.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_every_case(user):
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

        return self.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=_reopen_since(now)))

    def possible_repeats_of(self, case, *, parties=None, now: datetime | None = None):
        """Other open or recently closed cases at one of this case's addresses or with one of its people.

        An address is a postcode with a house number: the conflict's and each party's. A person is
        a party's phone number or email address (both stored normalised by the intake forms).
        ``parties`` saves a query when the caller has them already. Served by case_address_idx,
        party_address_idx, party_phone_idx and party_email_idx.
        """
        places, phones, emails = _repeat_keys(case, parties)
        if not (places or phones or emails):
            return self.none()
        return _repeats(self, case.pk, _reopen_since(now), places, phones, emails)


def _reopen_since(now: datetime | None) -> datetime:
    """The start of the reopen window (about six months) that ends ``now``."""
    return (now or timezone.now()) - timedelta(days=settings.REOPEN_WINDOW_DAYS)


def _repeat_keys(case, parties) -> tuple[list, list, list]:
    """The addresses (postcode, house number), phone numbers and email addresses of ``case``, sorted."""
    if parties is None:
        parties = list(case.parties.only("postcode", "house_number", "phone", "email"))
    addresses = {(case.postcode, case.house_number)} | {(p.postcode, p.house_number) for p in parties}
    places = sorted((postcode, number) for postcode, number in addresses if postcode and number)
    return places, sorted({p.phone for p in parties if p.phone}), sorted({p.email for p in parties if p.email})


def _repeats(cases: CaseQuerySet, case_pk: int, since: datetime, places, phones, emails) -> CaseQuerySet:
    from .models import OPEN_STATUSES, Party

    place_filters = [Q(postcode=postcode, house_number=number) for postcode, number in places]
    people = place_filters + [Q(phone__in=phones)] * bool(phones) + [Q(email__in=emails)] * bool(emails)
    # The matching cases first (a few, from the address and contact indexes), then their status:
    # filtering the open and recent cases by a match would read all of them (thousands).
    matches = Party.objects.filter(reduce(operator.or_, people)).order_by().values("case_id")
    if place_filters:
        matches = matches.union(cases.model.objects.filter(reduce(operator.or_, place_filters)).order_by().values("pk"))
    return (
        cases.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
        .exclude(pk=case_pk)
        .filter(pk__in=matches)
        .only("code", "number", "status", "received_at", "closed_at")
        .order_by("-received_at", "-pk")
    )


# Compiled once per process for each shape (how many addresses, phone numbers and email addresses),
# up to this many of each; a case with more is searched the ordinary way.
_MOST_REPEAT_KEYS = 4
_precompiled_repeats: dict[tuple[int, int, int], Precompiled] = {}


def possible_repeats(case, *, parties, now: datetime | None = None) -> list:
    """``Case.objects.possible_repeats_of(case, parties=parties, now=now)``, as a list: the case page's."""
    from .models import Case

    places, phones, emails = _repeat_keys(case, parties)
    if not (places or phones or emails):
        return []
    since = _reopen_since(now)
    shape = (len(places), len(phones), len(emails))
    if max(shape) > _MOST_REPEAT_KEYS:
        return list(_repeats(Case.objects.all(), case.pk, since, places, phones, emails))
    query = _precompiled_repeats.get(shape)
    if query is None:
        query = _precompiled_repeats[shape] = Precompiled(_repeats_of_shape(*shape), name=f"repeats {shape}")
    values = {f"phone_{i}": phone for i, phone in enumerate(phones)} | {
        f"email_{i}": email for i, email in enumerate(emails)
    }
    for i, (postcode, number) in enumerate(places):
        values |= {f"postcode_{i}": postcode, f"number_{i}": number}
    return query(case=case.pk, since=since, **values)


def _repeats_of_shape(n_places: int, n_phones: int, n_emails: int):
    def build(case: int, since: datetime, **values) -> CaseQuerySet:
        from .models import Case

        places = [(values[f"postcode_{i}"], values[f"number_{i}"]) for i in range(n_places)]
        phones = [values[f"phone_{i}"] for i in range(n_phones)]
        emails = [values[f"email_{i}"] for i in range(n_emails)]
        return _repeats(Case.objects.all(), case, since, places, phones, emails)

    return build


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
