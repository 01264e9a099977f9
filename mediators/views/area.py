"""The mediator's own area: "Mijn zaken", the mediation page of a case, and the calendar feed.

The mediation page (/bemiddelaar/zaken/<code>/) gets its case through cases.access.get_case_for_user,
so it answers 404 for a case that is not yours (a proposal not yet accepted included), and it is open
to whoever may read the case file: the mediators who accepted the case and the coordinators. What a
user may do there is in cases.mediation (rights_for); the services check it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.services import Action, record_access
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.listformats import ListDates, choice_labels, url_maker
from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.roles import Role, has_role
from buurtbemiddeling.together import Query, run_together
from cases import services
from cases.access import get_case_for_user
from cases.mediation import AGREEMENT_MEETING_KINDS, MEETING_STATUSES, ContactResult, default_follow_up_on, rights_for
from cases.models import OPEN_STATUSES, Agreement, AgreementItem, Case, Meeting, Outcome, Status
from cases.querysets import reopen_since

from .. import calendar
from ..mediation_forms import (
    AgreementForm,
    AgreementItemFormSet,
    CloseForm,
    ContactAttemptForm,
    FollowUpForm,
    MeetingForm,
    MeetingOutcomeForm,
    ReopenForm,
    ResumeForm,
)
from ..models import Assignment, Mediator
from ..querysets import mediator_pk_of
from ..selectors import OPEN_PROPOSAL_COUNT

# "Mijn zaken" --------------------------------------------------------------------------------


def _my_cases_of(mediator: int, now, recently):
    """The mediator's open cases and those closed since ``recently``, with their next dates, in one query."""
    next_meeting = (
        Meeting.objects.filter(case=OuterRef("pk"), status=Meeting.Status.PLANNED, starts_at__gte=now)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    next_follow_up = (
        Agreement.objects.filter(case=OuterRef("pk"), follow_up_result="")
        .order_by("follow_up_on")
        .values("follow_up_on")[:1]
    )
    # The cases they work on and those they completed within the reopen window, found by the assignments'
    # status and date of completion (two ranges of assignment_mediator_done_idx): a few rows however many
    # cases the mediator completed over the years, where checking every one of them took a millisecond
    # after a few years. Accepted and completed assignments are what opens a case to its mediator
    # (Case.objects.visible_to), so these cases are visible to the user by construction.
    listed = (
        Assignment.objects.filter(mediator_id=mediator)
        .filter(
            Q(status=Assignment.Status.ACCEPTED) | Q(status=Assignment.Status.COMPLETED, completed_at__gte=recently)
        )
        .values("case_id")
    )
    # Dicts, not models: what the list shows, without building a Case and a Neighbourhood per row.
    return (
        Case.objects.filter(pk__in=listed)
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=recently))
        .values(
            "code",
            "number",
            "status",
            "closed_at",
            "outcome",
            neighbourhood_name=F("neighbourhood__name"),
            next_meeting_at=Subquery(next_meeting),
            next_follow_up_on=Subquery(next_follow_up),
        )
        .order_by("received_at")[:100]
    )


# Every visit of a mediator's home page: compiled once per process (buurtbemiddeling.precompiled).
MY_CASES = Precompiled(_my_cases_of, name="Mijn zaken")


def _my_cases(user, *, now) -> tuple[list[dict], int]:
    """The user's open cases and those closed within the reopen window, with their next dates; and
    how many proposals wait for their answer. Both in one round trip (buurtbemiddeling.together)."""
    mediator = mediator_pk_of(user)
    if mediator is None:
        return [], 0
    # Generic plans: both are driven by the mediator's assignments whatever the values, and PostgreSQL
    # otherwise planned MY_CASES afresh on every visit (buurtbemiddeling.together.run_together).
    cases, (proposal_count,) = run_together(
        Query(MY_CASES, mediator=mediator, now=now, recently=reopen_since(now)),
        Query(OPEN_PROPOSAL_COUNT, mediator=mediator),
        generic_plans=True,
    )
    return cases, proposal_count


