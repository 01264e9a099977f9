"""The volunteer pool, for coordinators: the list of mediators and each one's page.

A mediator's page shows and edits their profile, weekly availability, absences and training.
Thin views: guard, form, service, redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.roles import Role
from cases.models import OPEN_STATUSES

from .. import services
from ..access import get_mediator_for_coordinator
from ..forms import AbsenceForm, AvailabilityForm, MediatorForm, TrainingRecordForm
from ..models import Absence, Assignment, Mediator, TrainingRecord

PAGE_SIZE = 50
CURRENT = "current"
# The tabs of the pool list: everyone still involved (default), then each status.
FILTERS = {
    CURRENT: gettext_lazy("Current"),
    **{status.value: status.label for status in Mediator.Status},
}


def _form_errors(form, error: ValidationError) -> None:
    """Put a model validation error from a service on the form's fields (or the form itself)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@never_cache
@role_required(Role.COORDINATOR)
@require_safe
def pool(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CURRENT)
    if status not in FILTERS:
        status = CURRENT
    today = timezone.localdate()
    mediators = Mediator.objects.for_pool(today=today)
    if status == CURRENT:
        mediators = mediators.exclude(status=Mediator.Status.STOPPED)
    else:
        mediators = mediators.filter(status=status)
    page = Paginator(mediators.order_by("user__first_name", "user__last_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mediators/pool/pool_list.html",
        {"page": page, "status": status, "filters": FILTERS.items(), "today": today},
    )


def _detail_context(mediator: Mediator, *, today) -> dict:
    assignments = (
        mediator.assignments.select_related("case")
        .filter(status__in=Assignment.Status.active(), case__status__in=OPEN_STATUSES)
        .only("code", "role", "status", "proposed_at", "mediator_id", "case__code", "case__number", "case__status")
        .order_by("-proposed_at")
    )
    training = list(mediator.training_records.all())
    basic_hours = sum(record.hours for record in training if record.kind == TrainingRecord.Kind.BASIC)
    return {
        "mediator": mediator,
        "today": today,
        "availability": AvailabilityForm(mediator=mediator),
        "absences": mediator.absences.filter(ends_on__gte=today),
        "past_absences": mediator.absences.filter(ends_on__lt=today).order_by("-starts_on")[:5],
        "training": training,
        "basic_hours": basic_hours,
        "training_hours_year": sum(record.hours for record in training if record.date.year == today.year),
        "assignments": assignments,
        "absence_form": AbsenceForm(prefix="absence"),
        "training_form": TrainingRecordForm(prefix="training", initial={"date": today}),
    }


def _load_mediator(request, code) -> Mediator:
    today = timezone.localdate()
    return get_mediator_for_coordinator(
        request.user,
        code,
        queryset=Mediator.objects.select_related("user").with_load(today=today).prefetch_related("availability"),
    )


@never_cache
@role_required(Role.COORDINATOR)
@require_safe
def mediator_detail(request: HttpRequest, code) -> HttpResponse:
    mediator = _load_mediator(request, code)
    return render(request, "mediators/pool/mediator_detail.html", _detail_context(mediator, today=timezone.localdate()))


@never_cache
@role_required(Role.COORDINATOR)
def mediator_edit(request: HttpRequest, code) -> HttpResponse:
    mediator = get_mediator_for_coordinator(request.user, code)
    form = MediatorForm(request.POST or None, mediator=mediator)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mediator(mediator=mediator, data=form.mediator_data(), actor=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The details of %(name)s have been saved.") % {"name": mediator})
            return redirect("mediators:mediator_detail", code=mediator.code)
    return render(request, "mediators/pool/mediator_edit.html", {"mediator": mediator, "form": form})


@never_cache
@role_required(Role.COORDINATOR)
def mediator_availability(request: HttpRequest, code) -> HttpResponse:
    mediator = get_mediator_for_coordinator(request.user, code)
    form = AvailabilityForm(request.POST or None, mediator=mediator)
    if request.method == "POST" and form.is_valid():
        services.set_availability(mediator=mediator, parts=form.parts(), actor=request.user)
        messages.success(request, _("The weekly availability has been saved."))
        return redirect("mediators:mediator_detail", code=mediator.code)
    return render(request, "mediators/pool/availability_form.html", {"mediator": mediator, "form": form})


def _detail_with_errors(request, mediator: Mediator, **forms) -> HttpResponse:
    context = _detail_context(mediator, today=timezone.localdate()) | forms
    return render(request, "mediators/pool/mediator_detail.html", context, status=400)


@role_required(Role.COORDINATOR)
@require_POST
def add_absence(request: HttpRequest, code) -> HttpResponse:
    mediator = _load_mediator(request, code)
    form = AbsenceForm(request.POST, prefix="absence")
    if form.is_valid():
        try:
            services.add_absence(
                mediator=mediator,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The absence has been added."))
            return redirect("mediators:mediator_detail", code=mediator.code)
    return _detail_with_errors(request, mediator, absence_form=form)


@role_required(Role.COORDINATOR)
@require_POST
def remove_absence(request: HttpRequest, code, absence_id: int) -> HttpResponse:
    mediator = get_mediator_for_coordinator(request.user, code)
    absence = get_object_or_404(Absence, pk=absence_id, mediator=mediator)
    services.remove_absence(absence=absence, actor=request.user)
    messages.success(request, _("The absence has been removed."))
    return redirect("mediators:mediator_detail", code=mediator.code)


@role_required(Role.COORDINATOR)
@require_POST
def add_training(request: HttpRequest, code) -> HttpResponse:
    mediator = _load_mediator(request, code)
    form = TrainingRecordForm(request.POST, prefix="training")
    if form.is_valid():
        try:
            services.add_training_record(
                mediator=mediator,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The training has been added."))
            return redirect("mediators:mediator_detail", code=mediator.code)
    return _detail_with_errors(request, mediator, training_form=form)


@role_required(Role.COORDINATOR)
@require_POST
def remove_training(request: HttpRequest, code, record_id: int) -> HttpResponse:
    mediator = get_mediator_for_coordinator(request.user, code)
    record = get_object_or_404(TrainingRecord, pk=record_id, mediator=mediator)
    services.remove_training_record(record=record, actor=request.user)
    messages.success(request, _("The training record has been removed."))
    return redirect("mediators:mediator_detail", code=mediator.code)


@role_required(Role.COORDINATOR)
@require_POST
def send_set_password(request: HttpRequest, code) -> HttpResponse:
    mediator = get_mediator_for_coordinator(request.user, code)
    try:
        services.send_set_password_again(mediator=mediator, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new email to choose a password goes out within a minute."))
    return redirect("mediators:mediator_detail", code=mediator.code)
