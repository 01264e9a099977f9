from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.services import Action, access_record, access_record_of_case_code
from buurtbemiddeling import workdays
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.listformats import ListDates, choice_labels, url_maker
from buurtbemiddeling.models import Notification
from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.roles import Role, is_coordinator
from buurtbemiddeling.together import Insert, Query, run_together
from mediators.selectors import DUO, lead_first

from ..access import ANY_CASE, get_case_for_user
from ..forms import CloseForm, ContactAttemptForm, HoldForm, NotSuitableForm, TriageTextForm
from ..models import TRANSITIONS, Case, CaseEvent, Channel, ConflictType, Language, Outcome, Party, Status
from ..querysets import REPEATS_OF_CASE, reopen_since, sees_every_case
from ..templatetags.action_forms import EmptyActionForm

HOME_QUEUE_SIZE = 10


def with_intake_deadlines(cases, *, now=None) -> list[dict]:
    """The rows of the triage table (cases/_triage_table.html): Case.objects.for_triage() dicts, completed.

    Adds ``deadline`` and ``overdue``: five working days after receipt (DESIGN.md). Also the links,
    channel and date strings the table shows, made here rather than by ``{% url %}``, get_..._display and
    ``|date`` in the template, which cost more than the rest of the page (buurtbemiddeling.listformats).
    """
    now = now or timezone.now()
    rows = list(cases)
    detail_url = url_maker("cases:detail", "code")
    start_intake_url = url_maker("cases:start_intake", "code")
    dates = ListDates()
    channels = choice_labels(Channel)
    for row in rows:
        received_at = row["received_at"]
        deadline = workdays.intake_deadline(received_at)
        row |= {
            "deadline": deadline,
            "overdue": deadline <= now,
            "detail_url": detail_url(row["code"]),
            "start_intake_url": start_intake_url(row["code"]),
            "channel_label": channels.get(row["channel"], row["channel"]),
            "received_iso": dates.iso(received_at),
            "received_display": dates.format(received_at, "SHORT_DATETIME_FORMAT"),
            "deadline_iso": dates.iso(deadline),
            "deadline_display": dates.weekday_and_day(deadline, with_time=True),
        }
    return rows


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def coordinator_home(request: HttpRequest) -> HttpResponse:
    queue = Case.objects.for_triage()
    return render(
        request,
        "cases/coordinator_home.html",
        {
            "queue": with_intake_deadlines(queue[:HOME_QUEUE_SIZE]),
            "queue_total": queue.count(),
            "failed_notifications": Notification.objects.failed().count(),
        },
    )


# The forms on a coordinator's case page, each with its own id prefix: several have a "text".
ACTION_FORMS = {
    "start_intake_form": (TriageTextForm, "id_start_%s"),
    "hold_form": (HoldForm, "id_hold_%s"),
    "not_suitable_form": (NotSuitableForm, "id_not_suitable_%s"),
    "close_form": (CloseForm, "id_close_%s"),
    "contact_form": (ContactAttemptForm, "id_contact_%s"),
}


def action_form(name: str, data=None):
    form_class, auto_id = ACTION_FORMS[name]
    return form_class(data, auto_id=auto_id)


def triage_actions(case: Case) -> dict[str, bool]:
    """Which triage actions the status machine allows for ``case`` now."""
    allowed = TRANSITIONS.get(case.status, frozenset())
    return {
        "start_intake": Status.INTAKE in allowed and case.status in (Status.NEW, Status.WAITING),
        "hold": Status.WAITING in allowed,
        "not_suitable": Status.NOT_SUITABLE in allowed,
        "close": Status.CLOSED in allowed,
    }


# The case page's reads take the case's code, not its pk: on a coordinator's case page they go in the
# round trip that reads the case itself (case_detail).


def _case_events(code):
    # Of the actor only the name the timeline shows (as get_full_name|default:get_username), not the whole user row.
    return (
        CaseEvent.objects.filter(case__code=code)
        .select_related("actor")
        .only(
            *(f.name for f in CaseEvent._meta.concrete_fields),
            "actor__first_name",
            "actor__last_name",
            "actor__username",
        )
        .order_by("created_at", "pk")
    )


