"""Admin for the notification outbox and user preferences.

Imported from BuurtbemiddelingConfig.ready(), so that buurtbemiddeling/admin.py (the User admin)
stays someone else's file.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AccessRecordedAdminMixin
from buurtbemiddeling import notifications
from buurtbemiddeling.models import Notification, UserPreference


@admin.register(Notification)
class NotificationAdmin(AccessRecordedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "recipient", "status", "due_at", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    # The engine owns these rows: the admin reads them and can put them back in line, no more.
    readonly_fields = [
        "kind",
        "recipient",
        "subject_type",
        "subject_id",
        "payload",
        "key",
        "due_at",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again (failed or pending notifications)"))
    def resend(self, request, queryset):
        count = sum(
            notifications.resend(notification=notification, actor=request.user)
            for notification in queryset.resendable()
        )
        self.message_user(
            request,
            ngettext("%d notification will be sent again.", "%d notifications will be sent again.", count) % count,
            messages.SUCCESS,
        )


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
