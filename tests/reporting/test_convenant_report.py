"""Every figure of the convenant report against the hand-computed values of the 2025 fixture."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from partners.reporting import Row, convenant_report, percentile_cont
from tests import factories

from .conftest import local


@pytest.fixture
def report(year_2025):
    with translation.override("en"):
        return convenant_report(start=date(2025, 1, 1), end=date(2025, 12, 31))


def rows(items):
    return [(row.label, row.count) for row in items]


def test_it_counts_cases_received_in_the_local_period(report):
    # The case of 31 Dec 23:30 local is in; the one of 1 Jan 00:30 local (31 Dec UTC) is not.
    assert report.received == 7
    assert rows(report.by_month) == [
        ("2025-01", 1),
        ("2025-02", 1),
        ("2025-03", 1),
        ("2025-04", 0),
        ("2025-05", 1),
        ("2025-06", 1),
        ("2025-07", 1),
        ("2025-08", 0),
        ("2025-09", 0),
        ("2025-10", 0),
        ("2025-11", 0),
        ("2025-12", 1),
    ]


def test_it_counts_received_by_channel_and_referrer(report):
    assert rows(report.by_channel) == [("Web form", 3), ("Partner referral", 2), ("Email", 1), ("Phone", 1)]
    assert report.self_reports == 4
    assert rows(report.by_organisation) == [("Ons Huis", 2), ("Domijn", 1)]


def test_it_counts_received_by_place_and_conflict_type(report):
    assert rows(report.by_stadsdeel) == [("Oost", 4), ("Noord", 2)]
    assert rows(report.by_neighbourhood) == [("Boswinkel", 2), ("Deppenbroek", 2), ("Velve-Lindenhof", 2)]
    assert report.unknown_neighbourhood == 1
    assert rows(report.by_conflict_type) == [("Noise", 3), ("Parking", 2)]


def test_it_computes_suitability_over_cases_past_intake(report):
    # Past intake: closed (3), not suitable (1), reopened in mediation (1); not NEW or WAITING.
    assert (report.past_intake, report.suitable, report.not_suitable) == (5, 4, 1)
    assert report.suitable_share == pytest.approx(0.8)


def test_it_excludes_not_suitable_and_reopened_cases_from_the_resolution_rate(report):
    # Closed in 2025: c1, c2, c4 and c8 (received in 2024); not the not-suitable c3, not the reopened c5.
    assert report.closed == 4
    assert report.resolved == 3
    assert report.resolution_rate == pytest.approx(0.75)
    assert sorted(rows(report.outcomes)) == [
        ("Not resolved", 1),
        ("Resolved at intake (advice)", 1),
        ("Resolved in a joint meeting", 1),
        ("Resolved through separate talks", 1),
    ]


def test_it_computes_lead_time_medians_and_90th_percentiles(report):
    figures = {lead.key: (lead.cases, lead.median_days, lead.p90_days) for lead in report.lead_times}
    # [1, 1, 2, 4, 9, 10] days; c8's first contact was in 2024.
    assert figures["received_first_contact"] == (6, pytest.approx(3.0), pytest.approx(9.5))
    # [5, 7, 10, 12]
    assert figures["first_contact_matched"] == (4, pytest.approx(8.5), pytest.approx(11.4))
    # [13, 39, 40]: c4 was closed at intake and never matched.
    assert figures["matched_closed"] == (3, pytest.approx(39.0), pytest.approx(39.8))
    # [15, 26, 53, 54]
    assert figures["received_closed"] == (4, pytest.approx(39.5), pytest.approx(53.7))


def test_it_counts_intakes_within_five_working_days(report):
    assert (report.intakes_within_deadline, report.intakes_with_contact) == (4, 6)


def test_it_reports_the_mediator_pool_and_mediations(report):
    assert (report.active_mediators, report.certified_mediators) == (3, 2)
    assert report.recruited_mediators == 1
    assert report.training_hours == Decimal("5.5")
    # c1: two completed, c2: one completed (the declined co does not count), c8: one accepted.
    assert (report.mediations, report.mediators_with_mediations) == (4, 2)
    assert report.mediations_per_active_mediator == pytest.approx(4 / 3)
    assert report.target_per_mediator == 12.0


def test_the_december_case_belongs_to_december(year_2025):
    december = convenant_report(start=date(2025, 12, 1), end=date(2025, 12, 31))
    january = convenant_report(start=date(2026, 1, 1), end=date(2026, 1, 31))

    assert (december.received, rows(december.by_month)) == (1, [("2025-12", 1)])
    assert (january.received, rows(january.by_month)) == (1, [("2026-01", 1)])


def test_an_empty_period_has_no_rates(db):
    report = convenant_report(start=date(2030, 1, 1), end=date(2030, 1, 31))

    assert report.received == 0
    assert report.resolution_rate is None
    assert report.suitable_share is None
    assert all(lead.median_days is None for lead in report.lead_times)
    assert report.by_month == [Row(label="2030-01", count=0)]


def test_percentile_cont_interpolates_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([4.0], 0.9) == 4.0
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile_cont([13.0, 39.0, 40.0], 0.9) == pytest.approx(39.8)


def _more_cases(count):
    for _index in range(count):
        factories.CaseFactory(
            channel="web_form",
            received_at=local(2025, 8, 4, 9),
            first_contact_at=local(2025, 8, 5, 9),
            matched_at=local(2025, 8, 11, 9),
            closed_at=local(2025, 9, 1, 9),
            status="closed",
            outcome="resolved_joint_meeting",
        )


def _report_queries():
    with CaptureQueriesContext(connection) as queries:
        convenant_report(start=date(2025, 1, 1), end=date(2025, 12, 31))
    return len(queries)


def test_the_report_takes_a_constant_number_of_queries(year_2025):
    # totals (on PostgreSQL with the five-working-day share); channel; organisation; stadsdeel;
    # wijk; conflict type; outcomes (closed and resolved are their sums); lead times (on
    # PostgreSQL one PERCENTILE_CONT query per window: first contact, matched, closed = 3; on
    # SQLite one ordered duration list per interval = 4); (received, first contact) pairs (SQLite
    # only); pool; recruited; training hours; mediations; months.
    expected = 15 if connection.vendor == "postgresql" else 17
    _more_cases(1)
    assert _report_queries() == expected
    _more_cases(50)
    assert _report_queries() == expected