def _case_parties(code):
    # Ordered here: the default ordering (case, role, pk) would sort by the case's columns too.
    return Party.objects.filter(case__code=code).select_related("landlord").order_by("role", "pk")


def _case_conflict_types(code):
    return ConflictType.objects.filter(cases__code=code).order_by(*ConflictType._meta.ordering)


# The case page's own queries, compiled once per process (buurtbemiddeling.precompiled).
CASE_EVENTS = Precompiled(_case_events, name="a case's timeline")
CASE_PARTIES = Precompiled(_case_parties, name="a case's parties")
CASE_CONFLICT_TYPES = Precompiled(_case_conflict_types, name="a case's conflict types")


def _timeline(case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """The case's events with the labels and date strings the timeline shows, made once per event.

    Cheaper than get_..._display (which hashes every lazy choice label) and |date per event in the template.
    """
    dates = ListDates()
    kinds = choice_labels(CaseEvent.Kind)
    statuses = choice_labels(Status)
    milestones = choice_labels(CaseEvent.Milestone)
    # As {% blocktranslate trimmed with name=... %}by {{ name }}{% endblocktranslate %}: the same msgid.
    by = _("by %(name)s")
    by_the_system = _("by the system")
    for event in events:
        actor = event.actor
        event.by_label = by % {"name": actor.get_full_name() or actor.get_username()} if actor else by_the_system
        event.created_iso = dates.iso(event.created_at)
        event.created_display = dates.format(event.created_at, "DATETIME_FORMAT")
        event.kind_label = kinds.get(event.kind, event.kind)
        event.old_status_label = statuses.get(event.old_status, event.old_status)
        event.new_status_label = statuses.get(event.new_status, event.new_status)
        event.milestone_label = milestones.get(event.milestone, event.milestone)
    return events


def _with_labels(case: Case, parties: list[Party]) -> list[Party]:
    """Set the labels the case file shows, as get_..._display would give them (listformats.choice_labels)."""
    case.status_label = choice_labels(Status).get(case.status, case.status)
    case.channel_label = choice_labels(Channel).get(case.channel, case.channel)
    case.outcome_label = choice_labels(Outcome).get(case.outcome, case.outcome)
    roles, languages, tenures = (choice_labels(c) for c in (Party.Role, Language, Party.Tenure))
    for party in parties:
        party.case = case
        party.role_label = roles.get(party.role, party.role)
        party.language_label = languages.get(party.preferred_language, party.preferred_language)
        party.tenure_label = tenures.get(party.tenure, party.tenure)
    return parties


def _repeat_items(repeats: list[Case]) -> list[Case]:
    """The possible repeats with their link, status and date of closing as the repeat signal shows them.

    As ``{% url %}``, ``get_status_display|lower`` and ``{% blocktranslate %}closed {{ day }}`` would
    write them (the same msgid), made here: those took about 0.3 ms for a single repeat.
    """
    detail_url = url_maker("cases:detail", "code")
    statuses = choice_labels(Status)
    dates = ListDates()
    closed = _("closed %(day)s")
    for other in repeats:
        other.detail_url = detail_url(other.code)
        other.status_label = statuses.get(other.status, other.status).lower()
        other.closed_label = (
            closed % {"day": dates.format(other.closed_at, "SHORT_DATE_FORMAT")} if other.closed_at else ""
        )
    return repeats


# The links of the case page: made with url_maker (buurtbemiddeling.listformats), not {% url %} per link.
CASE_LINKS = {
    "mediation": "mediators:case",
    "matching": "mediators:case_matching",
    "start_intake": "cases:start_intake",
    "put_on_hold": "cases:put_on_hold",
    "not_suitable": "cases:not_suitable",
    "close": "cases:close",
    "contact_attempt": "cases:contact_attempt",
    "access_log": "audit:case_access_log",
}


def _case_dates(case: Case, intake_deadline) -> dict[str, str]:
    """The case file's dates as ``|date`` would write them: DATE_FORMAT and, for ``<time datetime>``, ISO."""
    dates = ListDates()
    return {
        "received_iso": dates.iso(case.received_at),
        "received": dates.format(case.received_at, "DATE_FORMAT"),
        "first_contact_iso": dates.iso(case.first_contact_at),
        "first_contact": dates.format(case.first_contact_at, "DATE_FORMAT"),
        "consent": dates.format(case.consent_at, "DATE_FORMAT"),
        "intake_deadline_iso": dates.iso(intake_deadline),
        "intake_deadline": dates.format(intake_deadline, "DATETIME_FORMAT"),
    }


def render_case_page(request: HttpRequest, case: Case, **bound_forms) -> HttpResponse:
    """The case file; coordinators also get triage actions and the repeat signal.

    ``bound_forms`` replaces an action's empty form with the one the coordinator just sent, so
    that a refused action shows its errors next to what they typed. Showing the page is an
    access to the case's personal data and is recorded, once per request.
    """
    coordinator = is_coordinator(request.user)
    # The access record and the reads it records, in one round trip; durable=False as in case_detail.
    _, *reads = run_together(
        Insert(access_record(request.user, action=Action.CASE_PAGE, case=case)),
        *_case_page_reads(case.code, coordinator=coordinator),
        durable=False,
    )
    return _case_page(request, case, reads, coordinator=coordinator, bound_forms=bound_forms)


def _case_page_reads(code, *, coordinator: bool) -> list[Query]:
    """What the case page shows besides the case: parties, timeline, conflict types; a coordinator's duo and repeats."""
    reads = [Query(CASE_PARTIES, code=code), Query(CASE_EVENTS, code=code), Query(CASE_CONFLICT_TYPES, code=code)]
    if coordinator:
        reads += [Query(DUO, code=code), Query(REPEATS_OF_CASE, code=code, since=reopen_since())]
    return reads


def _case_page(request: HttpRequest, case: Case, reads: list, *, coordinator: bool, bound_forms: dict) -> HttpResponse:
    parties, events, conflict_types, *coordinators_own = reads
    parties = _with_labels(case, parties)
    context = {
        "case": case,
        "parties": parties,
        "events": _timeline(case, events),
        "conflict_types": conflict_types,
        "is_coordinator": coordinator,
    }
    intake_deadline = None
    if coordinator:
        duo, repeats = coordinators_own
        context["repeats"] = _repeat_items(repeats)
        context["duo"] = lead_first(duo)
        context |= {name: EmptyActionForm(*ACTION_FORMS[name]) for name in ACTION_FORMS} | bound_forms
        context["actions"] = triage_actions(case)
        if case.status == Status.NEW:
            intake_deadline = context["intake_deadline"] = workdays.intake_deadline(case.received_at)
    context["links"] = {name: url_maker(viewname, "code")(case.code) for name, viewname in CASE_LINKS.items()}
    context["dates"] = _case_dates(case, intake_deadline)
    return render(request, "cases/case_detail.html", context)


@never_cache
@login_required
@require_GET
def case_detail(request: HttpRequest, code) -> HttpResponse:
    if not sees_every_case(request.user):
        return render_case_page(request, get_case_for_user(request.user, code))
    # A coordinator may open any case: the case, the record of this access and what the page shows go to
    # the database in one round trip (buurtbemiddeling.together), all by the case's code. The record is
    # written or the page fails; for a code that names no case, nothing is written and the answer is 404.
    # Its commit does not wait for the disk (durable=False): on the bench database that wait was 0.5 to
    # 1.5 ms of the page's 8 to 10 ms in-process, and what it guards against, a crash of the database
    # server in the 0.6 s after the page was shown, would lose only that record.
    found, _, *reads = run_together(
        Query(ANY_CASE, code=code),
        access_record_of_case_code(request.user, action=Action.CASE_PAGE, code=code),
        *_case_page_reads(code, coordinator=True),
        durable=False,
    )
    if len(found) != 1:
        raise Http404("No such case.")
    return _case_page(request, found[0], reads, coordinator=True, bound_forms={})
