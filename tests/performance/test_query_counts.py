"""Each page of `make bench` costs the same number of SQL queries at 100 and at 2,000 cases.

Not timed: the latency budgets live in `make bench` (bench/run.py). The pages, users and
requests are bench/pages.py's, so this pins what the benchmark measures. A page that starts
to load something per row (an N+1) shows up as a difference between the two sizes; a page
that gains a constant query changes its pin, on purpose.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from bench.pages import PAGES, count_queries, find_targets

# Queries per page. SQLite has no percentile aggregate: partners.reporting computes the lead-time
# medians from one query per lead time there; on PostgreSQL from one query per window (first
# contact, matched, closed: 3), each read from its covering index.
# The five-working-day share is counted in SQL on PostgreSQL, inside the query of the received
# counts (report and dashboard); on SQLite it is one query of its own. The dashboard computes only
# the lead time it shows (one query on SQLite instead of four) and counts closed and resolved
# cases apart from the received ones, so that each count reads one covering index.
# Every logged-in page loads its user with the user's groups (roles) in one query
# (accounts.backends). Whether the session passed its second step is read from the session, not
# from django-otp's device table (no OTPMiddleware: one query less on every coordinator page). The
# case page includes its access record (one INSERT); on PostgreSQL the case, that INSERT and the reads
# of the parties, timeline, conflict types, duo and possible repeats (all by the case's code; the
# repeats' keys the database reads from the case and its parties: cases.querysets.REPEATS_OF_CASE)
# are one round trip (buurtbemiddeling.together), counted here as the seven statements they are.
# Outside a transaction (under the bench, in production) that round trip carries an eighth,
# set_config('synchronous_commit', 'off', true): its commit does not wait for the disk
# (run_together's durable=False); inside the test's transaction it is left out.
# The triage queue's page carries the queue's length on each row (buurtbemiddeling.pagination): no
# COUNT query of its own.
# The referral POST (12, was 24): the organisations, all kinds of conflict and the postcode's area,
# read ahead by the view in one round trip on PostgreSQL (cases.services.read_ahead_for_referral;
# the form's fields and clean(), the service's membership check and service area guard get their
# answers from it: buurtbemiddeling.request_memo; create_case takes that wijk instead of looking it
# up again), then one statement per table
# written: the case number upsert, the case, its conflict types (INSERT ... SELECT by code instead
# of reading them again), its parties (one bulk INSERT), the event, the notification. The service
# no longer looks for an earlier referral before writing: the unique constraint refuses a second
# one and only then is it looked up (cases.services.intake.submit_referral; the view, too, looks
# for an earlier referral only when the form does not validate), and the service adds
# no transaction of its own around create_case's (one savepoint pair less). The foreign keys,
# uniqueness and constraints of the new rows are left to the database instead of being read back
# first by full_clean (cases.services.lifecycle.create_case). On PostgreSQL the same 12, differently:
# the case's pk is taken from its sequence first, so that every row that refers to the case goes in
# one round trip with it, and the case's own INSERT, last, takes the number in the same statement
# (its row lock is then held for that statement and COMMIT only).
# Mijn zaken: the user, then its cases and the count of proposals in one round trip; outside a
# transaction (under the bench) that round trip carries a fourth statement, set_config of
# plan_cache_mode (run_together's generic_plans=True); inside the test's transaction it is left out.
# These counts are taken inside the test's transaction, where nothing is cached
# (buurtbemiddeling.generation): they are the pages computed afresh. Under the bench, with committed
# data, the report reads its figures from the cache: 3 queries (user with groups, the generation,
# the period form's convenants) instead of 17 (tests/reporting/test_report_cache.py).
# The dashboard's work queue is two statements on PostgreSQL (six queries on SQLite): what depends
# on the data and the date, what depends on the time or on notifications. That first part, the key
# figures, the mediator workload and the filter choices are cached together under the data
# generation; inside a test's transaction there is none, so they are counted here as computed
# (19 -> 16 on PostgreSQL). Served from the cache, the dashboard costs 3: user with groups, the
# generation, the queue's per-request statement.
# Every logged-in page reads its session from the cache (SESSION_ENGINE cached_db), not the database.
COMMON = {"healthz": 0, "triage_queue": 2, "mediator_case_list": 3, "case_page": 8}
PINS = {
    "postgresql": COMMON | {"dashboard": 14, "report_3_years": 17, "referral_post": 12},
    "sqlite": COMMON | {"dashboard": 19, "report_3_years": 19, "referral_post": 12},
}


def page_queries(label: str, sql: dict) -> dict[str, int]:
    targets = find_targets()
    counts = {}
    for page in PAGES:
        sql[page.name] = []
        count, status = count_queries(targets, page, reference=f"PERF-{label}", sql=sql[page.name])
        assert status == page.expected_status, (page.name, status)
        counts[page.name] = count
    return counts


def explain(small_sql: dict, large_sql: dict) -> str:
    """The queries of the pages whose counts differ, to show what grew."""
    lines = []
    for name in small_sql:
        if len(small_sql[name]) != len(large_sql[name]):
            lines += [f"--- {name} at 100 cases", *small_sql[name], f"--- {name} at 2,000 cases", *large_sql[name]]
    return "\n".join(line[:200] for line in lines)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_cases_or_mediators():
    call_command("seed_demo", cases=100, force=True, stdout=StringIO())
    small_sql, large_sql = {}, {}
    small = page_queries("small", small_sql)
    call_command("seed_demo", cases=2000, mediators=30, force=True, stdout=StringIO())
    large = page_queries("large", large_sql)
    assert small == large, explain(small_sql, large_sql)
    assert large == PINS[connection.vendor]
