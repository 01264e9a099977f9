from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role

from ..dashboard import dashboard_aggregates, work_queue
from ..dashboard_forms import DashboardFilterForm
from ..models import Case
from ..querysets import dashboard_cases

RESULTS_SIZE = 50


@never_cache
@role_required(Role.COORDINATOR)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Key figures, the work queue, and a search over all cases.

    The search term is personal data the coordinator typed (a name, an address): it stays in the
    GET request as in any search box, and is never logged or stored.
    """
    now = timezone.now()
    # htmx asks for a part of the page (the search results, or the work queue when it polls); a
    # history restore and every request without JavaScript get the full page.
    partial = (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
    )
    if partial and request.headers.get("HX-Target") == "work-queue":
        response = render(request, "cases/_dashboard_queue.html", {"queue": work_queue(now=now)})
    else:
        # The full page reads its cached aggregates once, the filter's choices among them.
        today = timezone.localdate(now)
        aggregates = None if partial else dashboard_aggregates(today=today)
        form = DashboardFilterForm(request.GET or None, choices=aggregates and aggregates.filter_choices)
        results = None
        if form.has_filters:
            results = list(dashboard_cases(Case.objects.all(), **form.cleaned_data)[:RESULTS_SIZE])
        context = {"form": form, "results": results, "results_size": RESULTS_SIZE}
        if partial:
            response = render(request, "cases/_dashboard_results.html", context)
        else:
            context |= {
                "figures": aggregates.figures,
                "queue": work_queue(now=now, of_the_day=aggregates.queue_of_the_day),
                "workload": aggregates.workload,
                "today": today,
            }
            response = render(request, "cases/dashboard.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target", "HX-History-Restore-Request"])
    return response