def _with_list_strings(cases: list[dict], *, today) -> list[dict]:
    """Set the link, labels and date strings "Mijn zaken" shows on each row (a dict of _my_cases_of).

    Made here rather than by {% url %}, get_..._display and |date in the template: per row those cost
    more than the rest of the page together (buurtbemiddeling.listformats gives the same strings).
    """
    case_url = url_maker("mediators:case", "code")
    dates = ListDates()
    statuses = choice_labels(Status)
    outcomes = choice_labels(Outcome)
    # As {% blocktranslate with number=case.number %}Case {{ number }}{% endblocktranslate %}: the same msgid.
    title = _("Case %(number)s")
    for case in cases:
        status_label = statuses.get(case["status"], case["status"])
        case |= {
            "is_open": case["status"] in OPEN_STATUSES,
            "url": case_url(case["code"]),
            "title": title % {"number": case["number"]},
            "status_label": status_label,
            # As {{ case.get_outcome_display|default:case.get_status_display }}
            "outcome_or_status_label": outcomes.get(case["outcome"], case["outcome"]) or status_label,
        }
        if next_meeting_at := case["next_meeting_at"]:
            case["next_meeting_iso"] = dates.iso(next_meeting_at)
            case["next_meeting_display"] = dates.weekday_and_day(next_meeting_at, with_time=True)
        if next_follow_up_on := case["next_follow_up_on"]:
            case["next_follow_up_iso"] = dates.format(next_follow_up_on, "Y-m-d")
            case["next_follow_up_display"] = dates.weekday_and_day(next_follow_up_on)
            case["follow_up_due"] = next_follow_up_on <= today
        if closed_at := case["closed_at"]:
            case["closed_iso"] = dates.iso(closed_at)
            case["closed_display"] = dates.format(closed_at, "SHORT_DATE_FORMAT")
    return cases


@role_required(Role.MEDIATOR)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    cases, proposal_count = _my_cases(request.user, now=now)
    cases = _with_list_strings(cases, today=timezone.localdate(now))
    return render(
        request,
        "mediators/home.html",
        {
            "cases": [case for case in cases if case["is_open"]],
            "closed_cases": [case for case in cases if not case["is_open"]],
            "proposal_count": proposal_count,
        },
    )


# The mediation page of one case ---------------------------------------------------------------


def _case_url(case: Case) -> str:
    return reverse("mediators:case", kwargs={"code": case.code})


def _assignments(case: Case) -> list[Assignment]:
    return list(
        case.assignments.filter(status__in=[*Assignment.Status.visible(), Assignment.Status.PROPOSED])
        .select_related("mediator__user")
        .order_by("role", "pk")
    )


@never_cache
@login_required
def case_page(request: HttpRequest, code) -> HttpResponse:
    now = timezone.now()
    case = get_case_for_user(request.user, code)
    assignments = _assignments(case)
    rights = rights_for(request.user, case, assignments=assignments)
    meetings = list(
        case.meetings.prefetch_related(
            Prefetch("mediators", queryset=Mediator.objects.select_related("user").order_by("pk"))
        ).order_by("starts_at", "pk")
    )
    agreements = list(
        case.agreements.prefetch_related(Prefetch("items", queryset=AgreementItem.objects.order_by("pk"))).order_by(
            "created_at", "pk"
        )
    )
    meetings_by_pk = {meeting.pk: meeting for meeting in meetings}
    agreed_meetings = set()
    for agreement in agreements:
        agreement.from_meeting = meetings_by_pk.get(agreement.meeting_id)
        agreed_meetings.add(agreement.meeting_id)
    for meeting in meetings:
        meeting.has_started = meeting.starts_at <= now
        meeting.can_record_agreement = (
            meeting.status == Meeting.Status.HELD
            and meeting.kind in AGREEMENT_MEETING_KINDS
            and meeting.pk not in agreed_meetings
        )
    context = {
        "case": case,
        "rights": rights,
        "can_act": rights.can_act and case.is_open,
        "can_plan": rights.can_act and case.status in MEETING_STATUSES,
        "can_close": rights.can_close and case.status in MEETING_STATUSES,
        "can_resume": rights.can_act and case.status == Status.FOLLOW_UP,
        "can_reopen": rights.can_reopen and case.can_reopen(now),
        "conflict_types": list(case.conflict_types.all()),
        "parties": list(case.parties.all()),
        "contact_results": ContactResult.choices,
        "assignments": assignments,
        "upcoming": [m for m in meetings if m.status == Meeting.Status.PLANNED],
        "past": [m for m in reversed(meetings) if m.status != Meeting.Status.PLANNED],
        "agreements": agreements,
        "events": list(case.events.select_related("actor").order_by("-created_at", "-pk")),
        "today": timezone.localdate(now),
    }
    record_access(request.user, action=Action.CASE_PAGE, case=case, detail="mediation")
    return render(request, "mediators/area/case.html", context)


