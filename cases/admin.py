"""Admin for cases and their reference data.

Cases are created by intake (cases.services.create_case) and move through their statuses only by
cases.services.change_status, which also writes the CaseEvent. The admin therefore cannot add a case,
never edits status, number or code, and shows the timeline read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from audit.admin import AccessRecordedAdminMixin
from buurtbemiddeling.admin_csv import csv_export_action
from mediators.models import Assignment

from .models import (
    Agreement,
    AgreementItem,
    Case,
    CaseEvent,
    CaseNumberSequence,
    ConflictType,
    Meeting,
    Neighbourhood,
    Party,
    PostcodeArea,
)

# --- Reference data ----------------------------------------------------------------------------


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 0
    fields = ["digits", "is_illustrative"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "stadsdeel", "joined_service_on", "postcode_count"]
    list_filter = ["stadsdeel", ("joined_service_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "stadsdeel", "postcodes__digits"]
    inlines = [PostcodeAreaInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_postcode_count=Count("postcodes"))

    @admin.display(description=_("postcodes"), ordering="_postcode_count")
    def postcode_count(self, obj) -> int:
        return obj._postcode_count


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    list_display = ["digits", "neighbourhood", "is_illustrative"]
    list_filter = ["is_illustrative", "neighbourhood__stadsdeel"]
    list_select_related = ["neighbourhood"]
    search_fields = ["digits", "neighbourhood__name"]
    autocomplete_fields = ["neighbourhood"]


@admin.register(ConflictType)
class ConflictTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en", "code"]


# Registered read-only rather than left out: an administrator can see which number each year is at
# (useful when a number looks wrong), but nobody can edit or delete a row. The row is the lock and the
# counter of cases.services._next_case_number; lowering ``last`` or deleting the row would hand out a
# number that already exists, and intake would fail on the unique constraint.
@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Cases -------------------------------------------------------------------------------------


class _OnePerRoleFormSet(BaseInlineFormSet):
    """Checks across the rows of the formset what a conditional unique constraint checks in the database.

    Django validates each row against the saved rows, and across rows only unconditional constraints;
    two new rows that clash with each other would otherwise end in an IntegrityError (a 500).
    """

    message = ""

    def counts(self, data) -> bool:
        raise NotImplementedError

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not self.counts(data):
                continue
            if data["role"] in seen:
                raise ValidationError(self.message)
            seen.add(data["role"])


class PartyFormSet(_OnePerRoleFormSet):
    message = _("A case has at most one party A and one party B.")

    def counts(self, data) -> bool:
        return data.get("role") in (Party.Role.A, Party.Role.B)


class AssignmentFormSet(_OnePerRoleFormSet):
    message = _("A case has at most one active lead and one active co-mediator.")

    def counts(self, data) -> bool:
        return bool(data.get("role")) and data.get("status") in Assignment.Status.active()


class PartyInline(admin.StackedInline):
    model = Party
    formset = PartyFormSet
    extra = 0
    autocomplete_fields = ["landlord"]
    fieldsets = [
        (None, {"fields": ["role", "name"]}),
        (_("Address"), {"fields": ["street", "house_number", "postcode", "city"]}),
        (_("Contact"), {"fields": ["phone", "email", "preferred_language", "interpreter_needed"]}),
        (_("Housing"), {"fields": ["tenure", "landlord"]}),
        (_("Confidential"), {"fields": ["confidential_notes"]}),
    ]

    def get_queryset(self, request):
        # Party.__str__ (the inline's heading) reads the case number.
        return super().get_queryset(request).select_related("case")


class CaseEventInline(admin.TabularInline):
    """The timeline: the audit trail of the case, so it can be read here but never added to, edited or pruned."""

    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "old_status", "new_status", "milestone", "actor", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    formset = AssignmentFormSet
    extra = 0
    autocomplete_fields = ["mediator", "proposed_by"]
    fields = ["mediator", "role", "status", "proposed_at", "proposed_by", "answered_at", "decline_reason"]

    def get_queryset(self, request):
        # Mediator.__str__ is the user's name.
        return super().get_queryset(request).select_related("mediator__user")


@admin.register(Case)
class CaseAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    # No party data in the export: only what the statistics need.
    actions = [
        csv_export_action(
            columns=[
                ("number", _("case number")),
                ("status", _("status")),
                ("channel", _("channel")),
                ("referring_organisation__name", _("referring organisation")),
                ("neighbourhood__name", _("neighbourhood")),
                ("neighbourhood__stadsdeel", _("district (stadsdeel)")),
                ("received_at", _("received")),
                ("first_contact_at", _("first contact")),
                ("matched_at", _("duo matched")),
                ("closed_at", _("closed")),
                ("outcome", _("outcome")),
            ],
            filename="zaken",
        )
    ]
    # Privacy: no party names or addresses in the list, only what a coordinator needs to pick a case.
    list_display = [
        "number",
        "status",
        "channel",
        "referring_organisation",
        "neighbourhood",
        "conflict_type_list",
        "received_at",
    ]
    list_select_related = ["referring_organisation", "neighbourhood"]
    list_filter = [
        "status",
        "channel",
        "outcome",
        "referring_organisation",
        "neighbourhood__stadsdeel",
        "conflict_types",
    ]
    search_fields = ["number", "partner_reference"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["referring_organisation", "referred_by", "neighbourhood", "conflict_types"]
    # status, number and code belong to the services (numbering on intake, change_status for every
    # transition, with its event). So do the timestamps and the outcome that change_status sets, and
    # the consent record (who and when go with the yes).
    readonly_fields = [
        "number",
        "code",
        "status",
        "received_at",
        "first_contact_at",
        "matched_at",
        "closed_at",
        "outcome",
        "consent_given",
        "consent_at",
        "consent_recorded_by",
        "anonymised_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "status"),
                    "code",
                    "channel",
                    ("referring_organisation", "referred_by", "partner_reference"),
                    "received_at",
                ]
            },
        ),
        (
            _("Conflict"),
            {
                "fields": [
                    "conflict_types",
                    "description",
                    "tried_already",
                    ("flag_psychosocial", "flag_language_barrier", "flag_threat"),
                ]
            },
        ),
        (_("Address of the conflict"), {"fields": ["street", "house_number", "postcode", "city", "neighbourhood"]}),
        (_("Consent"), {"fields": ["consent_given", "consent_at", "consent_recorded_by"]}),
        (
            _("Progress"),
            {
                "fields": [
                    "first_contact_at",
                    "matched_at",
                    "closed_at",
                    "outcome",
                    "not_suitable_reason",
                    "referred_to",
                ]
            },
        ),
        (_("Retention"), {"fields": ["retention_until", "anonymised_at", "created_at", "updated_at"]}),
    ]
    inlines = [PartyInline, AssignmentInline, CaseEventInline]

    def get_queryset(self, request):
        # One query for the conflict types of the whole page instead of one per case.
        return super().get_queryset(request).prefetch_related("conflict_types")

    @admin.display(description=_("conflict types"))
    def conflict_type_list(self, obj) -> str:
        return ", ".join(str(conflict_type) for conflict_type in obj.conflict_types.all())

    def has_add_permission(self, request) -> bool:
        # Intake has its own forms and cases.services.create_case: a case made here would have no
        # number from the sequence and no 'received' event for the referrer.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Closed cases are anonymised after the retention period, not deleted; deleting is for
        # superusers cleaning up a mistake.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # CaseEventAdmin refuses every delete so that nobody prunes the audit trail event by event.
        # A case that may be deleted as a whole (superusers only) takes its timeline with it.
        perms_needed.discard(CaseEvent._meta.verbose_name)
        return deleted, model_count, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Write only the columns the form changed. A plain save() would also write back the status
        # read when this request started, undoing a change_status that committed in the meantime.
        concrete = {field.name for field in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        obj.save(update_fields=[*changed, "updated_at"])


@admin.register(Party)
class PartyAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    # Coordinators need the name here (contact, requests to see or erase one's data). The Case list
    # deliberately shows none of this.
    list_display = ["case", "role", "name", "preferred_language", "interpreter_needed"]
    access_recorded_changelist = True
    list_select_related = ["case"]
    list_filter = ["role", "preferred_language", "interpreter_needed", "tenure"]
    search_fields = ["case__number", "name", "email"]
    autocomplete_fields = ["case", "landlord"]


@admin.register(CaseEvent)
class CaseEventAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    """The audit trail: readable, never added, edited or deleted here (events come from the services)."""

    list_display = ["created_at", "case", "kind", "old_status", "new_status", "milestone", "actor"]
    list_select_related = ["case", "actor"]
    list_filter = ["kind", "milestone", "new_status"]
    search_fields = ["case__number"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    # No location in the list: an intake usually takes place at a party's home.
    list_display = ["case", "kind", "starts_at", "ends_at", "status"]
    list_select_related = ["case"]
    list_filter = ["kind", "status"]
    search_fields = ["case__number"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["case", "mediators"]


class AgreementItemInline(admin.TabularInline):
    model = AgreementItem
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    list_display = ["case", "created_at", "signed", "follow_up_on", "follow_up_result"]
    list_select_related = ["case"]
    list_filter = ["signed", "follow_up_result"]
    search_fields = ["case__number"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["case", "meeting"]
    inlines = [AgreementItemInline]


@admin.register(AgreementItem)
class AgreementItemAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "case_number", "who", "due_on"]
    list_select_related = ["agreement__case"]
    search_fields = ["agreement__case__number"]
    autocomplete_fields = ["agreement"]

    @admin.display(description=_("case number"), ordering="agreement__case__number")
    def case_number(self, obj) -> str:
        return obj.agreement.case.number

    def get_queryset(self, request):
        # The agreement comes with the item, so the access record finds the case without a query.
        return super().get_queryset(request).select_related("agreement")

    def access_recorded_case(self, obj):
        return Case(pk=obj.agreement.case_id)
