"""The ranking of candidates, rule by rule: a pure function, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mediators import matching
from mediators.matching import CaseFacts, Exclusion, MediatorFacts, Rule, rank

TODAY = date(2026, 3, 2)  # a Monday
LASONDER, LAARES, ROOMBEEK = 1, 2, 3
EVENINGS = frozenset((day, "evening") for day in range(5))


def mediator(mediator_id: int = 1, **changes) -> MediatorFacts:
    facts = MediatorFacts(
        mediator_id=mediator_id,
        name=f"Bemiddelaar {mediator_id}",
        is_active=True,
        certified_on=date(2020, 5, 1),
        home_neighbourhood_id=ROOMBEEK,
        languages=frozenset({"nl"}),
        max_concurrent_cases=3,
        open_cases=0,
        yearly_target=12,
        cases_this_year=0,
        mediations_total=0,
        weekly_parts=EVENINGS,
        absences=(),
    )
    return replace(facts, **changes)


def case(**changes) -> CaseFacts:
    return replace(CaseFacts(neighbourhood_ids=frozenset({LASONDER, LAARES}), languages=frozenset({"nl"})), **changes)


def reason(candidate: matching.Candidate, rule: Rule) -> matching.Reason:
    return next(r for r in candidate.reasons if r.rule is rule)


def only(ranking: matching.Ranking) -> matching.Candidate:
    (candidate,) = ranking.candidates
    return candidate


# Who may be proposed at all ------------------------------------------------------------------


def test_an_active_certified_mediator_with_room_is_a_candidate():
    ranking = rank(case(), [mediator()], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [1]
    assert ranking.excluded == {}


def test_it_leaves_out_a_mediator_who_is_not_active():
    ranking = rank(case(), [mediator(is_active=False)], today=TODAY)
    assert ranking.candidates == ()
    assert ranking.excluded == {1: Exclusion.NOT_ACTIVE}


@pytest.mark.parametrize("certified_on", [None, TODAY + timedelta(days=1)])
def test_it_leaves_out_a_mediator_without_a_basistraining_certificate(certified_on):
    ranking = rank(case(), [mediator(certified_on=certified_on)], today=TODAY)
    assert ranking.excluded == {1: Exclusion.NOT_CERTIFIED}


@pytest.mark.parametrize("home", [LASONDER, LAARES])
def test_it_never_proposes_a_mediator_living_in_the_neighbourhood_of_the_case_or_a_party(home):
    ranking = rank(case(), [mediator(home_neighbourhood_id=home)], today=TODAY)
    assert ranking.candidates == ()
    assert ranking.excluded == {1: Exclusion.LIVES_IN_NEIGHBOURHOOD}


def test_a_home_postcode_outside_the_service_area_is_no_conflict():
    assert only(rank(case(), [mediator(home_neighbourhood_id=None)], today=TODAY)).mediator_id == 1


def test_it_leaves_out_a_mediator_already_asked_for_this_case():
    ranking = rank(case(asked_mediator_ids=frozenset({1})), [mediator()], today=TODAY)
    assert ranking.excluded == {1: Exclusion.ALREADY_ASKED}


def test_it_leaves_out_a_mediator_at_full_capacity():
    ranking = rank(case(), [mediator(open_cases=3, max_concurrent_cases=3)], today=TODAY)
    assert ranking.excluded == {1: Exclusion.NO_CAPACITY}


def test_it_leaves_out_a_mediator_absent_for_the_whole_two_weeks():
    away = ((TODAY - timedelta(days=3), TODAY + timedelta(days=13)),)
    ranking = rank(case(), [mediator(absences=away)], today=TODAY)
    assert ranking.excluded == {1: Exclusion.NOT_AVAILABLE}


def test_it_leaves_out_a_mediator_whose_weekly_parts_all_fall_in_an_absence():
    # Available on Mondays only; absent on both Mondays of the next two weeks.
    absences = ((TODAY, TODAY), (TODAY + timedelta(days=7), TODAY + timedelta(days=7)))
    facts = mediator(weekly_parts=frozenset({(0, "morning")}), absences=absences)
    assert rank(case(), [facts], today=TODAY).excluded == {1: Exclusion.NOT_AVAILABLE}


def test_a_mediator_without_recorded_availability_is_not_left_out():
    candidate = only(rank(case(), [mediator(weekly_parts=frozenset())], today=TODAY))
    assert reason(candidate, Rule.AVAILABILITY).points == 0
    assert reason(candidate, Rule.AVAILABILITY).detail == {"known": False}


def test_the_excluded_are_counted_per_reason():
    ranking = rank(
        case(),
        [mediator(1, home_neighbourhood_id=LASONDER), mediator(2, home_neighbourhood_id=LAARES), mediator(3)],
        today=TODAY,
    )
    assert ranking.excluded_counts() == {Exclusion.LIVES_IN_NEIGHBOURHOOD: 2}


# How the candidates are ranked ---------------------------------------------------------------


def test_more_capacity_left_ranks_higher():
    ranking = rank(case(), [mediator(1, open_cases=2), mediator(2, open_cases=0)], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1]
    assert reason(ranking.candidates[0], Rule.CAPACITY).detail == {"free": 3, "maximum": 3}
    assert reason(ranking.candidates[1], Rule.CAPACITY).points == matching.POINTS_PER_FREE_PLACE


def test_capacity_counts_at_most_three_free_places():
    candidate = only(rank(case(), [mediator(max_concurrent_cases=8)], today=TODAY))
    assert reason(candidate, Rule.CAPACITY).points == 3 * matching.POINTS_PER_FREE_PLACE


def test_free_parts_of_days_in_the_next_two_weeks_rank_higher():
    one_evening = frozenset({(0, "evening")})
    ranking = rank(case(), [mediator(1, weekly_parts=one_evening), mediator(2)], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1]
    # Five weekday evenings a week, two weeks: ten free parts, all evenings.
    assert reason(ranking.candidates[0], Rule.AVAILABILITY).detail == {"known": True, "parts": 10, "evenings": 10}
    assert reason(ranking.candidates[1], Rule.AVAILABILITY).detail == {"known": True, "parts": 2, "evenings": 2}


def test_an_absence_takes_parts_out_of_the_two_weeks():
    first_week_away = ((TODAY, TODAY + timedelta(days=6)),)
    candidate = only(rank(case(), [mediator(absences=first_week_away)], today=TODAY))
    assert reason(candidate, Rule.AVAILABILITY).detail["parts"] == 5


def test_speaking_a_partys_language_ranks_higher():
    turkish = case(languages=frozenset({"nl", "tr"}))
    ranking = rank(turkish, [mediator(1), mediator(2, languages=frozenset({"nl", "tr"}))], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1]
    assert reason(ranking.candidates[0], Rule.LANGUAGES).detail == {"matched": ["tr"], "missing": []}
    assert reason(ranking.candidates[0], Rule.LANGUAGES).points == matching.POINTS_PER_LANGUAGE
    assert reason(ranking.candidates[1], Rule.LANGUAGES).detail == {"matched": [], "missing": ["tr"]}


def test_dutch_alone_earns_no_language_points():
    candidate = only(rank(case(), [mediator()], today=TODAY))
    assert reason(candidate, Rule.LANGUAGES).points == 0


def test_a_mediator_behind_their_yearly_target_ranks_higher():
    ranking = rank(case(), [mediator(1, cases_this_year=12), mediator(2, cases_this_year=3)], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1]
    assert reason(ranking.candidates[1], Rule.TARGET).points == 0
    assert reason(ranking.candidates[0], Rule.TARGET).detail == {"cases": 3, "target": 12}


@pytest.mark.parametrize(
    ("cases", "points"),
    [(0, matching.MAX_TARGET_POINTS), (6, 8), (12, 0), (24, matching.MIN_TARGET_POINTS), (99, -10)],
)
def test_target_points_are_bounded(cases, points):
    candidate = only(rank(case(), [mediator(cases_this_year=cases)], today=TODAY))
    assert reason(candidate, Rule.TARGET).points == points


def test_a_zero_target_gives_no_target_points():
    candidate = only(rank(case(), [mediator(yearly_target=0)], today=TODAY))
    assert reason(candidate, Rule.TARGET).points == 0


def test_experience_ranks_higher_for_a_new_duo():
    ranking = rank(case(), [mediator(1), mediator(2, mediations_total=matching.EXPERIENCED_AFTER)], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1]
    assert ranking.candidates[0].experienced and not ranking.candidates[1].experienced
    assert reason(ranking.candidates[0], Rule.EXPERIENCE).detail["because"] == ["experienced"]


def test_experience_counts_more_in_a_complex_case():
    veteran = mediator(mediations_total=20)
    plain = reason(only(rank(case(), [veteran], today=TODAY)), Rule.EXPERIENCE)
    complex_ = reason(only(rank(case(is_complex=True), [veteran], today=TODAY)), Rule.EXPERIENCE)
    assert complex_.points == plain.points + matching.POINTS_COMPLEX_CASE
    assert "complex_case" in complex_.detail["because"]


def test_an_experienced_mediator_is_paired_with_a_new_one():
    with_new_partner = case(partner_experienced=False)
    experienced = reason(only(rank(with_new_partner, [mediator(mediations_total=9)], today=TODAY)), Rule.EXPERIENCE)
    assert experienced.points == matching.POINTS_EXPERIENCED + matching.POINTS_PAIRING
    assert experienced.detail["because"] == ["experienced", "pairs_with_new"]


def test_a_new_mediator_learns_next_to_an_experienced_partner():
    with_experienced_partner = case(partner_experienced=True)
    ranking = rank(with_experienced_partner, [mediator(1), mediator(2, mediations_total=9)], today=TODAY)
    new = reason(next(c for c in ranking.candidates if c.mediator_id == 1), Rule.EXPERIENCE)
    assert new.points == matching.POINTS_PAIRING
    assert new.detail["because"] == ["learns_from_experienced"]


def test_a_new_mediator_gets_no_pairing_bonus_in_a_complex_case():
    complex_case = case(partner_experienced=True, is_complex=True)
    assert reason(only(rank(complex_case, [mediator()], today=TODAY)), Rule.EXPERIENCE).points == 0


def test_points_are_the_sum_of_the_reasons_and_every_rule_has_one():
    candidate = only(rank(case(), [mediator(cases_this_year=4, mediations_total=7)], today=TODAY))
    assert [r.rule for r in candidate.reasons] == list(Rule)
    assert candidate.points == sum(r.points for r in candidate.reasons)


def test_ties_are_broken_by_name_then_id():
    ranking = rank(case(), [mediator(3, name="bea"), mediator(2, name="Anna"), mediator(1, name="bea")], today=TODAY)
    assert [c.mediator_id for c in ranking.candidates] == [2, 1, 3]


def test_rank_takes_any_iterable_and_is_repeatable():
    facts = [mediator(1), mediator(2, open_cases=1)]
    assert rank(case(), iter(facts), today=TODAY) == rank(case(), facts, today=TODAY)