def _form_page(request, template: str, case: Case, context: dict) -> HttpResponse:
    # Each form page shows part of the case file (its number, meeting, agreement): an access,
    # recorded when the page is shown (a GET, or a POST that shows the form again), not on redirect.
    record_access(request.user, action=Action.CASE_PAGE, case=case, detail=template.removesuffix(".html"))
    return render(request, f"mediators/area/{template}", {"case": case, **context})


def _require(allowed: bool) -> None:
    # A user who may read the case but not do this (a closed case, a co-mediator closing): the
    # action does not exist for them, like a case that is not theirs.
    if not allowed:
        raise Http404("Not here.")


@never_cache
@login_required
@require_POST
def log_contact(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    form = ContactAttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what came of the contact attempt."))
        return redirect(_case_url(case))
    party = get_object_or_404(case.parties, pk=form.cleaned_data["party"])
    try:
        services.log_party_contact(case=case, party=party, actor=request.user, result=form.cleaned_data["result"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Logged for %(party)s: %(result)s.")
            % {"party": party.get_role_display(), "result": ContactResult(form.cleaned_data["result"]).label},
        )
    return redirect(f"{_case_url(case)}#parties")


@never_cache
@login_required
def plan_meeting(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    _require(rights_for(request.user, case).can_act and case.status in MEETING_STATUSES)
    present = Mediator.objects.filter(
        assignments__case=case, assignments__status=Assignment.Status.ACCEPTED
    ).select_related("user")
    form = MeetingForm(request.POST or None, mediators=present)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.plan_meeting(
                case=case,
                actor=request.user,
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location_kind=data["location_kind"],
                location=data["location"],
                mediators=list(data["mediators"]),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(kind)s planned on %(day)s.")
                % {
                    "kind": meeting.get_kind_display(),
                    "day": formats.date_format(timezone.localtime(meeting.starts_at), "j F Y, H:i"),
                },
            )
            return redirect(f"{_case_url(case)}#meetings")
    return _form_page(request, "meeting_form.html", case, {"form": form})


@never_cache
@login_required
def record_meeting(request: HttpRequest, code, meeting_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    meeting = get_object_or_404(case.meetings, pk=meeting_id)
    _require(rights_for(request.user, case).can_act and case.is_open and meeting.status == Meeting.Status.PLANNED)
    started = meeting.starts_at <= timezone.now()
    form = MeetingOutcomeForm(request.POST or None, started=started)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_meeting_outcome(
                meeting=meeting, actor=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The meeting has been recorded as %(status)s.") % {"status": meeting.get_status_display().lower()},
            )
            if meeting.status == Meeting.Status.HELD and meeting.kind in AGREEMENT_MEETING_KINDS:
                return redirect("mediators:record_agreement", code=case.code, meeting_id=meeting.pk)
            return redirect(f"{_case_url(case)}#meetings")
    return _form_page(request, "meeting_outcome_form.html", case, {"form": form, "meeting": meeting})


@never_cache
@login_required
def record_agreement(request: HttpRequest, code, meeting_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    meeting = get_object_or_404(case.meetings, pk=meeting_id)
    _require(
        rights_for(request.user, case).can_act
        and case.status in MEETING_STATUSES
        and meeting.status == Meeting.Status.HELD
        and meeting.kind in AGREEMENT_MEETING_KINDS
        and not Agreement.objects.filter(meeting=meeting).exists()
    )
    form = AgreementForm(request.POST or None, initial={"follow_up_on": default_follow_up_on(meeting)})
    if request.method == "POST" and "add_row" in request.POST:
        # Another empty row without JavaScript (the CSP allows none inline): the same form, one row more.
        data = request.POST.copy()
        data["items-TOTAL_FORMS"] = str(min(int(data.get("items-TOTAL_FORMS") or 0) + 1, 20))
        formset = AgreementItemFormSet(data, prefix="items")
        form = AgreementForm(data)
        return _form_page(
            request, "agreement_form.html", case, {"form": form, "formset": formset, "meeting": meeting, "fresh": True}
        )
    formset = AgreementItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [item for item in (f.item() for f in formset.forms) if item is not None]
        try:
            services.record_agreement(
                meeting=meeting,
                actor=request.user,
                items=items,
                signed=form.cleaned_data["signed"],
                follow_up_on=form.cleaned_data["follow_up_on"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The agreements have been recorded."))
            return redirect(f"{_case_url(case)}#agreements")
    return _form_page(request, "agreement_form.html", case, {"form": form, "formset": formset, "meeting": meeting})


@never_cache
@login_required
def record_follow_up(request: HttpRequest, code, agreement_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    agreement = get_object_or_404(case.agreements.prefetch_related("items"), pk=agreement_id)
    _require(rights_for(request.user, case).can_act and case.is_open and not agreement.follow_up_result)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                agreement=agreement,
                actor=request.user,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up has been recorded. Close the case or plan another meeting."))
            return redirect(f"{_case_url(case)}#next-steps")
    return _form_page(request, "follow_up_form.html", case, {"form": form, "agreement": agreement})


@never_cache
@login_required
def close(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    _require(rights_for(request.user, case).can_close and case.status in MEETING_STATUSES)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_case(case=case, actor=request.user, outcome=form.cleaned_data["outcome"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The case has been closed: %(outcome)s.") % {"outcome": case.get_outcome_display()}
            )
            return redirect(_case_url(case))
    return _form_page(request, "close_form.html", case, {"form": form})


@never_cache
@login_required
def resume(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    _require(rights_for(request.user, case).can_act and case.status == Status.FOLLOW_UP)
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resume_mediation(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case is back in mediation. Plan the next meeting."))
            return redirect(f"{_case_url(case)}#meetings")
    return _form_page(request, "resume_form.html", case, {"form": form})


@never_cache
@login_required
def reopen(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    _require(rights_for(request.user, case).can_reopen and case.can_reopen(timezone.now()))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_case(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case has been reopened and is back in mediation."))
            return redirect(_case_url(case))
    return _form_page(request, "reopen_form.html", case, {"form": form})


# The calendar feed ---------------------------------------------------------------------------


def _own_mediator(request) -> Mediator:
    try:
        return Mediator.objects.select_related("user").get(user=request.user)
    except Mediator.DoesNotExist:
        raise Http404("No mediator profile.") from None


@never_cache
@role_required(Role.MEDIATOR)
@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    mediator = _own_mediator(request)
    # The address the mediator is using now, so that the link works wherever the app is served.
    url = request.build_absolute_uri(reverse("mediators:calendar_feed", args=[mediator.calendar_token]))
    return render(
        request,
        "mediators/area/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )


@never_cache
@role_required(Role.MEDIATOR)
@require_POST
def renew_calendar(request: HttpRequest) -> HttpResponse:
    calendar.renew_calendar_token(mediator=_own_mediator(request))
    messages.success(
        request,
        _("Your calendar link has been renewed. The old link no longer works: subscribe again with the new one."),
    )
    return redirect("mediators:calendar")


@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar apps cannot log in. The unguessable token is the key (see mediators.calendar)."""
    mediator = calendar.mediator_for_token(token)
    if mediator is None or not has_role(mediator.user, Role.MEDIATOR):
        raise Http404("No such calendar.")
    response = HttpResponse(calendar.build_feed(mediator), content_type="text/calendar; charset=utf-8")
    # Meetings of several cases leave the app here: one export record, for the mediator whose feed it is.
    record_access(mediator.user, action=Action.EXPORT, detail="calendar")
    response["Content-Disposition"] = 'inline; filename="buurtbemiddeling.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
