"""The coordinator dashboard's figures and work queue. Each read is one query, whatever the size.

Key figures reuse partners.reporting (same definitions as the convenant report).

What depends only on the data and the date (the key figures, the mediator workload, the work
queue's counts of the day, the filter's choices) is cached under the data generation
(``dashboard_aggregates``), so it is never older than the data. What the work queue counts against
the time of day (meetings that have ended without an outcome) or from a table the generation does
not cover (failed notifications) is counted on every request (``work_queue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet, Value
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import get_language, gettext, ngettext

from buurtbemiddeling import generation
from buurtbemiddeling.models import Notification
from partners.reporting import intake_aggregates, intakes_within_five_working_days, lead_times, period_bounds

from .dashboard_forms import FilterChoices, compute_filter_choices
from .models import OPEN_STATUSES, Agreement, Case, Meeting, Outcome, Status

# Part of the cache keys: bump it when what is cached (KeyFigures, WorkloadRow, the work queue's
# counts) changes shape, so that a new release never reads a value an older one cached under the
# same data generation.
AGGREGATES_VERSION = 1


@dataclass(frozen=True)
class KeyFigures:
    # (status, number) of the open cases, by status value: labels are translated when read, so
    # that one cached value serves every language.
    open_counts: tuple[tuple[str, int], ...]
    received_this_month: int
    received_same_month_last_year: int
    closed_last_12_months: int
    resolved_last_12_months: int
    median_days_to_first_contact: float | None
    intakes_with_contact: int
    intakes_within_deadline: int

    @property
    def open_by_status(self) -> list[tuple[str, int]]:
        """(label, number) of the open cases by status, in the active language."""
        labels = dict(Status.choices)
        return [(str(labels[status]), n) for status, n in self.open_counts]

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved_last_12_months / self.closed_last_12_months if self.closed_last_12_months else None

    @property
    def intake_within_deadline_share(self) -> float | None:
        return self.intakes_within_deadline / self.intakes_with_contact if self.intakes_with_contact else None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def key_figures(*, today: date) -> KeyFigures:
    """Open cases by status; intake this month against the same month last year; the last 12 months'
    resolution rate (over suitable closed cases), median days to first contact, five-working-day share.
    """
    this_month = period_bounds(_month_start(today), _month_end(today))
    last_year_day = today.replace(year=today.year - 1, day=1)
    last_year = period_bounds(_month_start(last_year_day), _month_end(last_year_day))
    year_ago = period_bounds(today - timedelta(days=365), today)
    # Query: open cases by status. COUNT(*), not COUNT(id): PostgreSQL can then answer from the
    # (status, received_at) index alone (index-only scan) instead of reading the table.
    open_counts = tuple(Case.objects.open().order_by().values_list("status").annotate(n=Count("*")).order_by("status"))
    # Query: received this month and the same month last year and, on PostgreSQL, the intakes of
    # the last 12 months: one range of received_at covers the three windows, so PostgreSQL reads
    # them from the covering index on received_at alone (index-only scan).
    received_12_months = Q(received_at__gte=year_ago[0], received_at__lt=year_ago[1])
    postgresql = connection.vendor == "postgresql"
    counts = (
        Case.objects.filter(
            received_at__gte=min(last_year[0], year_ago[0], this_month[0]),
            received_at__lt=max(last_year[1], year_ago[1], this_month[1]),
        )
        .order_by()
        .aggregate(
            this_month=Count("pk", filter=Q(received_at__gte=this_month[0], received_at__lt=this_month[1])),
            last_year=Count("pk", filter=Q(received_at__gte=last_year[0], received_at__lt=last_year[1])),
            **(intake_aggregates(received_12_months) if postgresql else {}),
        )
    )
    # Query: closed and resolved in the last 12 months (index-only on the covering closed_at index).
    closed = (
        Case.objects.filter(status=Status.CLOSED, closed_at__gte=year_ago[0], closed_at__lt=year_ago[1])
        .order_by()
        .aggregate(closed=Count("pk"), resolved=Count("pk", filter=Q(outcome__in=Outcome.resolved())))
    )
    # Query: the median days to first contact (one query; the other lead times are not shown).
    (first_contact,) = lead_times(*year_ago, keys=("received_first_contact",))
    if postgresql:
        with_contact, within = counts["intakes_with_contact"], counts["intakes_within_deadline"]
    else:
        # Query: (received, first contact) pairs of the last 12 months (see partners.reporting).
        with_contact, within = intakes_within_five_working_days(Case.objects.filter(received_12_months).order_by())
    return KeyFigures(
        open_counts=open_counts,
        received_this_month=counts["this_month"],
        received_same_month_last_year=counts["last_year"],
        closed_last_12_months=closed["closed"],
        resolved_last_12_months=closed["resolved"],
        median_days_to_first_contact=first_contact.median_days,
        intakes_with_contact=with_contact,
        intakes_within_deadline=within,
    )


@dataclass(frozen=True)
class WorkQueue:
    new_cases: int
    oldest_new: datetime | None
    waiting_for_duo: int
    oldest_waiting_for_duo: datetime | None
    open_proposals: int
    oldest_proposal: datetime | None
    meetings_this_week: int
    outcomes_not_recorded: int
    oldest_outcome_missing: datetime | None
    follow_ups_due: int
    oldest_follow_up: date | None
    failed_notifications: int


def _one_row(queryset: QuerySet, **aggregates) -> QuerySet:
    """``queryset.aggregate(**aggregates)`` as a queryset not yet run: values() of aggregates over a
    constant, which Django leaves out of GROUP BY, so the query has none and answers one row even
    when no row matches (like aggregate())."""
    return queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(**aggregates).values(*aggregates)


def _one_round_trip(*querysets: QuerySet) -> dict:
    """The one row of each query (see ``_one_row``), merged; their aliases must differ.

    On PostgreSQL in one statement, ``SELECT * FROM (...) AS q0 CROSS JOIN (...) AS q1 ...``: one round
    trip instead of one per query. PostgreSQL returns the same Python values (datetimes, dates,
    integers) to a cursor as to the ORM; SQLite does not (datetimes come back as text), so there
    each query runs on its own.
    """
    if connection.vendor != "postgresql":
        return {alias: value for queryset in querysets for alias, value in queryset.get().items()}
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, query_params = queryset.query.sql_with_params()
        parts.append(f"({sql}) AS q{number}")
        params.extend(query_params)
    with connection.cursor() as cursor:
        # Only SQL the ORM compiled, its parameters passed apart: no input in the statement.
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(parts), params)  # noqa: S608  # nosec B608
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    if len(set(names)) != len(names):  # a repeated alias would silently hide a value
        raise ValueError(f"Repeated column names: {names}")
    return dict(zip(names, row, strict=True))


def _queue_of_the_day(today: date) -> dict:
    """The parts of the work queue that depend only on the data and the date: four one-row
    aggregates, one statement on PostgreSQL."""
    from mediators.models import Assignment

    monday = today - timedelta(days=today.weekday())
    week = period_bounds(monday, monday + timedelta(days=6))
    return _one_round_trip(
        # New cases (the triage queue) and cases waiting for a duo; it counts status (never null)
        # and reads received_at, so that the (status, received_at) index answers alone (index-only
        # scan).
        _one_row(
            Case.objects.filter(status__in=[Status.NEW, Status.MATCHING]),
            new=Count("status", filter=Q(status=Status.NEW)),
            oldest_new=Min("received_at", filter=Q(status=Status.NEW)),
            matching=Count("status", filter=Q(status=Status.MATCHING)),
            oldest_matching=Min("received_at", filter=Q(status=Status.MATCHING)),
        ),
        # Proposals the mediators have not answered yet.
        _one_row(Assignment.objects.open_proposals(), proposals=Count("pk"), oldest_proposal=Min("proposed_at")),
        # Planned meetings this week (from the (status, starts_at) index alone).
        _one_row(
            Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gte=week[0], starts_at__lt=week[1]),
            this_week=Count("*"),
        ),
        # Nazorg due (agreements whose follow-up date has come, without a result).
        _one_row(
            Agreement.objects.filter(follow_up_on__lte=today, follow_up_result="", case__status=Status.FOLLOW_UP),
            follow_ups=Count("pk"),
            oldest_follow_up=Min("follow_up_on"),
        ),
    )


def work_queue(*, now: datetime, of_the_day: dict | None = None) -> WorkQueue:
    """How much waits in each queue and since when, as of ``now``.

    What depends only on the data and the date (new cases, cases waiting for a duo, open
    proposals, meetings this week, follow-ups due) is cached under the data generation and the
    date: a new case or an answered proposal makes a new key at once. What depends on the time of
    day (meetings that have ended without an outcome) and what the generation does not cover
    (failed notifications) is counted on every request, in one statement on PostgreSQL.
    ``of_the_day``: the first part when the caller has it already (``dashboard_aggregates``).
    """
    today = timezone.localdate(now)
    if of_the_day is None:
        of_the_day = generation.cached(
            f"cases:dashboard-queue:v{AGGREGATES_VERSION}:{today.isoformat()}", lambda: _queue_of_the_day(today)
        )
    row = of_the_day | _one_round_trip(
        # Planned meetings on open cases that have ended without an outcome. A meeting that has
        # ended has started: the redundant starts_at bound lets the (status, starts_at) index find
        # the few planned meetings in the past, so that only those are joined to their case.
        _one_row(
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED, starts_at__lt=now, ends_at__lt=now, case__status__in=OPEN_STATUSES
            ),
            missing=Count("*"),
            oldest_missing=Min("starts_at"),
        ),
        # Failed notifications (buurtbemiddeling's own table: not covered by the data generation).
        _one_row(Notification.objects.failed(), failed=Count("*")),
    )
    return WorkQueue(
        new_cases=row["new"],
        oldest_new=row["oldest_new"],
        waiting_for_duo=row["matching"],
        oldest_waiting_for_duo=row["oldest_matching"],
        open_proposals=row["proposals"],
        oldest_proposal=row["oldest_proposal"],
        meetings_this_week=row["this_week"],
        outcomes_not_recorded=row["missing"],
        oldest_outcome_missing=row["oldest_missing"],
        follow_ups_due=row["follow_ups"],
        oldest_follow_up=row["oldest_follow_up"],
        failed_notifications=row["failed"],
    )


WORKLOAD_SIZE = 10


@dataclass(frozen=True)
class ComingAbsence:
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class WorkloadRow:
    """One mediator's line in the workload table: plain values, so that it can be cached (no model
    instance: no password hash, no absence reasons in the cache)."""

    pk: int
    code: str
    name: str
    open_cases: int
    max_concurrent_cases: int
    cases_this_year: int
    yearly_target: int
    availability_parts: int
    coming_absences: tuple[ComingAbsence, ...]

    def __str__(self) -> str:
        return self.name

    # The table's cells in the active language, with the msgids of the pool list's template: one
    # gettext each here instead of a blocktranslate tag per cell, which were most of the cost of the
    # workload table. Numbers localized as a template would.

    @property
    def load_label(self) -> str:
        return gettext("%(load)s of %(maximum)s") % {
            "load": localize(self.open_cases),
            "maximum": localize(self.max_concurrent_cases),
        }

    @property
    def this_year_label(self) -> str:
        return gettext("%(cases)s of %(target)s") % {
            "cases": localize(self.cases_this_year),
            "target": localize(self.yearly_target),
        }

    @property
    def availability_label(self) -> str:
        count = self.availability_parts
        return ngettext("%(count)s part a week", "%(count)s parts a week", count) % {"count": localize(count)}


def mediator_workload(*, today: date, limit: int = WORKLOAD_SIZE) -> list[WorkloadRow]:
    """The busiest active mediators first: open cases against capacity, this year against target,
    weekly availability and coming absences.

    Three queries however many mediators (mediators.querysets.MediatorQuerySet.for_pool): the
    mediators with their counts, their weekly availability, their absences not yet ended. Bounded
    to ``limit`` rows; the pool page lists them all.
    """
    from mediators.models import Mediator

    mediators = (
        Mediator.objects.for_pool(today=today)
        .filter(status=Mediator.Status.ACTIVE)
        .order_by("-open_cases", "user__first_name", "user__last_name", "pk")[:limit]
    )
    return [
        WorkloadRow(
            pk=mediator.pk,
            code=str(mediator.code),
            name=str(mediator),
            open_cases=mediator.open_cases,
            max_concurrent_cases=mediator.max_concurrent_cases,
            cases_this_year=mediator.cases_this_year,
            yearly_target=mediator.yearly_target,
            availability_parts=len(mediator.availability.all()),
            coming_absences=tuple(ComingAbsence(a.starts_on, a.ends_on) for a in mediator.coming_absences),
        )
        for mediator in mediators
    ]


@dataclass(frozen=True)
class DashboardAggregates:
    """What the full dashboard page reads that depends only on the data and the date (and, for the
    filter's labels, the language): one cached value, so one read of the generation and one of
    the cache per page."""

    figures: KeyFigures
    workload: list[WorkloadRow]
    queue_of_the_day: dict
    filter_choices: FilterChoices


def dashboard_aggregates(*, today: date) -> DashboardAggregates:
    """The key figures, the mediator workload, the work queue's counts of ``today`` and the
    filter's choices, cached under the data generation.

    None of them depends on the time of day or on who asks, so the key names the date and the
    language (the filter's labels; the figures' labels are translated when read) and any write to a
    case, mediator, partner or user table makes a new one.
    """
    return generation.cached(
        f"cases:dashboard:v{AGGREGATES_VERSION}:{today.isoformat()}:{get_language()}",
        lambda: DashboardAggregates(
            figures=key_figures(today=today),
            workload=mediator_workload(today=today),
            queue_of_the_day=_queue_of_the_day(today),
            filter_choices=compute_filter_choices(),
        ),
    )
