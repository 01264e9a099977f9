"""Intake: a partner's referral, a resident's report (public), a coordinator's phone intake.

Thin views: bind the form, call one service when it is valid, redirect. Nothing is stored
until the whole form is valid.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from buurtbemiddeling import ratelimit
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.roles import Role

from ..forms import PhoneIntakeForm, ReferralForm, SelfReportForm, organisation_choice_form
from ..services import (
    existing_referral,
    read_ahead_for_referral,
    referring_organisations,
    referring_organisations_queryset,
    register_reported_case,
    submit_referral,
    submit_self_report,
)

logger = logging.getLogger(__name__)

SELF_REPORT_RATE_GROUP = "self_report"


@never_cache
@role_required(Role.REFERRER)
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # What the view, the form and the service will look up, read in one round trip.
        read_ahead_for_referral(request.user.pk, ReferralForm.postcode_to_check(request.POST))
    choices = referring_organisations(request.user.pk)
    if not choices:
        return render(request, "cases/referral_form.html", {"form": None})
    # The organisation comes from the login. Only someone who refers for several organisations
    # picks one, and only among their own.
    organisation_form_class = (
        organisation_choice_form(referring_organisations_queryset(request.user.pk)) if len(choices) > 1 else None
    )
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data)
    organisation_form = organisation_form_class(data) if organisation_form_class else None
    if data is not None and (organisation_form is None or organisation_form.is_valid()):
        organisation = organisation_form.cleaned_data["organisation"] if organisation_form else choices[0]
        if not form.is_valid():
            # A second submit of a reference lands on the first referral, even when the browser
            # lost some of the fields on the way back (a double submit makes one case). A valid
            # one needs no look-up first: submit_referral answers it with the first referral.
            earlier = existing_referral(organisation=organisation, partner_reference=form.partner_reference_as_typed())
            if earlier is not None:
                return _already_referred(request, earlier)
        else:
            try:
                result = submit_referral(
                    data=form.case_data(),
                    referrer=request.user,
                    organisation=organisation,
                    as_submitted=form.as_submitted(),
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                if not result.created:
                    return _already_referred(request, result.case)
                messages.success(
                    request,
                    _("Thank you. Your referral was received as case %(number)s; you also get a confirmation by email.")
                    % {"number": result.case.number},
                )
                return redirect("cases:referral_detail", code=result.case.code)
    return render(
        request,
        "cases/referral_form.html",
        {"form": form, "organisation_form": organisation_form, "organisation": choices[0]},
    )


def _already_referred(request: HttpRequest, case) -> HttpResponse:
    messages.info(
        request,
        _(
            "Your organisation referred reference %(reference)s before: this is that referral, case "
            "%(number)s. Nothing new was stored."
        )
        % {"reference": case.partner_reference, "number": case.number},
    )
    return redirect("cases:referral_detail", code=case.code)


@never_cache
@require_http_methods(["GET", "POST"])
def self_report(request: HttpRequest) -> HttpResponse:
    """The public form "Meld een burenprobleem". No login; a rate limit and a honeypot instead."""
    if request.method != "POST":
        return render(request, "cases/self_report_form.html", {"form": SelfReportForm()})
    if ratelimit.is_limited(request, group=SELF_REPORT_RATE_GROUP):
        logger.info("self-report refused: rate limit reached")
        return ratelimit.too_many_requests(request)
    form = SelfReportForm(request.POST)
    if form.is_spam():
        # Looks like success to the robot that filled the hidden field; nothing is stored.
        ratelimit.record(request, group=SELF_REPORT_RATE_GROUP)
        logger.info("self-report discarded: honeypot filled")
        return redirect("public:report_thanks")
    if form.is_valid():
        try:
            case = submit_self_report(
                data=form.case_data(), confirm_to=form.cleaned_data["a_email"], language=get_language()
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            ratelimit.record(request, group=SELF_REPORT_RATE_GROUP)
            messages.success(
                request,
                _("Your report has number %(number)s. Please mention it if you contact us.") % {"number": case.number},
            )
            return redirect("public:report_thanks")
    return render(request, "cases/self_report_form.html", {"form": form})


@never_cache
@require_GET
def report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/self_report_thanks.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/privacy.html", {"retention_months": settings.RETENTION_MONTHS})


@never_cache
@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def phone_intake(request: HttpRequest) -> HttpResponse:
    """A coordinator registers a report received by phone, email or at the desk."""
    form = PhoneIntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = register_reported_case(data=form.case_data(), coordinator=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            return redirect("cases:detail", code=case.code)
    return render(request, "cases/phone_intake_form.html", {"form": form})
