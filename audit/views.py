"""A case's access log, for coordinators: who opened which of its personal data, and when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role
from cases.access import get_case_for_user

PAGE_SIZE = 50


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def case_access_log(request: HttpRequest, code) -> HttpResponse:
    # Not itself recorded: the page shows users and labels, no personal data of the case.
    case = get_case_for_user(request.user, code)
    records = case.access_records.select_related("user").only(
        "at", "action", "user__first_name", "user__last_name", "user__username", "case_id"
    )
    page = Paginator(records.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/case_access_log.html", {"case": case, "page": page})
