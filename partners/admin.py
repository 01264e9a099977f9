"""Admin for the partner organisations, the convenant and who belongs to which organisation."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.admin_csv import csv_export_action

from . import exports
from .models import Convenant, ConvenantParty, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # Membership.__str__ and the user widget need the user: one join instead of a query per row.
        return super().get_queryset(request).select_related("user")


class ConvenantPartyInline(admin.TabularInline):
    model = ConvenantParty
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "yearly_contribution", "in_kind"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_convenant_partner", "notification_email", "is_active"]
    list_filter = ["kind", "is_convenant_partner", "is_active"]
    search_fields = ["name", "notification_email"]
    inlines = [MembershipInline]
    actions = [
        csv_export_action(
            columns=[
                ("name", _("name")),
                ("kind", _("kind")),
                ("is_convenant_partner", _("convenant partner")),
                ("notification_email", _("notification email")),
                ("is_active", _("active")),
            ],
            filename="organisaties",
        )
    ]

    def get_urls(self):
        # The convenant report inside the admin: /admin/partners/organisation/rapportage/.
        report = path("rapportage/", self.admin_site.admin_view(self.report_view), name="partners_report")
        return [report, *super().get_urls()]

    def report_view(self, request):
        """The convenant report for staff who may view cases; exports with ?format=csv|xlsx."""
        from .views import report_context

        if not request.user.has_perm("cases.view_case"):
            raise PermissionDenied
        context = report_context(request)
        export = exports.export_response(request, context["report"], request.GET.get("format"))
        if export is not None:
            return export
        context.update(self.admin_site.each_context(request), title=_("Convenant report"))
        return TemplateResponse(request, "admin/partners/report.html", context)


@admin.register(Convenant)
class ConvenantAdmin(admin.ModelAdmin):
    list_display = ["title", "signed_on", "starts_on", "ends_on", "area"]
    search_fields = ["title", "area"]
    date_hierarchy = "starts_on"
    inlines = [ConvenantPartyInline]


@admin.register(ConvenantParty)
class ConvenantPartyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "convenant", "yearly_contribution"]
    list_filter = ["convenant", "organisation__kind"]
    list_select_related = ["organisation", "convenant"]
    search_fields = ["organisation__name", "convenant__title"]
    autocomplete_fields = ["convenant", "organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
