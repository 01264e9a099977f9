from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from buurtbemiddeling import ratelimit, roles

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no database (the benchmark floor)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker answer; names the one that does not."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    ready = all(ok for ok in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {k: "ok" if v else "failed" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        logger.warning("readyz: database check failed", exc_info=True)
        return False


def _check_broker() -> bool:
    from buurtbemiddeling.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.warning("readyz: broker check failed", exc_info=True)
        return False


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own area; a user with no role sees a short explanation."""
    user = request.user
    if roles.is_coordinator(user):
        return redirect("cases:coordinator_home")
    if roles.is_mediator(user):
        return redirect("mediators:home")
    if roles.is_referrer(user):
        return redirect("cases:referrals")
    if roles.is_steering_group(user):
        return redirect("partners:steering_home")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "home_no_role.html")


def limit_failed_logins(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse login attempts from an address that failed LOGIN_RATE_LIMIT times, with a 429 page.

    On top of django-axes: axes locks one username from one address after a few failures; this
    catches one address trying many usernames. Only failures count (a login page answering a
    POST with 200 re-shows the form; success redirects), so a team behind one office address
    logging in each morning is never limited. Wraps both our login page and the admin's.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        if ratelimit.is_limited(request, group="login", rate=settings.LOGIN_RATE_LIMIT):
            return ratelimit.too_many_requests(request, template="registration/login_rate_limited.html")
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            ratelimit.record(request, group="login", rate=settings.LOGIN_RATE_LIMIT)
        return response

    return wrapped


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): says why and for how long, status 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
