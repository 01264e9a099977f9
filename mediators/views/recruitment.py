"""Recruitment: the public "Word buurtbemiddelaar" form and the coordinator's pipeline.

The public form is open to anyone. Like the self-report form it has a honeypot (a filled-in
honeypot gets the thank-you page and nothing is stored) and a rate limit per client address
(buurtbemiddeling.ratelimit: a clear 429 page, nothing stored).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from buurtbemiddeling import ratelimit
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.roles import Role

from .. import selectors, services
from ..access import get_application_for_coordinator
from ..forms import AcceptApplicationForm, ApplicationForm, ApplicationStatusForm
from ..models import APPLICATION_TRANSITIONS, VolunteerApplication

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "volunteer_application"
PAGE_SIZE = 50
OPEN = "open"
OPEN_STATUSES = [
    VolunteerApplication.Status.NEW,
    VolunteerApplication.Status.INTERVIEW,
    VolunteerApplication.Status.IN_TRAINING,
]


@never_cache
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if ratelimit.is_limited(request, group=RATE_LIMIT_GROUP):
            # The helper's own page speaks of reports; this one of applications. Nothing is stored.
            return render(request, "mediators/recruitment/too_many.html", status=429)
        form = ApplicationForm(request.POST)
        if form.is_spam():
            # Answer as if all went well: a robot learns nothing. Nothing is stored or counted.
            logger.info("volunteer application: honeypot filled in, nothing stored")
            return redirect("mediators:apply_thanks")
        if form.is_valid():
            ratelimit.record(request, group=RATE_LIMIT_GROUP)
            services.submit_application(data=form.application_data())
            return redirect("mediators:apply_thanks")
    else:
        form = ApplicationForm()
    return render(request, "mediators/recruitment/apply.html", {"form": form})


@require_safe
def apply_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "mediators/recruitment/apply_thanks.html")


@never_cache
@role_required(Role.COORDINATOR)
@require_safe
def applications(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", OPEN)
    if status != OPEN and status not in VolunteerApplication.Status.values:
        status = OPEN
    rows = VolunteerApplication.objects.only("code", "name", "status", "postcode", "languages", "received_at")
    rows = rows.filter(status__in=OPEN_STATUSES) if status == OPEN else rows.filter(status=status)
    counts = dict(VolunteerApplication.objects.values_list("status").annotate(n=Count("pk")).order_by())
    tabs = [(OPEN, _("In progress"), sum(counts.get(s, 0) for s in OPEN_STATUSES))] + [
        (value, label, counts.get(value, 0)) for value, label in VolunteerApplication.Status.choices
    ]
    page = Paginator(rows.order_by("received_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "mediators/recruitment/application_list.html", {"page": page, "status": status, "tabs": tabs}
    )


def _next_statuses(application: VolunteerApplication) -> list[str]:
    # Accepting has its own form (it creates the account), so it is not a plain status change.
    return [
        status
        for status in VolunteerApplication.Status.values
        if status in APPLICATION_TRANSITIONS[application.status] and status != VolunteerApplication.Status.ACCEPTED
    ]


def _detail(request, application, *, status_form=None, accept_form=None, status=200) -> HttpResponse:
    can_accept = VolunteerApplication.Status.ACCEPTED in APPLICATION_TRANSITIONS[application.status]
    context = {
        "application": application,
        "application_languages": ", ".join(selectors.language_label(code) for code in application.languages),
        "status_form": status_form or ApplicationStatusForm(allowed=_next_statuses(application)),
        "accept_form": (accept_form or AcceptApplicationForm(application=application)) if can_accept else None,
        "next_statuses": _next_statuses(application),
    }
    return render(request, "mediators/recruitment/application_detail.html", context, status=status)


@never_cache
@role_required(Role.COORDINATOR)
@require_safe
def application_detail(request: HttpRequest, code) -> HttpResponse:
    return _detail(request, get_application_for_coordinator(request.user, code))


@role_required(Role.COORDINATOR)
@require_POST
def application_status(request: HttpRequest, code) -> HttpResponse:
    application = get_application_for_coordinator(request.user, code)
    form = ApplicationStatusForm(request.POST, allowed=_next_statuses(application))
    if not form.is_valid():
        return _detail(request, application, status_form=form, status=400)
    try:
        services.move_application(application=application, new_status=form.cleaned_data["status"], actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The application now has the status “%(status)s”.") % {"status": application.get_status_display()},
        )
    return redirect("mediators:application_detail", code=application.code)


@role_required(Role.COORDINATOR)
@require_POST
def accept_application(request: HttpRequest, code) -> HttpResponse:
    application = get_application_for_coordinator(request.user, code)
    form = AcceptApplicationForm(request.POST, application=application)
    if form.is_valid():
        try:
            mediator = services.accept_application(
                application=application,
                home_postcode=form.cleaned_data["home_postcode"],
                status=form.cleaned_data["status"],
                certified_on=form.cleaned_data.get("certified_on"),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is now a mediator. They receive an email to choose a password.") % {"name": mediator},
            )
            return redirect("mediators:mediator_detail", code=mediator.code)
    return _detail(request, application, accept_form=form, status=400)
