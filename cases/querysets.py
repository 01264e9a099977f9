"""Reads of cases that repeat. Access scoping lives here and nowhere else."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
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

        return self.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=reopen_since(now)))

    def possible_repeats_of(self, case, *, now: datetime | None = None):
        """Other open or recently closed cases at one of this case's addresses or with one of its people.

        An address is a postcode with a house number: the conflict's and each party's. A person is
        a party's phone number or email address (both stored normalised by the intake forms). The
        database reads them from the case and its parties (_repeat_matches_sql). The case page runs
        the same search as REPEATS_OF_CASE, in the round trip of its other reads.
        """
        return _repeats(self, case.code, reopen_since(now))


def reopen_since(now: datetime | None = None) -> datetime:
    """The start of the reopen window (about six months) that ends ``now``: REPEATS_OF_CASE's ``since``."""
    return (now or timezone.now()) - timedelta(days=settings.REOPEN_WINDOW_DAYS)


def _repeat_matches_sql() -> str:
    """The pks of the cases that share an address, phone number or email address with the case of code %s.

    The keys are the case's and its parties' addresses (a postcode with a house number, both given)
    and its parties' phone numbers and email addresses, read by the database: the search needs no
    parties in hand, and goes in one round trip with the case page's other reads. Each
    branch is a join that an index serves (party_phone_idx, party_email_idx, party_address_idx,
    case_address_idx), with the partial indexes' own conditions, so that one plan serves every case.
    The case's code is its only parameter, six times: the case's pk is looked up by it (one InitPlan
    each), so that the search can go in the round trip that reads the case itself.

    UNION ALL, not UNION: a pk found twice is still one case in ``id = ANY(...)`` or ``IN (...)``, and the
    duplicates' removal cost a hash table sized by the planner's guess of the matches (thousands, for
    one case's handful). PostgreSQL's CPU for the search: 0.13-0.16 ms per case page, not 0.16-0.23.
    """
    from .models import Case, Party

    party, case = (connection.ops.quote_name(model._meta.db_table) for model in (Party, Case))
    pk = f"(SELECT id FROM {case} WHERE code = %s)"  # noqa: S608  # nosec B608 - the model's table name
    addresses = (
        f"SELECT postcode, house_number FROM {party} WHERE case_id = {pk} AND postcode <> '' AND house_number <> '' "  # noqa: S608  # nosec B608 - the models' table names
        f"UNION ALL SELECT postcode, house_number FROM {case} WHERE id = {pk} AND postcode <> '' AND house_number <> ''"
    )
    return (
        f"SELECT other.case_id FROM {party} mine JOIN {party} other ON other.phone = mine.phone "  # noqa: S608  # nosec B608 - the models' table names
        f"WHERE mine.case_id = {pk} AND mine.phone <> '' AND other.phone <> '' "
        f"UNION ALL SELECT other.case_id FROM {party} mine JOIN {party} other ON other.email = mine.email "
        f"WHERE mine.case_id = {pk} AND mine.email <> '' AND other.email <> '' "
        f"UNION ALL SELECT other.case_id FROM ({addresses}) place JOIN {party} other "
        f"ON other.postcode = place.postcode AND other.house_number = place.house_number "
        f"UNION ALL SELECT other.id FROM ({addresses}) place JOIN {case} other "
        f"ON other.postcode = place.postcode AND other.house_number = place.house_number"
    )


def _repeats(cases: CaseQuerySet, code, since: datetime) -> CaseQuerySet:
    from .models import OPEN_STATUSES

    matches = _repeat_matches_sql()
    # The code as the database takes it (a uuid on PostgreSQL, hex on SQLite), as Django's lookups give it.
    params = [cases.model._meta.get_field("code").get_db_prep_value(code, connection)] * 6
    if connection.vendor == "postgresql":
        # The matches first (an InitPlan), then their cases by pk. With "IN (...)" the planner, which
        # cannot know how few matches a case has, hash-joined them to every open case (9 ms, not 0.3).
        among_matches = RawSQL(  # noqa: S611  # nosec B611 - fixed SQL, the code as a parameter
            f"{connection.ops.quote_name(cases.model._meta.db_table)}.id = ANY(ARRAY({matches}))",
            params,
            output_field=models.BooleanField(),
        )
    else:
        among_matches = Q(pk__in=RawSQL(matches, params))  # noqa: S611  # nosec B611 - fixed SQL, the code as a parameter
    return (
        cases.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
        .exclude(code=code)
        .filter(among_matches)
        .only("code", "number", "status", "received_at", "closed_at")
        .order_by("-received_at", "-pk")
    )


def _repeats_of_case(code, since: datetime) -> CaseQuerySet:
    from .models import Case

    return _repeats(Case.objects.all(), code, since)


# Case.objects.possible_repeats_of(case) by the case's code, with since=reopen_since(): compiled once per
# process, for the case page's round trip (buurtbemiddeling.together).
REPEATS_OF_CASE = Precompiled(_repeats_of_case, name="possible repeats of a case")


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
