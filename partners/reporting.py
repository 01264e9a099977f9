"""The convenant report: aggregated, anonymous figures for a period (issue 6).

Every count and rate is computed by the database (aggregate, annotate, values().annotate());
nothing loops over cases in Python, with two documented exceptions:

- Lead-time percentiles on SQLite: SQLite has no percentile function, so there the durations come
  as one ordered ``values_list`` per interval and the median and 90th percentile are interpolated
  exactly as PostgreSQL's ``percentile_cont`` does (linear between the two nearest ranks). On
  PostgreSQL the ``PercentileCont`` aggregate below does it in one query per window (lead_times).
- The share of intakes within five working days on SQLite: working days (buurtbemiddeling.workdays)
  are computed over the ``values_list`` of (received_at, first_contact_at) pairs. Two datetimes per
  case, no personal data. On PostgreSQL the same deadline is computed in SQL, in one aggregate.

Definitions (where the issue left room):

- The period runs from ``start`` 00:00 to the day after ``end`` 00:00, local time
  (Europe/Amsterdam): a case received on 31 December at 23:30 belongs to December.
- Received: ``received_at`` in the period. Zelfmelders are cases without referring organisation.
- Conflict types: a case may have several, so these counts can add up to more than received.
- Past intake: a case received in the period whose status is no longer new, intake or on hold.
  Suitable: past intake and not NOT_SUITABLE (so a case closed at or after intake counts as
  suitable: it was not turned away).
- Closed in the period: status CLOSED and ``closed_at`` in the period. A reopened case has no
  ``closed_at`` (lifecycle clears it) and counts again when it is closed again. NOT_SUITABLE cases
  (which also get a ``closed_at``) are counted separately and never in the resolution rate.
- Resolution rate: closed in the period with an outcome in ``Outcome.resolved()``, over all cases
  closed in the period.
- Lead times, in days, each over the cases whose later moment falls in the period: received to
  first contact (first contact in the period), first contact to matched (matched in the period),
  matched to closed and received to closed (closed in the period, status CLOSED).
- Intake within five working days: cases received in the period with a first contact, the share
  whose first contact was at or before ``intake_deadline(received_at)``.
- Mediator pool: active and certified now (the pool is a state, not a flow); newly recruited:
  accepted volunteer applications whose mediator joined in the period; training hours: the sum of
  training records dated in the period.
- Mediations: accepted or completed assignments on cases closed in the period; the target is
  the active mediators' yearly targets pro-rated to the length of the period.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import translation
from django.utils.translation import gettext as _

from buurtbemiddeling import generation
from buurtbemiddeling.workdays import intake_deadline
from cases.models import Case, Channel, ConflictType, Outcome, Status

PRE_INTAKE = (Status.NEW, Status.INTAKE, Status.WAITING)


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local midnight of ``start`` and of the day after ``end`` (half-open)."""
    zone = _zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """Linear interpolation between the nearest ranks, as PostgreSQL's percentile_cont."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class LeadTime:
    key: str
    label: str
    cases: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class ConvenantReport:
    start: date
    end: date
    received: int
    by_channel: list[Row]
    self_reports: int
    by_organisation: list[Row]
    by_stadsdeel: list[Row]
    by_neighbourhood: list[Row]
    unknown_neighbourhood: int
    by_conflict_type: list[Row]
    past_intake: int
    suitable: int
    not_suitable: int
    closed: int
    outcomes: list[Row]
    resolved: int
    lead_times: list[LeadTime]
    intakes_with_contact: int
    intakes_within_deadline: int
    active_mediators: int
    certified_mediators: int
    recruited_mediators: int
    training_hours: Decimal
    mediations: int
    mediators_with_mediations: int
    target_per_mediator: float
    by_month: list[Row] = field(default_factory=list)

    @property
    def suitable_share(self) -> float | None:
        return _ratio(self.suitable, self.past_intake)

    @property
    def resolution_rate(self) -> float | None:
        return _ratio(self.resolved, self.closed)

    @property
    def intake_within_deadline_share(self) -> float | None:
        return _ratio(self.intakes_within_deadline, self.intakes_with_contact)

    @property
    def mediations_per_active_mediator(self) -> float | None:
        return _ratio(self.mediations, self.active_mediators)


def _rows(pairs, labels: dict | None = None) -> list[Row]:
    return [Row(label=str(labels.get(key, key)) if labels else str(key), count=n) for key, n in pairs]


# (key, label, start field, end field, the field that must fall in the period, closed only)
LEAD_TIMES = (
    ("received_first_contact", "received_at", "first_contact_at", "first_contact_at", False),
    ("first_contact_matched", "first_contact_at", "matched_at", "matched_at", False),
    ("matched_closed", "matched_at", "closed_at", "closed_at", True),
    ("received_closed", "received_at", "closed_at", "closed_at", True),
)


def _lead_time_labels() -> dict[str, str]:
    return {
        "received_first_contact": _("Received to first contact"),
        "first_contact_matched": _("First contact to duo matched"),
        "matched_closed": _("Duo matched to closed"),
        "received_closed": _("Received to closed"),
    }


def _lead_time_filter(begin: str, finish: str, within: str, closed_only: bool, lo: datetime, hi: datetime) -> Q:
    condition = Q(**{f"{begin}__isnull": False, f"{within}__gte": lo, f"{within}__lt": hi})
    if closed_only:
        condition &= Q(status=Status.CLOSED)
    return condition


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86400_000_000  # microseconds


def lead_times(lo: datetime, hi: datetime, *, keys: tuple[str, ...] | None = None) -> list[LeadTime]:
    """Count, median and 90th percentile (days) of each interval whose later moment is in [lo, hi).

    ``keys`` limits them to those lead times (the dashboard shows one): fewer rows to read and sort.
    """
    labels = _lead_time_labels()
    cases = Case.objects.order_by()
    chosen = [lead for lead in LEAD_TIMES if keys is None or lead[0] in keys]
    if connection.vendor == "postgresql":
        # One query per moment that must fall in the period (first contact, matched, closed: the
        # two closed lead times share theirs), each a count, a median and a 90th percentile per
        # lead time, with FILTER. One window per query lets PostgreSQL read it from that moment's
        # covering index alone (index-only scan); one query over the OR of the windows read the
        # whole table instead.
        figures = {}
        for moment in dict.fromkeys(within for _key, _begin, _finish, within, _closed in chosen):
            aggregates = {}
            for key, begin, finish, within, closed_only in chosen:
                if within != moment:
                    continue
                condition = _lead_time_filter(begin, finish, within, closed_only, lo, hi)
                duration = ExpressionWrapper(F(finish) - F(begin), output_field=DurationField())
                aggregates[f"{key}_n"] = Count("pk", filter=condition)
                for name, fraction in (("median", 0.5), ("p90", 0.9)):
                    aggregates[f"{key}_{name}"] = PercentileCont(
                        duration, fraction=fraction, filter=condition, output_field=DurationField()
                    )
            figures |= cases.filter(**{f"{moment}__gte": lo, f"{moment}__lt": hi}).aggregate(**aggregates)
        return [
            LeadTime(
                key=key,
                label=labels[key],
                cases=figures[f"{key}_n"],
                median_days=_days(figures[f"{key}_median"]),
                p90_days=_days(figures[f"{key}_p90"]),
            )
            for key, *_rest in chosen
        ]
    # SQLite: one ordered list of durations per interval (no percentile function in SQLite).
    result = []
    for key, begin, finish, within, closed_only in chosen:
        duration = ExpressionWrapper(F(finish) - F(begin), output_field=DurationField())
        ordered = [
            _days(value)
            for value in cases.filter(_lead_time_filter(begin, finish, within, closed_only, lo, hi))
            .annotate(duration=duration)
            .order_by("duration")
            .values_list("duration", flat=True)
        ]
        result.append(
            LeadTime(
                key=key,
                label=labels[key],
                cases=len(ordered),
                median_days=percentile_cont(ordered, 0.5),
                p90_days=percentile_cont(ordered, 0.9),
            )
        )
    return result


def _intake_deadline_sql() -> RawSQL:
    """buurtbemiddeling.workdays.intake_deadline(received_at) in PostgreSQL.

    Working days are Monday to Friday on the Amsterdam calendar, at the same wall-clock time; a
    case received in the weekend starts counting on Monday 00:00. N working days are N // 5 weeks
    and N % 5 days, plus a weekend when those days run past Friday.
    """
    weeks, days = divmod(settings.INTAKE_DEADLINE_WORKING_DAYS, 5)
    sql = f"""
        (CASE WHEN EXTRACT(ISODOW FROM ("cases_case"."received_at" AT TIME ZONE %s)) <= 5
            THEN ("cases_case"."received_at" AT TIME ZONE %s)
                 + make_interval(days => {weeks * 7 + days}
                   + CASE WHEN EXTRACT(ISODOW FROM ("cases_case"."received_at" AT TIME ZONE %s)) + {days} > 5
                     THEN 2 ELSE 0 END)
            ELSE date_trunc('day', "cases_case"."received_at" AT TIME ZONE %s)
                 + make_interval(days => 8 - EXTRACT(ISODOW FROM ("cases_case"."received_at" AT TIME ZONE %s))::int
                   + {weeks * 7 + days})
        END) AT TIME ZONE %s
    """  # nosec B608 - only integers from settings are formatted in; the zone is a parameter
    return RawSQL(sql, [settings.TIME_ZONE] * 6, output_field=DateTimeField())  # noqa: S611  # nosec B611 - see above


def intake_aggregates(received: Q | None = None) -> dict:
    """PostgreSQL: the two counts of intakes_within_five_working_days, as aggregates that can join
    another aggregate over the same rows (one scan instead of two). ``received``: the condition
    that selects the received cases, when the query reads more rows than those."""
    with_contact = Q(first_contact_at__isnull=False) & (received or Q())
    return {
        "intakes_with_contact": Count("pk", filter=with_contact),
        "intakes_within_deadline": Count("pk", filter=with_contact & Q(first_contact_at__lte=_intake_deadline_sql())),
    }


def intakes_within_five_working_days(received) -> tuple[int, int]:
    """(intakes with a first contact, of which within five working days) among ``received``.

    On PostgreSQL one aggregate, the deadline computed in SQL (_intake_deadline_sql). Elsewhere
    computed over the (received_at, first_contact_at) pairs with buurtbemiddeling.workdays.
    """
    if connection.vendor == "postgresql":
        counts = received.order_by().aggregate(**intake_aggregates())
        return counts["intakes_with_contact"], counts["intakes_within_deadline"]
    total = within = 0
    for received_at, first_contact_at in received.filter(first_contact_at__isnull=False).values_list(
        "received_at", "first_contact_at"
    ):
        total += 1
        within += first_contact_at <= intake_deadline(received_at)
    return total, within


def _months(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


# Bump when the figures' meaning or shape changes, so a deploy never reads a value cached by the
# code before it (the generation only moves with the data).
FIGURES_VERSION = 1


def convenant_report(*, start: date, end: date) -> ConvenantReport:
    """The figures for the period from ``start`` to ``end`` (both inclusive, local dates).

    The figures depend only on the period and the data (not on the time of day nor on who asks:
    the report is the same for every role that may see it), so they are cached under the data
    generation (buurtbemiddeling.generation): a write to any case, mediator or partner table makes
    them unreachable. The cached value holds numbers and the keys of labels only; the labels are
    translated here, in the language of the request.
    """
    figures = generation.cached(
        f"convenant_report:{FIGURES_VERSION}:{start.isoformat()}:{end.isoformat()}",
        lambda: report_figures(start=start, end=end),
    )
    return _report(figures)


def _report(figures: dict) -> ConvenantReport:
    """The report from ``report_figures``, its labels in the active language."""
    channels, outcome_labels, lead_labels = dict(Channel.choices), dict(Outcome.choices), _lead_time_labels()
    english = translation.get_language() == "en"
    return ConvenantReport(
        **{key: value for key, value in figures.items() if key not in _LABELLED},
        by_channel=_rows(figures["by_channel"], channels),
        by_organisation=_rows(figures["by_organisation"]),
        by_stadsdeel=_rows(figures["by_stadsdeel"]),
        by_neighbourhood=_rows(figures["by_neighbourhood"]),
        by_conflict_type=[
            Row(label=(name_en if english and name_en else name), count=n)
            for name, name_en, n in figures["by_conflict_type"]
        ],
        outcomes=_rows(figures["outcomes"], outcome_labels),
        lead_times=[
            LeadTime(key=key, label=lead_labels[key], cases=cases, median_days=median, p90_days=p90)
            for key, cases, median, p90 in figures["lead_times"]
        ],
        by_month=_rows(figures["by_month"]),
    )


# The figures that hold label keys, turned into rows of labels by _report.
_LABELLED = frozenset(
    (
        "by_channel",
        "by_organisation",
        "by_stadsdeel",
        "by_neighbourhood",
        "by_conflict_type",
        "outcomes",
        "lead_times",
        "by_month",
    )
)


def report_figures(*, start: date, end: date) -> dict:
    """The report's figures computed from the database, without the cache: numbers, dates and the
    keys of labels (channel and outcome values, lead-time keys, conflict types' Dutch and English
    names), nothing translated, so one cached value serves every language."""
    from mediators.models import Assignment, Mediator, TrainingRecord, VolunteerApplication

    lo, hi = period_bounds(start, end)
    received = Case.objects.filter(received_at__gte=lo, received_at__lt=hi).order_by()
    closed_in_period = Q(closed_at__gte=lo, closed_at__lt=hi)

    # Query: the headline counts of cases received in the period (on PostgreSQL with the
    # five-working-day share in the same scan). Only the received window: PostgreSQL reads it from
    # the covering index on received_at alone (index-only scan), not from the table.
    totals = received.aggregate(
        received=Count("pk"),
        self_reports=Count("pk", filter=Q(referring_organisation=None)),
        unknown_neighbourhood=Count("pk", filter=Q(neighbourhood=None)),
        past_intake=Count("pk", filter=~Q(status__in=PRE_INTAKE)),
        not_suitable=Count("pk", filter=Q(status=Status.NOT_SUITABLE)),
        **(intake_aggregates() if connection.vendor == "postgresql" else {}),
    )
    # Query: received by channel.
    by_channel = list(received.values_list("channel").annotate(n=Count("pk")).order_by("-n", "channel"))
    # Query: received by referring organisation (zelfmelders are the aggregate above).
    by_organisation = list(
        received.filter(referring_organisation__isnull=False)
        .values_list("referring_organisation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "referring_organisation__name")
    )
    # Query: received by stadsdeel.
    by_stadsdeel = list(
        received.filter(neighbourhood__isnull=False)
        .values_list("neighbourhood__stadsdeel")
        .annotate(n=Count("pk"))
        .order_by("-n", "neighbourhood__stadsdeel")
    )
    # Query: received by neighbourhood.
    by_neighbourhood = list(
        received.filter(neighbourhood__isnull=False)
        .values_list("neighbourhood__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "neighbourhood__name")
    )
    # Query: received by conflict type (a case may have several).
    by_conflict_type = list(
        ConflictType.objects.filter(cases__received_at__gte=lo, cases__received_at__lt=hi)
        .values_list("name", "name_en")
        .annotate(n=Count("cases"))
        .order_by("-n", "position", "name")
    )
    # Query: outcomes of the cases closed in the period. Closed and resolved are their sums (a
    # handful of outcome rows, not cases).
    outcome_counts = list(
        Case.objects.filter(closed_in_period, status=Status.CLOSED)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by("-n", "outcome")
    )
    resolved_outcomes = set(Outcome.resolved())
    closed = sum(n for _outcome, n in outcome_counts)
    resolved = sum(n for outcome, n in outcome_counts if outcome in resolved_outcomes)
    # Three queries (PostgreSQL: one per window) or four (SQLite: one per lead time): lead times.
    lead_times_ = [(lead.key, lead.cases, lead.median_days, lead.p90_days) for lead in lead_times(lo, hi)]
    if connection.vendor == "postgresql":
        intakes_with_contact, intakes_within_deadline = (
            totals["intakes_with_contact"],
            totals["intakes_within_deadline"],
        )
    else:
        # Query: (received, first contact) pairs for the five-working-day share (module docstring).
        intakes_with_contact, intakes_within_deadline = intakes_within_five_working_days(received)
    # Query: the mediator pool now, with the yearly targets of the active ones.
    active = Q(status=Mediator.Status.ACTIVE)
    pool = Mediator.objects.order_by().aggregate(
        active=Count("pk", filter=active),
        certified=Count("pk", filter=active & Q(certified_on__isnull=False)),
        target=Sum("yearly_target", filter=active),
    )
    # Query: newly recruited in the period.
    recruited = VolunteerApplication.objects.filter(
        status=VolunteerApplication.Status.ACCEPTED, mediator__joined_on__gte=start, mediator__joined_on__lte=end
    ).count()
    # Query: training hours in the period.
    hours = TrainingRecord.objects.filter(date__gte=start, date__lte=end).aggregate(total=Sum("hours"))["total"]
    # Query: mediations on cases closed in the period, and by how many mediators.
    mediations = Assignment.objects.filter(
        status__in=Assignment.Status.visible(),
        case__status=Status.CLOSED,
        case__closed_at__gte=lo,
        case__closed_at__lt=hi,
    ).aggregate(n=Count("pk"), mediators=Count("mediator", distinct=True))
    # Query: the monthly trend of cases received.
    per_month = dict(
        received.annotate(month=TruncMonth("received_at", tzinfo=_zone()))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_month = {(m.date() if isinstance(m, datetime) else m): n for m, n in per_month.items()}
    by_month = [(f"{month.year}-{month.month:02d}", per_month.get(month, 0)) for month in _months(start, end)]

    days_in_period = (end - start).days + 1
    year_days = 366 if calendar.isleap(start.year) else 365
    target = pool["target"] or 0
    target_per_mediator = (target / pool["active"] * days_in_period / year_days) if pool["active"] else 0.0

    return {
        "start": start,
        "end": end,
        "received": totals["received"],
        "by_channel": by_channel,
        "self_reports": totals["self_reports"],
        "by_organisation": by_organisation,
        "by_stadsdeel": by_stadsdeel,
        "by_neighbourhood": by_neighbourhood,
        "unknown_neighbourhood": totals["unknown_neighbourhood"],
        "by_conflict_type": by_conflict_type,
        "past_intake": totals["past_intake"],
        "suitable": totals["past_intake"] - totals["not_suitable"],
        "not_suitable": totals["not_suitable"],
        "closed": closed,
        "outcomes": outcome_counts,
        "resolved": resolved,
        "lead_times": lead_times_,
        "intakes_with_contact": intakes_with_contact,
        "intakes_within_deadline": intakes_within_deadline,
        "active_mediators": pool["active"],
        "certified_mediators": pool["certified"],
        "recruited_mediators": recruited,
        "training_hours": hours or Decimal("0"),
        "mediations": mediations["n"],
        "mediators_with_mediations": mediations["mediators"],
        "target_per_mediator": round(target_per_mediator, 1),
        "by_month": by_month,
    }
