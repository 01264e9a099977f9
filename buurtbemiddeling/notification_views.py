"""The coordinator's page of notifications that need attention: failed and pending, with resend.

Included from buurtbemiddeling/urls.py as ``path("notificaties/", include(...))``; the URL patterns
live at the bottom of this module.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from buurtbemiddeling import notifications
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Case

PAGE_SIZE = 25
STATUS_FILTERS = {
    "": gettext_lazy("Failed and pending"),
    Notification.Status.FAILED: gettext_lazy("Failed"),
    Notification.Status.PENDING: gettext_lazy("Pending"),
}


class ResendForm(forms.Form):
    notification = forms.ModelChoiceField(queryset=Notification.objects.resendable(), widget=forms.HiddenInput)
    # Where to return to: the list as the coordinator left it.
    status = forms.ChoiceField(choices=[(key, key) for key in STATUS_FILTERS], required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def _list_url(status: str = "", page: int | None = None) -> str:
    query = {key: value for key, value in (("status", status), ("page", page)) if value}
    url = reverse("notifications:list")
    return f"{url}?{urlencode(query)}" if query else url


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    rows = Notification.objects.needing_attention().select_related("recipient").prefetch_related("subject")
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        # Only cases are linked; the digest is about no object.
        notification.case = notification.subject if isinstance(notification.subject, Case) else None
    counts = Notification.objects.aggregate(
        failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
        pending=Count("pk", filter=Q(status=Notification.Status.PENDING)),
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "status": status,
            "filters": [(key, label, _list_url(key)) for key, label in STATUS_FILTERS.items()],
            "counts": counts,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def notification_resend(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("This notification cannot be sent again: it is being sent or was sent already."))
        return redirect(_list_url())
    notification = form.cleaned_data["notification"]
    if notifications.resend(notification=notification, actor=request.user):
        messages.success(request, _("The notification will be sent again within a minute."))
    else:
        messages.warning(request, _("This notification cannot be sent again: it is being sent or was sent already."))
    return redirect(_list_url(form.cleaned_data["status"], form.cleaned_data["page"]))


app_name = "notifications"
urlpatterns = [
    path("", notification_list, name="list"),
    path("opnieuw-versturen/", notification_resend, name="resend"),
]
