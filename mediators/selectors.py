"""Reads that build what pages and matching need, with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from buurtbemiddeling.precompiled import Precompiled
from cases.models import Case, Language, PostcodeArea, Status

from . import matching
from .models import Absence, Assignment, Availability, Mediator


def postcode_digits(postcode: str) -> str:
    """The four digits of a Dutch postcode ("7511 AB" → "7511"); "" when there are none."""
    digits = postcode.replace(" ", "")[:4]
    return digits if len(digits) == 4 and digits.isdigit() else ""


def mediator_facts(mediator: Mediator, *, neighbourhood_of: dict[str, int]) -> matching.MediatorFacts:
    """``mediator`` must carry with_load()'s counts and prefetched availability and absences."""
    return matching.MediatorFacts(
        mediator_id=mediator.pk,
        name=str(mediator),
        is_active=mediator.status == Mediator.Status.ACTIVE,
        certified_on=mediator.certified_on,
        home_neighbourhood_id=neighbourhood_of.get(postcode_digits(mediator.home_postcode)),
        languages=frozenset(mediator.languages or ()),
        max_concurrent_cases=mediator.max_concurrent_cases,
        open_cases=mediator.open_cases,
        yearly_target=mediator.yearly_target,
        cases_this_year=mediator.cases_this_year,
        mediations_total=mediator.mediations_total,
        weekly_parts=frozenset((slot.weekday, slot.part) for slot in mediator.availability.all()),
        absences=tuple((absence.starts_on, absence.ends_on) for absence in mediator.horizon_absences),
    )


@dataclass(frozen=True)
class MatchingInput:
    case: matching.CaseFacts
    mediators: tuple[matching.MediatorFacts, ...]
    # The case's active assignments (proposed or accepted), by role.
    active: dict[str, Assignment]
    # Every assignment the case ever had, declined and withdrawn included, oldest first.
    asked: tuple[Assignment, ...] = ()
    # The mediators' codes, for links to their pages.
    codes: dict[int, object] = field(default_factory=dict)


def matching_input(case: Case, *, today: date) -> MatchingInput:
    """Everything ``matching.rank`` needs for ``case``, in six queries however many mediators.

    1. the parties' postcodes and languages; 2. everyone ever asked for the case;
    3. the proposable mediators (and the current duo) with their counts; 4. their weekly
    availability; 5. their absences in the next two weeks; 6. the neighbourhoods of all postcodes.
    """
    parties = list(case.parties.order_by("pk").only("case_id", "postcode", "preferred_language"))
    asked = list(case.assignments.select_related("mediator__user").order_by("proposed_at", "pk"))
    active = {a.role: a for a in asked if a.status in Assignment.Status.active()}
    last_day = today + timedelta(days=matching.HORIZON_DAYS - 1)
    loaded = list(
        # The current duo too, even when no longer proposable: their experience counts for pairing.
        Mediator.objects.filter(
            Q(status=Mediator.Status.ACTIVE, certified_on__isnull=False)
            | Q(pk__in=[a.mediator_id for a in active.values()])
        )
        .select_related("user")
        .with_load(today=today)
        .prefetch_related(
            Prefetch("availability", queryset=Availability.objects.only("mediator_id", "weekday", "part")),
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(starts_on__lte=last_day, ends_on__gte=today),
                to_attr="horizon_absences",
            ),
        )
    )
    digits = {postcode_digits(p.postcode) for p in parties} | {postcode_digits(m.home_postcode) for m in loaded}
    neighbourhood_of = dict(
        PostcodeArea.objects.filter(digits__in=digits - {""}).values_list("digits", "neighbourhood_id")
    )
    party_neighbourhoods = {neighbourhood_of.get(postcode_digits(p.postcode)) for p in parties}
    facts = {m.pk: mediator_facts(m, neighbourhood_of=neighbourhood_of) for m in loaded}
    partners = [facts[a.mediator_id] for a in active.values() if a.mediator_id in facts]
    case_facts = matching.CaseFacts(
        neighbourhood_ids=frozenset(({case.neighbourhood_id} | party_neighbourhoods) - {None}),
        languages=frozenset(p.preferred_language for p in parties if p.preferred_language),
        is_complex=case.flag_psychosocial or case.flag_threat,
        asked_mediator_ids=frozenset(a.mediator_id for a in asked),
        # With both slots open there is no partner yet; with one taken, that one is the partner.
        partner_experienced=partners[0].experienced if len(partners) == 1 else None,
    )
    return MatchingInput(
        case=case_facts,
        mediators=tuple(facts.values()),
        active=active,
        asked=tuple(asked),
        codes={m.pk: m.code for m in loaded},
    )


