from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role

from ..dashboard import key_figures, work_queue
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
    form = DashboardFilterForm(request.GET or None)
    results = None
    if form.has_filters:
        results = list(dashboard_cases(Case.objects.all(), **form.cleaned_data)[:RESULTS_SIZE])
    return render(
        request,
        "cases/dashboard.html",
        {
            "form": form,
            "results": results,
            "results_size": RESULTS_SIZE,
            "figures": key_figures(today=timezone.localdate(now)),
            "queue": work_queue(now=now),
        },
    )
