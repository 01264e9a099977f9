"""Admin for the volunteer mediators, their availability and training, applications and assignments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from audit.admin import AccessRecordedAdminMixin
from buurtbemiddeling.admin_csv import csv_export_action

from .models import Absence, Assignment, Availability, Mediator, TrainingRecord, VolunteerApplication


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(Mediator)
class MediatorAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    # No phone number or home postcode in the export.
    actions = [
        csv_export_action(
            columns=[
                ("user__first_name", _("first name")),
                ("user__last_name", _("last name")),
                ("status", _("status")),
                ("certified_on", _("certified on (basistraining)")),
                ("joined_on", _("joined on")),
                ("max_concurrent_cases", _("maximum concurrent cases")),
                ("yearly_target", _("yearly target")),
            ],
            filename="bemiddelaars",
        )
    ]
    list_display = [
        "__str__",
        "status",
        "certified_on",
        "home_postcode",
        "language_list",
        "active_assignments",
        "max_concurrent_cases",
        "yearly_target",
    ]
    list_select_related = ["user"]
    list_filter = ["status", ("certified_on", admin.EmptyFieldListFilter)]
    search_fields = ["user__first_name", "user__last_name", "user__username", "user__email", "home_postcode"]
    autocomplete_fields = ["user"]
    inlines = [AvailabilityInline, AbsenceInline, TrainingRecordInline]

    def get_queryset(self, request):
        # The current load next to the capacity, counted in the list query itself.
        return (
            super()
            .get_queryset(request)
            .annotate(
                _active_assignments=Count("assignments", filter=Q(assignments__status__in=Assignment.Status.active()))
            )
        )

    @admin.display(description=_("languages"))
    def language_list(self, obj) -> str:
        return ", ".join(obj.language_names())

    @admin.display(description=_("active cases"), ordering="_active_assignments")
    def active_assignments(self, obj) -> int:
        return obj._active_assignments


class MediatorChildAdmin(admin.ModelAdmin):
    """Availability, absences and training records on their own; usually edited on the mediator."""

    list_select_related = ["mediator__user"]
    search_fields = ["mediator__user__first_name", "mediator__user__last_name", "mediator__user__username"]
    autocomplete_fields = ["mediator"]


@admin.register(Availability)
class AvailabilityAdmin(MediatorChildAdmin):
    list_display = ["mediator", "weekday", "part"]
    list_filter = ["weekday", "part"]


@admin.register(Absence)
class AbsenceAdmin(MediatorChildAdmin):
    list_display = ["mediator", "starts_on", "ends_on", "reason"]
    date_hierarchy = "starts_on"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(MediatorChildAdmin):
    list_display = ["mediator", "kind", "date", "hours"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(VolunteerApplication)
class VolunteerApplicationAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "name", "status", "postcode", "received_at", "mediator"]
    list_select_related = ["mediator__user"]
    list_filter = ["status"]
    search_fields = ["name", "email", "postcode"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["mediator"]


@admin.register(Assignment)
class AssignmentAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    list_display = ["case", "mediator", "role", "status", "proposed_at", "answered_at"]
    list_select_related = ["case", "mediator__user"]
    list_filter = ["status", "role"]
    search_fields = ["case__number", "mediator__user__first_name", "mediator__user__last_name"]
    date_hierarchy = "proposed_at"
    autocomplete_fields = ["case", "mediator", "proposed_by"]
