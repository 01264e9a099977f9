"""Duo matching: which volunteers to propose for a case, ranked, each with the reasons for its rank.

``rank`` is a pure function: plain dataclasses in, ranked candidates with reasons out, no
database inside, so that every rule is tested on its own (tests/coordination/test_matching.py)
and a coordinator can read why a mediator is where they are. ``mediators.selectors`` builds the
input from the database with a constant number of queries.

The rules (DESIGN.md, "Matching suggestions"):

Left out, never proposed:
- not active, or not certified (no basistraining date);
- living in the neighbourhood of the case or of any party (conflict of interest);
- already asked for this case (a mediator is on a case at most once);
- no capacity left;
- not available at all in the next two weeks (absent, or no free part of a day).

Ranked by points, each with its reason:
- capacity left (more room, more points);
- free parts of days in the next two weeks;
- the parties' languages that the mediator speaks (besides Dutch);
- cases this year against the yearly target (behind target, more points);
- experience: an experienced mediator leads, is paired with a new one, and takes complex cases;
  a new mediator learns next to an experienced one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# The next two weeks, today included.
HORIZON_DAYS = 14
# Mediations (accepted or completed assignments) after which a mediator counts as experienced.
EXPERIENCED_AFTER = 5
DUTCH = "nl"

# Points per rule; the reasons say how many each rule gave.
POINTS_PER_FREE_PLACE = 10
MAX_FREE_PLACES_COUNTED = 3
POINTS_PER_FREE_PART = 2
MAX_FREE_PARTS_COUNTED = 10
POINTS_PER_LANGUAGE = 15
MAX_TARGET_POINTS = 15
MIN_TARGET_POINTS = -10
POINTS_EXPERIENCED = 10
POINTS_COMPLEX_CASE = 10
POINTS_PAIRING = 10


class Exclusion(enum.Enum):
    NOT_ACTIVE = "not_active"
    NOT_CERTIFIED = "not_certified"
    LIVES_IN_NEIGHBOURHOOD = "lives_in_neighbourhood"
    ALREADY_ASKED = "already_asked"
    NO_CAPACITY = "no_capacity"
    NOT_AVAILABLE = "not_available"


class Rule(enum.Enum):
    CAPACITY = "capacity"
    AVAILABILITY = "availability"
    LANGUAGES = "languages"
    TARGET = "target"
    EXPERIENCE = "experience"


@dataclass(frozen=True)
class MediatorFacts:
    """What matching needs to know of one mediator; no contact details."""

    mediator_id: int
    name: str
    is_active: bool
    certified_on: date | None
    # The neighbourhood their home postcode lies in; None when the postcode is not in the service area.
    home_neighbourhood_id: int | None
    languages: frozenset[str]
    max_concurrent_cases: int
    # Proposed or accepted assignments on open cases.
    open_cases: int
    yearly_target: int
    # Cases taken on (accepted) since 1 January.
    cases_this_year: int
    # Cases taken on ever (accepted or completed).
    mediations_total: int
    # Weekly availability: (weekday 0=Monday..6, part "morning" | "afternoon" | "evening").
    weekly_parts: frozenset[tuple[int, str]] = frozenset()
    # Absences as (first day, last day), both inclusive.
    absences: tuple[tuple[date, date], ...] = ()

    @property
    def experienced(self) -> bool:
        return self.mediations_total >= EXPERIENCED_AFTER


@dataclass(frozen=True)
class CaseFacts:
    """What matching needs to know of the case; nothing that identifies a party."""

    # The case's neighbourhood and each party's, where known.
    neighbourhood_ids: frozenset[int]
    # The parties' preferred languages.
    languages: frozenset[str]
    is_complex: bool = False
    # Everyone ever asked for this case (any status): never asked twice.
    asked_mediator_ids: frozenset[int] = frozenset()
    # Experience of the mediator already proposed or accepted, when one slot is taken.
    partner_experienced: bool | None = None


@dataclass(frozen=True)
class Reason:
    rule: Rule
    points: int
    # Rule-specific numbers and codes for the sentence shown to the coordinator (see reason_text).
    detail: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Candidate:
    mediator_id: int
    name: str
    points: int
    reasons: tuple[Reason, ...]
    experienced: bool


@dataclass(frozen=True)
class Ranking:
    candidates: tuple[Candidate, ...]
    # Who was left out and why; shown to the coordinator as counts per reason, never by name.
    excluded: dict[int, Exclusion]

    def excluded_counts(self) -> dict[Exclusion, int]:
        counts: dict[Exclusion, int] = {}
        for exclusion in self.excluded.values():
            counts[exclusion] = counts.get(exclusion, 0) + 1
        return counts


def horizon(today: date) -> list[date]:
    return [today + timedelta(days=offset) for offset in range(HORIZON_DAYS)]


def is_absent(facts: MediatorFacts, day: date) -> bool:
    return any(first <= day <= last for first, last in facts.absences)


def free_parts(facts: MediatorFacts, today: date) -> list[tuple[date, str]]:
    """The parts of days in the next two weeks the mediator is available and not absent."""
    return [
        (day, part)
        for day in horizon(today)
        if not is_absent(facts, day)
        for weekday, part in sorted(facts.weekly_parts)
        if weekday == day.weekday()
    ]


def exclusion(facts: MediatorFacts, case: CaseFacts, today: date) -> Exclusion | None:
    """Why this mediator may not be proposed for this case, or None when they may."""
    if not facts.is_active:
        return Exclusion.NOT_ACTIVE
    if facts.certified_on is None or facts.certified_on > today:
        return Exclusion.NOT_CERTIFIED
    if facts.home_neighbourhood_id is not None and facts.home_neighbourhood_id in case.neighbourhood_ids:
        return Exclusion.LIVES_IN_NEIGHBOURHOOD
    if facts.mediator_id in case.asked_mediator_ids:
        return Exclusion.ALREADY_ASKED
    if facts.open_cases >= facts.max_concurrent_cases:
        return Exclusion.NO_CAPACITY
    if all(is_absent(facts, day) for day in horizon(today)):
        return Exclusion.NOT_AVAILABLE
    # No weekly availability recorded is "unknown", not "never": only recorded parts can run out.
    if facts.weekly_parts and not free_parts(facts, today):
        return Exclusion.NOT_AVAILABLE
    return None


def capacity_reason(facts: MediatorFacts) -> Reason:
    free = facts.max_concurrent_cases - facts.open_cases
    return Reason(
        Rule.CAPACITY,
        min(free, MAX_FREE_PLACES_COUNTED) * POINTS_PER_FREE_PLACE,
        {"free": free, "maximum": facts.max_concurrent_cases},
    )


def availability_reason(facts: MediatorFacts, today: date) -> Reason:
    if not facts.weekly_parts:
        return Reason(Rule.AVAILABILITY, 0, {"known": False})
    parts = free_parts(facts, today)
    evenings = sum(1 for _day, part in parts if part == "evening")
    return Reason(
        Rule.AVAILABILITY,
        min(len(parts), MAX_FREE_PARTS_COUNTED) * POINTS_PER_FREE_PART,
        {"known": True, "parts": len(parts), "evenings": evenings},
    )


def language_reason(facts: MediatorFacts, case: CaseFacts) -> Reason:
    # Dutch is the working language of every mediator: it earns nothing extra.
    wanted = case.languages - {DUTCH}
    matched = sorted(wanted & facts.languages)
    missing = sorted(wanted - facts.languages)
    return Reason(Rule.LANGUAGES, len(matched) * POINTS_PER_LANGUAGE, {"matched": matched, "missing": missing})


def target_reason(facts: MediatorFacts) -> Reason:
    if facts.yearly_target <= 0:
        points = 0
    else:
        share_done = facts.cases_this_year / facts.yearly_target
        points = max(MIN_TARGET_POINTS, min(MAX_TARGET_POINTS, round(MAX_TARGET_POINTS * (1 - share_done))))
    return Reason(Rule.TARGET, points, {"cases": facts.cases_this_year, "target": facts.yearly_target})


def experience_reason(facts: MediatorFacts, case: CaseFacts) -> Reason:
    points = 0
    because: list[str] = []
    if facts.experienced:
        points += POINTS_EXPERIENCED
        because.append("experienced")
        if case.is_complex:
            points += POINTS_COMPLEX_CASE
            because.append("complex_case")
        if case.partner_experienced is False:
            points += POINTS_PAIRING
            because.append("pairs_with_new")
    elif case.partner_experienced is True and not case.is_complex:
        points += POINTS_PAIRING
        because.append("learns_from_experienced")
    return Reason(
        Rule.EXPERIENCE,
        points,
        {"mediations": facts.mediations_total, "experienced": facts.experienced, "because": because},
    )


def reasons_for(facts: MediatorFacts, case: CaseFacts, today: date) -> tuple[Reason, ...]:
    return (
        capacity_reason(facts),
        availability_reason(facts, today),
        language_reason(facts, case),
        target_reason(facts),
        experience_reason(facts, case),
    )


def rank(case: CaseFacts, mediators: Iterable[MediatorFacts], *, today: date) -> Ranking:
    """The mediators who may be proposed for ``case``, best first, and who was left out why.

    Ties are broken by name, then id, so that the order is stable from one page view to the next.
    """
    candidates: list[Candidate] = []
    excluded: dict[int, Exclusion] = {}
    for facts in mediators:
        why_not = exclusion(facts, case, today)
        if why_not is not None:
            excluded[facts.mediator_id] = why_not
            continue
        reasons = reasons_for(facts, case, today)
        candidates.append(
            Candidate(
                mediator_id=facts.mediator_id,
                name=facts.name,
                points=sum(reason.points for reason in reasons),
                reasons=reasons,
                experienced=facts.experienced,
            )
        )
    candidates.sort(key=lambda c: (-c.points, c.name.casefold(), c.mediator_id))
    return Ranking(candidates=tuple(candidates), excluded=excluded)
