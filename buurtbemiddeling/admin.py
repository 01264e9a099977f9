"""The auth User admin with what the service adds to an account: memberships and the mediator profile.

This app comes after django.contrib.auth in INSTALLED_APPS, so the stock UserAdmin is registered by
the time this module is imported and can be swapped for the subclass below.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from audit.admin import AccessRecordedAdminMixin
from mediators.models import Mediator
from partners.models import Membership

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class MediatorInline(admin.StackedInline):
    model = Mediator
    extra = 0
    # A mediator profile is ended by setting its status to stopped (assignments keep pointing at it).
    can_delete = False
    fields = ["status", "phone", "home_postcode", "languages", "certified_on", "joined_on", "max_concurrent_cases"]


admin.site.unregister(User)


@admin.register(User)
class ServiceUserAdmin(AccessRecordedAdminMixin, UserAdmin):
    inlines = [MembershipInline, MediatorInline]

    def get_inlines(self, request, obj):
        # The add page stays the stock two-step form (username and password first).
        return self.inlines if obj is not None else []
