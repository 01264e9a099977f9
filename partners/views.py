from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from buurtbemiddeling.roles import Role, has_role

from . import exports
from .forms import PeriodForm
from .reporting import convenant_report

REPORT_ROLES = (Role.COORDINATOR, Role.STEERING_GROUP)


def any_role_required(*roles: Role):
    """As role_required, for a page several roles may open: anonymous to login, others 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def report_context(request: HttpRequest) -> dict:
    form = PeriodForm(request.GET or None)
    period = form.chosen
    return {"form": form, "period": period, "report": convenant_report(start=period.start, end=period.end)}


@any_role_required(Role.STEERING_GROUP)
@require_safe
def steering_home(request: HttpRequest) -> HttpResponse:
    """The steering group's landing page is the report itself."""
    return render(request, "partners/report.html", report_context(request))


@any_role_required(*REPORT_ROLES)
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    context = report_context(request)
    export = exports.export_response(request, context["report"], request.GET.get("format"))
    if export is not None:
        return export
    return render(request, "partners/report.html", context)
