"""Two-step verification pages: verify at login, enrol, the account page, backup codes, turn off."""

from __future__ import annotations

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.forms import CodeForm
from buurtbemiddeling.views import limit_failed_logins


def _next_url(request: HttpRequest) -> str:
    """Where the user was going before the detour; only a path on this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    if next_url and next_url != resolve_url(settings.LOGIN_REDIRECT_URL):
        url = f"{url}?{urlencode({'next': next_url})}"
    return url


def _throttled_message(result: services.Verification) -> str:
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second, then try again.",
        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
        result.wait_seconds,
    ) % {"seconds": result.wait_seconds}


def _locked_out(request: HttpRequest) -> HttpResponse:
    """django-axes locked this username for this address: end the half-made login, say why (429)."""
    logout(request)
    # Answered here, with a page that speaks of codes too; AxesMiddleware would otherwise replace
    # it with the wrong-password page (same status, 429).
    request.axes_locked_out = False
    context = {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    return render(request, "accounts/locked_out.html", context, status=429)


@never_cache
@limit_failed_logins
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, or a backup code.

    Wrong codes count three times over: django-otp's throttle on the device (a growing wait), a
    failed login for django-axes (the same lock as wrong passwords: a correct password cannot be
    used to reset the count and keep guessing codes from this address), and LOGIN_RATE_LIMIT for
    the address (limit_failed_logins counts every form shown again after a POST).
    """
    user = request.user
    next_url = _next_url(request)
    if services.session_state(request) != services.PENDING:
        return redirect(next_url)
    if not services.has_two_factor(user):
        if services.requires_two_factor(user):
            return redirect(_with_next("accounts:enrol", next_url))
        services.mark_not_required(request)
        return redirect(next_url)

    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request)

    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_code(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            services.mark_verified(request, result.device)
            if result.used_backup_code:
                left = services.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code; it no longer works. %(count)d backup code is left.",
                        "You used a backup code; it no longer works. %(count)d backup codes are left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        if result.locked_until is not None:
            form.add_error(None, _throttled_message(result))
        else:
            form.add_error("code", _("This code is not correct. Check the time on your phone and try the newest code."))
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request)
    return render(request, "accounts/verify.html", {"form": form, "next_url": next_url})


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, confirm with a code, then the backup codes once."""
    user = request.user
    next_url = _next_url(request)
    state = services.session_state(request)
    if services.has_two_factor(user):
        # A session that has not given its code yet must not set up a second app instead.
        if state == services.PENDING:
            return redirect(_with_next("accounts:verify", next_url))
        return redirect("accounts:two_factor")
    required = services.requires_two_factor(user)
    if state == services.PENDING and not required:
        # The device went away (removed in the admin) and this user may go without.
        services.mark_not_required(request)

    device = services.pending_totp_device(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None, allow_backup_code=False)
    if request.method == "POST" and form.is_valid():
        result, codes = services.confirm_enrolment(user=user, device_id=device.pk, code=form.cleaned_data["code"])
        if result.device is not None:
            services.mark_verified(request, result.device)
            messages.success(request, _("Two-step verification is on."))
            # Shown in the answer to this POST only (no-store): the codes are not shown again.
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next_url": next_url})
        if result.locked_until is not None:
            form.add_error(None, _throttled_message(result))
        else:
            form.add_error("code", _("This code is not correct. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "next_url": next_url,
        "required": required,
        "qr_svg": services.qr_code_svg(device),
        "secret": services.secret_for_display(device),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@require_GET
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The account page: is two-step verification on, backup codes left, renew them, turn it off."""
    user = request.user
    enabled = services.has_two_factor(user)
    context = {
        "enabled": enabled,
        "required": services.requires_two_factor(user),
        "backup_codes_left": services.backup_codes_left(user) if enabled else 0,
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@require_POST
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes; the old ones stop working. Shown in this answer only."""
    codes = services.regenerate_backup_codes(user=request.user)
    if not codes:
        messages.error(request, _("Turn on two-step verification first."))
        return redirect("accounts:two_factor")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "renewed": True})


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    if not services.disable_two_factor(user=request.user):
        messages.error(request, _("Two-step verification is required for your account and cannot be turned off."))
        return redirect("accounts:two_factor")
    services.mark_not_required(request)
    messages.success(request, _("Two-step verification is off."))
    return redirect("accounts:two_factor")