def language_label(code: str) -> str:
    return str(dict(Language.choices).get(code, code))


@dataclass(frozen=True)
class AnonymousSummary:
    """What a proposed mediator sees before accepting: enough to spot a conflict of interest."""

    number: str
    neighbourhood: str
    district: str
    conflict_types: tuple[str, ...]
    languages: tuple[str, ...]
    interpreter_needed: bool
    flag_psychosocial: bool
    flag_language_barrier: bool
    flag_threat: bool


def anonymous_summary(assignment: Assignment) -> AnonymousSummary:
    """``assignment`` must come from Assignment.objects.with_anonymous_summary()."""
    case = assignment.case
    parties = case.party_languages
    return AnonymousSummary(
        number=case.number,
        neighbourhood=case.neighbourhood.name if case.neighbourhood else "",
        district=case.neighbourhood.stadsdeel if case.neighbourhood else "",
        conflict_types=tuple(str(conflict_type) for conflict_type in case.conflict_types.all()),
        languages=tuple(sorted({language_label(p.preferred_language) for p in parties if p.preferred_language})),
        interpreter_needed=any(p.interpreter_needed for p in parties),
        flag_psychosocial=case.flag_psychosocial,
        flag_language_barrier=case.flag_language_barrier,
        flag_threat=case.flag_threat,
    )


def matching_queue():
    """Cases in MATCHING, oldest first, with how many mediators are proposed and accepted.

    The coordinator's list of cases waiting for a duo: one query (counts are subqueries).
    """

    def count(status: str):
        rows = (
            Assignment.objects.filter(case=OuterRef("pk"), status=status)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    return (
        Case.objects.filter(status=Status.MATCHING)
        .select_related("neighbourhood")
        .only(
            "code",
            "number",
            "status",
            "received_at",
            "flag_psychosocial",
            "flag_language_barrier",
            "flag_threat",
            "neighbourhood__name",
            "neighbourhood__stadsdeel",
        )
        .annotate(
            proposed_count=count(Assignment.Status.PROPOSED),
            accepted_count=count(Assignment.Status.ACCEPTED),
        )
        .order_by("received_at", "pk")
    )


# The duo on a coordinator's case page, and the open-proposal count on a mediator's home page:
# both read with those pages' other queries (buurtbemiddeling.together).


def _duo(code):
    """The active assignments of the case with ``code`` (by code: it goes in the round trip that reads the case)."""
    # Ordered by role only: the default ordering (case, role) would sort by the case's columns too.
    return (
        Assignment.objects.filter(case__code=code, status__in=Assignment.Status.active())
        .select_related("mediator__user")
        # What _matching.html shows (the mediator's name: Mediator.__str__): not the users' passwords and the rest.
        .only(
            "role",
            "status",
            "case_id",
            "mediator__user__first_name",
            "mediator__user__last_name",
            "mediator__user__username",
        )
        .order_by("role")
    )


# On every coordinator's case page: compiled once per process (buurtbemiddeling.precompiled).
DUO = Precompiled(_duo, name="a case's duo")


def lead_first(assignments: list[Assignment]) -> list[Assignment]:
    return sorted(assignments, key=lambda assignment: assignment.role != Assignment.Role.LEAD)


def _open_proposal_count(mediator: int):
    # COUNT(*) as a plain function, so one row without a GROUP BY: what .count() asks, as a queryset.
    count = Func(template="COUNT(*)", output_field=IntegerField())
    return (
        Assignment.objects.filter(mediator_id=mediator)
        .open_proposals()
        .order_by()
        .annotate(n=count)
        .values_list("n", flat=True)
    )


# On every visit of a mediator's home page: compiled once per process (buurtbemiddeling.precompiled).
OPEN_PROPOSAL_COUNT = Precompiled(_open_proposal_count, name="open proposal count")
