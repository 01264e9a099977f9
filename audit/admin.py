"""Access records in the admin (read-only), and the mixin that records admin views of personal data."""

from __future__ import annotations

from django.contrib import admin

from .models import AccessRecord
from .services import Action, record_access


class AccessRecordedAdminMixin:
    """Record an ADMIN_VIEW each time a change page of a personal model is shown or saved.

    One record per request and no extra query: the object is the one the change view loads
    itself (kept on the request by get_object), its case taken from a foreign key column.
    Nothing is recorded when the object does not exist or the user may not see it.
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        request._access_recorded_object = obj
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        request._access_recorded_object = None
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(request, "_access_recorded_object", None)
        if obj is not None and response.status_code < 400:
            record_access(
                request.user,
                action=Action.ADMIN_VIEW,
                case=self.access_recorded_case(obj),
                detail=f"{obj._meta.model_name}:{obj.pk}",
            )
        return response

    # Set on admins whose list itself shows personal values (the parties' names): viewing that
    # list is recorded too, as "<model>:list", without a case (one page spans many cases).
    access_recorded_changelist = False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.access_recorded_changelist and request.method == "GET" and response.status_code == 200:
            record_access(request.user, action=Action.ADMIN_VIEW, detail=f"{self.opts.model_name}:list")
        return response

    def access_recorded_case(self, obj):
        """The case ``obj`` belongs to, or None. Override where the case is further away."""
        from cases.models import Case

        if isinstance(obj, Case):
            return obj
        case_id = getattr(obj, "case_id", None)
        # An instance with only its primary key: enough for the foreign key, no query.
        return Case(pk=case_id) if case_id is not None else None


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Readable by whoever may view access records; nobody adds, edits or deletes them here."""

    list_display = ["at", "user", "case", "action", "detail"]
    list_select_related = ["user", "case"]
    list_filter = ["action", "at"]
    date_hierarchy = "at"
    search_fields = ["case__number", "detail"]
    ordering = ["-at", "-pk"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
