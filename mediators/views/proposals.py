"""Duo matching: the coordinator's queue and candidates, the mediator's proposals.

Coordinators reach a case through cases.access.get_case_for_user; a mediator reaches a proposal
only through mediators.access.get_assignment_for_mediator, which loads the anonymous summary and
nothing more: a proposed mediator sees no names, addresses or description until they accept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.services import Action, record_access
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.roles import Role
from cases.access import get_case_for_user
from cases.models import Status

from .. import matching, selectors, services
from ..access import get_assignment_for_coordinator, get_assignment_for_mediator
from ..forms import DeclineForm, ProposeForm
from ..models import Assignment

PAGE_SIZE = 50
# Shown with their reasons at once; the rest behind "more candidates".
TOP_CANDIDATES = 10


# The coordinator -----------------------------------------------------------------------------


@never_cache
@role_required(Role.COORDINATOR)
@require_safe
def matching_queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting for a duo, oldest first: free roles, proposals waiting for an answer."""
    page = Paginator(selectors.matching_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mediators/proposals/matching_queue.html", {"page": page})


def _matching_page(request, case, *, form=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.matching_input(case, today=today)
    ranking = matching.rank(data.case, data.mediators, today=today)
    free_roles = [role for role in Assignment.Role.values if role not in data.active]
    if form is None and case.status == Status.MATCHING and free_roles:
        form = ProposeForm(candidates=ranking.candidates, free_roles=free_roles)
    earlier = [a for a in data.asked if a.status not in Assignment.Status.active()]
    ranked = [{"candidate": candidate, "code": data.codes[candidate.mediator_id]} for candidate in ranking.candidates]
    record_access(request.user, action=Action.CASE_PAGE, case=case, detail="matching")
    return render(
        request,
        "mediators/proposals/case_matching.html",
        {
            "case": case,
            "duo": [data.active.get(role) for role in Assignment.Role.values],
            "roles": Assignment.Role,
            "earlier": earlier,
            "top": ranked[:TOP_CANDIDATES],
            "more": ranked[TOP_CANDIDATES:],
            "candidate_count": len(ranking.candidates),
            "excluded": sorted(ranking.excluded_counts().items(), key=lambda item: item[0].value),
            "form": form if case.status == Status.MATCHING else None,
            "is_matching": case.status == Status.MATCHING,
            "horizon_days": matching.HORIZON_DAYS,
        },
        status=status,
    )


@never_cache
@role_required(Role.COORDINATOR)
def case_matching(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    if request.method != "POST":
        return _matching_page(request, case)
    today = timezone.localdate()
    data = selectors.matching_input(case, today=today)
    ranking = matching.rank(data.case, data.mediators, today=today)
    free_roles = [role for role in Assignment.Role.values if role not in data.active]
    form = ProposeForm(request.POST, candidates=ranking.candidates, free_roles=free_roles)
    if form.is_valid():
        try:
            created = services.propose(case=case, mediators=form.mediators(), actor=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Proposed: %(names)s. They receive an email and have 48 hours to answer.")
                % {"names": ", ".join(str(a.mediator) for a in created)},
            )
            return redirect("mediators:case_matching", code=case.code)
    return _matching_page(request, case, form=form, status=400)


@role_required(Role.COORDINATOR)
@require_POST
def withdraw_assignment(request: HttpRequest, code) -> HttpResponse:
    assignment = get_assignment_for_coordinator(request.user, code)
    try:
        services.withdraw_proposal(assignment=assignment, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s has been taken off the case.") % {"name": assignment.mediator})
    return redirect("mediators:case_matching", code=assignment.case.code)


# The mediator --------------------------------------------------------------------------------


def _with_summaries(assignments) -> list[tuple[Assignment, selectors.AnonymousSummary]]:
    return [(assignment, selectors.anonymous_summary(assignment)) for assignment in assignments]


@never_cache
@role_required(Role.MEDIATOR)
@require_safe
def my_proposals(request: HttpRequest) -> HttpResponse:
    """ "Mijn voorstellen": open proposals first, then the last answered ones."""
    mine = Assignment.objects.of_user(request.user).with_anonymous_summary()
    open_proposals = mine.filter(status=Assignment.Status.PROPOSED).order_by("proposed_at", "pk")
    answered = mine.exclude(status=Assignment.Status.PROPOSED).order_by("-proposed_at", "-pk")[:10]
    return render(
        request,
        "mediators/proposals/my_proposals.html",
        {"open": _with_summaries(open_proposals), "answered": _with_summaries(answered)},
    )


def _proposal_page(request, assignment, *, form=None, status=200) -> HttpResponse:
    is_open = assignment.status == Assignment.Status.PROPOSED and assignment.case.status == Status.MATCHING
    # An anonymous summary, but a view of the case all the same: recorded, so the log also shows
    # who was shown the case before accepting it.
    record_access(request.user, action=Action.CASE_PAGE, case=assignment.case, detail="proposal-summary")
    return render(
        request,
        "mediators/proposals/proposal_detail.html",
        {
            "assignment": assignment,
            "summary": selectors.anonymous_summary(assignment),
            "is_open": is_open,
            "form": (form or DeclineForm()) if is_open else None,
            "can_open_case": assignment.status in Assignment.Status.visible(),
        },
        status=status,
    )


@never_cache
@login_required
@require_safe
def proposal_detail(request: HttpRequest, code) -> HttpResponse:
    return _proposal_page(request, get_assignment_for_mediator(request.user, code))


@login_required
@require_POST
def accept_proposal(request: HttpRequest, code) -> HttpResponse:
    assignment = get_assignment_for_mediator(request.user, code)
    try:
        services.accept_proposal(assignment=assignment, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("mediators:proposal", code=assignment.code)
    messages.success(request, _("Thank you! You have accepted case %(number)s.") % {"number": assignment.case.number})
    return redirect("mediators:proposal", code=assignment.code)


@login_required
@require_POST
def decline_proposal(request: HttpRequest, code) -> HttpResponse:
    assignment = get_assignment_for_mediator(request.user, code)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, assignment, form=form, status=400)
    try:
        services.decline_proposal(assignment=assignment, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have declined. The coordinator will ask someone else."))
    return redirect("mediators:my_proposals")
