"""Data-subject rights for coordinators: find a person, see and download what is stored about
them, erase it on request (cases.services.subject_rights). Search terms travel in a POST body,
never in a URL; a person's pages are addressed by a party id or an application's code."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessRecord
from audit.services import record_access
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role
from mediators.models import VolunteerApplication

from ..models import Case, Party
from ..services import subject_rights
from ..subject_forms import ErasureForm, SubjectSearchForm

RESULT_LIMIT = 50


def labelled(model, values: dict) -> list[tuple[str, object]]:
    """``(the field's verbose name, value)`` pairs for a readable page; the JSON keeps the names."""
    rows = []
    for name, value in values.items():
        try:
            label = model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a key that is not a field (id) keeps its name
            label = name
        rows.append((str(label), value))
    return rows


@never_cache
@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def subject_search(request: HttpRequest) -> HttpResponse:
    form = SubjectSearchForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "searched": False}
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        context |= {
            "searched": True,
            "parties": list(subject_rights.find_parties(terms)[:RESULT_LIMIT]),
            "applications": list(subject_rights.find_applications(terms)[:RESULT_LIMIT]),
            "limit": RESULT_LIMIT,
        }
    return render(request, "cases/subject_search.html", context, status=400 if form.errors else 200)


def _party(pk: int) -> Party:
    return get_object_or_404(Party.objects.select_related("case"), pk=pk)


def _record_party_export(request: HttpRequest, party: Party) -> None:
    """The readable page and the JSON download are the same export of the person's data."""
    record_access(
        request.user,
        action=AccessRecord.Action.SUBJECT_EXPORT,
        case=party.case,
        detail=subject_rights.party_detail(party),
    )


def _record_application_export(request: HttpRequest, application: VolunteerApplication) -> None:
    record_access(
        request.user,
        action=AccessRecord.Action.SUBJECT_EXPORT,
        detail=subject_rights.application_detail(application),
    )


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def subject_party(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(pk)
    _record_party_export(request, party)
    data = subject_rights.party_data(party)
    return render(
        request,
        "cases/subject_party.html",
        {
            "party": party,
            "data": data,
            "party_rows": labelled(Party, data["party"]),
            "case_rows": labelled(Case, {k: v for k, v in data["case"].items() if k != "as_submitted"}),
        },
    )


@role_required(Role.COORDINATOR)
@require_GET
def subject_party_export(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(pk)
    _record_party_export(request, party)
    return _json_download(subject_rights.party_data(party), f"party-{party.pk}.json")


@never_cache
@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def subject_party_erase(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        subject_rights.erase_party(party, actor=request.user)
        messages.success(request, _("The person's data has been erased."))
        return redirect("cases:subject_search")
    return render(
        request,
        "cases/subject_erase.html",
        {"form": form, "party": party, "case": party.case},
        status=400 if form.errors else 200,
    )


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def subject_application(request: HttpRequest, code) -> HttpResponse:
    application = get_object_or_404(VolunteerApplication, code=code)
    _record_application_export(request, application)
    data = subject_rights.application_data(application)
    return render(
        request,
        "cases/subject_application.html",
        {
            "application": application,
            "data": data,
            "application_rows": labelled(VolunteerApplication, data["application"]),
        },
    )


@role_required(Role.COORDINATOR)
@require_GET
def subject_application_export(request: HttpRequest, code) -> HttpResponse:
    application = get_object_or_404(VolunteerApplication, code=code)
    _record_application_export(request, application)
    return _json_download(subject_rights.application_data(application), f"application-{application.code}.json")


@never_cache
@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def subject_application_erase(request: HttpRequest, code) -> HttpResponse:
    application = get_object_or_404(VolunteerApplication, code=code)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        subject_rights.erase_application(application, actor=request.user)
        messages.success(request, _("The person's data has been erased."))
        return redirect("cases:subject_search")
    return render(
        request,
        "cases/subject_erase.html",
        {"form": form, "application": application},
        status=400 if form.errors else 200,
    )
