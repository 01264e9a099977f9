"""Triage for coordinators: the queue of NEW cases and the actions on a case.

Every action is a POST through the status service (cases.services.change_status) or the
contact-attempt service. A refused action changes nothing and says why: an invalid form shows
the case page again with the errors next to the fields, a transition the case no longer allows
(another coordinator was quicker) returns to the case with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.pagination import PrecompiledPages
from buurtbemiddeling.roles import Role

from ..access import get_case_for_user
from ..models import Case, Status
from ..services import change_status, log_contact_attempt
from .case_file import action_form, render_case_page, with_intake_deadlines

# 25 rows: the queue is worked oldest first, a screenful at a time; each row costs about 0.1 ms to build and
# render, so 50 rows took the page over its time budget (issue 9).
PAGE_SIZE = 25
# The queue's first pages, compiled once per process (buurtbemiddeling.precompiled).
QUEUE = PrecompiledPages(lambda: Case.objects.for_triage(), PAGE_SIZE, name="triage queue")


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    page = QUEUE.page(request.GET.get("page"))
    return render(request, "cases/triage_queue.html", {"page": page, "queue": with_intake_deadlines(page)})


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    # Only two places to go back to, so no open redirect.
    if request.POST.get("return_to") == "queue":
        return redirect("cases:triage")
    return redirect("cases:detail", code=case.code)


def _act(request: HttpRequest, code, form_name: str, apply, success: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    form = action_form(form_name, request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: check the form below."))
        return render_case_page(request, case, **{form_name: form})
    try:
        apply(case, form)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("cases:detail", code=case.code)
    messages.success(request, success % {"number": case.number})
    return _back(request, case)


@role_required(Role.COORDINATOR)
@require_POST
def start_intake(request: HttpRequest, code) -> HttpResponse:
    def apply(case, form):
        change_status(case=case, new_status=Status.INTAKE, actor=request.user, text=form.cleaned_data["text"])

    return _act(request, code, "start_intake_form", apply, _("Intake of case %(number)s started."))


@role_required(Role.COORDINATOR)
@require_POST
def put_on_hold(request: HttpRequest, code) -> HttpResponse:
    def apply(case, form):
        change_status(case=case, new_status=Status.WAITING, actor=request.user, text=form.cleaned_data["text"])

    return _act(request, code, "hold_form", apply, _("Case %(number)s is on hold."))


@role_required(Role.COORDINATOR)
@require_POST
def mark_not_suitable(request: HttpRequest, code) -> HttpResponse:
    def apply(case, form):
        change_status(
            case=case,
            new_status=Status.NOT_SUITABLE,
            actor=request.user,
            not_suitable_reason=form.cleaned_data["reason"],
            referred_to=form.cleaned_data["referred_to"],
        )

    return _act(request, code, "not_suitable_form", apply, _("Case %(number)s is marked not suitable."))


@role_required(Role.COORDINATOR)
@require_POST
def close(request: HttpRequest, code) -> HttpResponse:
    def apply(case, form):
        data = form.cleaned_data
        change_status(
            case=case, new_status=Status.CLOSED, actor=request.user, outcome=data["outcome"], text=data["text"]
        )

    return _act(request, code, "close_form", apply, _("Case %(number)s is closed."))


@role_required(Role.COORDINATOR)
@require_POST
def contact_attempt(request: HttpRequest, code) -> HttpResponse:
    def apply(case, form):
        log_contact_attempt(case=case, actor=request.user, text=form.event_text())

    return _act(request, code, "contact_form", apply, _("Contact attempt logged for case %(number)s."))
