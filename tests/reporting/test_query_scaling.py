"""The dashboard and the convenant report take the same number of queries at 100 and at 5,000 cases.

The cases are made with bulk_create (no factories, no signals) so that 5,000 of them take a second or
two; statuses, dates, neighbourhoods, organisations, channels, outcomes and conflict types are spread
so that every figure and every queue has data. The pinned numbers are the ones of test_dashboard,
test_convenant_report and test_report_views, where a comment names each query.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Agreement, Case, ConflictType, Meeting, Neighbourhood, Outcome, Party, Status
from mediators.models import Assignment, Mediator
from partners.models import Organisation
from partners.reporting import convenant_report
from tests import factories

from .conftest import local

DASHBOARD_URL = "/zaken/dashboard/"
DASHBOARD_PARAMS = {"stadsdeel": "Oost", "q": "straat"}
REPORT_URL = "/partners/rapportage/"
# Three years, ending in the frozen "today" (15 June 2026).
REPORT_START, REPORT_END = date(2023, 7, 1), date(2026, 6, 30)
REPORT_PARAMS = {"period": "custom", "start": REPORT_START.isoformat(), "end": REPORT_END.isoformat()}

SMALL, LARGE = 100, 5_000
SPAN_MINUTES = (date(2026, 5, 31) - REPORT_START).days * 24 * 60
STATUSES = list(Status)
CHANNELS = ["web_form", "phone", "email", "partner_referral", "walk_in"]
OUTCOMES = [Outcome.RESOLVED_JOINT_MEETING, Outcome.NOT_RESOLVED, Outcome.RESOLVED_AT_INTAKE, Outcome.NO_CONTACT]


def _report_queries() -> int:
    # totals (on PostgreSQL with the five-working-day share); channel; organisation; stadsdeel;
    # wijk; conflict type; outcomes (closed and resolved are their sums); lead times (on
    # PostgreSQL one PERCENTILE_CONT query per window: first contact, matched, closed = 3; on
    # SQLite one ordered duration list per interval = 4); (received, first contact) pairs (SQLite
    # only); pool; recruited; training hours; mediations; months.
    return 15 if connection.vendor == "postgresql" else 17


def _dashboard_expected() -> int:
    # As test_dashboard: user with groups (the session comes from the cache); open by status; counts this month / last
    # year (and on PostgreSQL the 12 months' five-working-day share); closed and resolved; the lead time to first
    # contact; intake pairs (SQLite only); work queue (two statements on PostgreSQL, six queries on SQLite); form:
    # districts, neighbourhoods, organisations, conflict types; results (1); mediator workload (mediators with counts,
    # their availability, their coming absences).
    postgresql = connection.vendor == "postgresql"
    return 1 + 1 + 1 + 1 + 1 + (0 if postgresql else 1) + (2 if postgresql else 6) + 4 + 1 + 3


def _report_page_expected() -> int:
    # As test_report_views: user with groups (the session comes from the cache); the report; the convenant options of
    # the period form.
    return 1 + _report_queries() + 1


def _add_cases(start: int, stop: int) -> None:
    """Cases ``start`` up to ``stop`` (numbers 2026-00000 ...), spread over the three report years."""
    neighbourhoods = [*Neighbourhood.objects.order_by("pk"), None]
    organisations = [*Organisation.objects.order_by("pk"), None]
    conflict_types = list(ConflictType.objects.order_by("pk"))
    made = []
    for i in range(start, stop):
        received = local(2023, 7, 1, 9) + timedelta(minutes=(i * 1_000_003) % SPAN_MINUTES)
        status = STATUSES[i % len(STATUSES)]
        fields = {}
        if status != Status.NEW:
            fields["first_contact_at"] = received + timedelta(days=i % 9)
        if status in (Status.IN_MEDIATION, Status.FOLLOW_UP, Status.CLOSED):
            fields["matched_at"] = received + timedelta(days=10 + i % 5)
        if status in (Status.CLOSED, Status.NOT_SUITABLE):
            fields["closed_at"] = received + timedelta(days=15)
        if status == Status.CLOSED:
            fields["outcome"] = OUTCOMES[i % len(OUTCOMES)]
        if status == Status.NOT_SUITABLE:
            fields["not_suitable_reason"] = "Psychiatrie"
        made.append(
            Case(
                number=f"2026-{i:05d}",
                status=status,
                channel=CHANNELS[i % len(CHANNELS)],
                received_at=received,
                neighbourhood=neighbourhoods[i % len(neighbourhoods)],
                referring_organisation=organisations[i % len(organisations)],
                street="Hengelosestraat",
                house_number=str(i + 1),
                postcode="7521 AA",
                **fields,
            )
        )
    made = Case.objects.bulk_create(made, batch_size=500)
    through = Case.conflict_types.through
    through.objects.bulk_create(
        [
            through(case_id=case.pk, conflicttype_id=conflict_types[index % len(conflict_types)].pk)
            for index, case in enumerate(made)
        ],
        batch_size=500,
    )
    # A few parties with names and addresses, for the search.
    Party.objects.bulk_create(
        Party(case=case, role=Party.Role.A, name=f"Bewoner {case.number}", street="Lasondersingel", city="Enschede")
        for case in made[:: max(1, len(made) // 10)]
    )


@pytest.fixture
def scaled(year_2025):
    """The 2025 fixture (wijken, organisations, conflict types, convenant, mediators) and the work queue."""
    case = factories.CaseFactory(status=Status.MATCHING, received_at=local(2026, 5, 4, 9))
    mediator = Mediator.objects.first()
    factories.AssignmentFactory(
        case=case, mediator=mediator, status=Assignment.Status.PROPOSED, proposed_at=local(2026, 6, 15, 11)
    )
    Meeting.objects.create(case=case, kind="intake_a", starts_at=local(2026, 6, 17, 10), ends_at=local(2026, 6, 17, 11))
    Meeting.objects.create(case=case, kind="intake_b", starts_at=local(2026, 6, 10, 10), ends_at=local(2026, 6, 10, 11))
    follow_up = factories.CaseFactory(status=Status.FOLLOW_UP, received_at=local(2026, 4, 1, 9))
    Agreement.objects.create(case=follow_up, follow_up_on=date(2026, 6, 1), created_at=local(2026, 4, 20, 9))
    _add_cases(0, SMALL)


def _count(request_or_call) -> int:
    with CaptureQueriesContext(connection) as queries:
        request_or_call()
    return len(queries)


def _grow() -> None:
    _add_cases(SMALL, LARGE)
    assert Case.objects.filter(number__regex=r"^2026-\d{5}$").count() == LARGE


def test_the_dashboard_takes_the_same_queries_at_100_and_5000_cases(client, coordinator, scaled):
    client.force_login(coordinator)
    client.get(DASHBOARD_URL)  # the first request after login saves the session: not what is measured

    def dashboard():
        response = client.get(DASHBOARD_URL, DASHBOARD_PARAMS)
        assert response.status_code == 200
        assert response.context["results"]
        figures = response.context["figures"]
        assert figures.open_by_status and figures.closed_last_12_months and figures.intakes_with_contact
        queue = response.context["queue"]
        assert queue.new_cases and queue.waiting_for_duo and queue.open_proposals and queue.follow_ups_due

    at_100 = _count(dashboard)
    _grow()
    at_5000 = _count(dashboard)

    assert at_100 == at_5000 == _dashboard_expected()


def test_the_report_page_takes_the_same_queries_at_100_and_5000_cases(client, coordinator, scaled):
    client.force_login(coordinator)
    client.get(REPORT_URL)  # the first request after login saves the session: not what is measured

    def page():
        response = client.get(REPORT_URL, REPORT_PARAMS)
        assert response.status_code == 200
        report = response.context["report"]
        assert (report.start, report.end) == (REPORT_START, REPORT_END)
        assert report.received >= SMALL

    at_100 = _count(page)
    _grow()
    at_5000 = _count(page)

    assert at_100 == at_5000 == _report_page_expected()


def test_the_convenant_report_takes_the_same_queries_at_100_and_5000_cases(scaled):
    received = []

    def report():
        received.append(convenant_report(start=REPORT_START, end=REPORT_END).received)

    at_100 = _count(report)
    _grow()
    at_5000 = _count(report)

    assert at_100 == at_5000 == _report_queries()
    # The 4,900 cases added all fall in the period.
    assert received[1] - received[0] == LARGE - SMALL
