"""Two-step verification: who needs it, enrolment, verification, backup codes.

Devices are django-otp's: one TOTPDevice (the authenticator app) and one StaticDevice holding the
backup codes. Whether a session still owes its second step is kept in the session itself (one key,
set at every login), so the middleware decides without a database query on every request. The
verified device is also recorded the django-otp way (``django_otp.login``: its id in the session), but
django-otp's OTPMiddleware is not installed: it would look that device up on every request to offer
``request.user.is_verified()``, which nothing here uses; the session state is the gate.

Secrets and codes are never logged: not the TOTP key, not a code a user typed, not a backup code.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from buurtbemiddeling import roles

# Session key: where this session stands with its second step.
SESSION_STATE = "_two_step"
NOT_REQUIRED = "not_required"  # no device and no duty to have one
PENDING = "pending"  # password given; the code (or enrolment) still owed
VERIFIED = "verified"  # second step done in this session

TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

_SPACES = re.compile(r"[\s-]+")
_TOTP_CODE = re.compile(r"^[0-9]{6}$")
_BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


def requires_two_factor(user) -> bool:
    """Coordinators and everyone who can open the admin must use two-step verification."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or roles.is_coordinator(user)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- the session ------------------------------------------------------------------------------------------------


def state_for(user) -> str:
    return PENDING if requires_two_factor(user) or has_two_factor(user) else NOT_REQUIRED


def start_session_state(sender, request: HttpRequest, user, **kwargs) -> None:
    """Receiver of ``user_logged_in``: every login (ours, the admin's, force_login) starts unverified."""
    request.session[SESSION_STATE] = state_for(user)


def session_state(request: HttpRequest) -> str:
    """The session's state; a session from before two-step verification existed gets one now."""
    state = request.session.get(SESSION_STATE)
    if state not in (NOT_REQUIRED, PENDING, VERIFIED):
        state = state_for(request.user)
        request.session[SESSION_STATE] = state
    return state


def mark_verified(request: HttpRequest, device) -> None:
    """The second step succeeded: a new session key (the unverified one is worth nothing now)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_STATE] = VERIFIED


def mark_not_required(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_STATE] = NOT_REQUIRED


# --- codes ------------------------------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What the user typed, without spaces or dashes, lower case (backup codes are base32)."""
    return _SPACES.sub("", raw or "").lower()


def is_well_formed(code: str) -> bool:
    return bool(_TOTP_CODE.match(code) or _BACKUP_CODE.match(code))


@dataclass(frozen=True)
class Verification:
    device: object | None = None
    used_backup_code: bool = False
    # Set when the device refused to check the code at all: too many wrong codes, wait until then.
    locked_until: datetime | None = None

    @property
    def wait_seconds(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, math.ceil((self.locked_until - timezone.now()).total_seconds()))


def _check(device, code: str, *, backup: bool) -> Verification:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return Verification(locked_until=(info or {}).get("locked_until") or timezone.now())
    if device.verify_token(code):
        return Verification(device=device, used_backup_code=backup)
    return Verification()


def verify_code(*, user, code: str) -> Verification:
    """Check a six-digit app code or a backup code against the user's confirmed devices.

    Each device throttles itself (OTP_*_THROTTLE_FACTOR): after a wrong code the next check waits
    1, 2, 4, ... seconds, stored on the device, so neither a new session nor a new address helps.
    Rows are locked (select_for_update) so two simultaneous guesses cannot both skip the delay.
    A backup code works once: django-otp deletes it when it matches.
    """
    code = normalise_code(code)
    with transaction.atomic():
        if _TOTP_CODE.match(code):
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
            backup = False
        elif _BACKUP_CODE.match(code):
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
            backup = True
        else:
            return Verification()
        if device is None:
            return Verification()
        return _check(device, code, backup=backup)


# --- enrolment --------------------------------------------------------------------------------------------------


def pending_totp_device(*, user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows; the same one (same secret) until it is confirmed."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            device.full_clean(exclude=["key"])
            device.save()
        return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret for typing into an app, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, made here: the secret never leaves the server."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None)


def confirm_enrolment(*, user, device_id: int, code: str) -> tuple[Verification, list[str]]:
    """Confirm the pending device with a code from the app; then hand out fresh backup codes.

    Returns the verification and, on success, the backup codes (shown once, never again). A wrong
    code changes nothing but the device's throttle counter.
    """
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not _TOTP_CODE.match(code):
            return Verification(), []
        result = _check(device, code, backup=False)
        if result.device is None:
            return result, []
        # One app per user: an older confirmed device (none, in the enrolment flow) gives way.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_backup_codes(user)
    return result, codes


def _replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < settings.OTP_BACKUP_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=token) for token in codes)
    return codes


def regenerate_backup_codes(*, user) -> list[str]:
    """New backup codes; the old ones stop working at once."""
    with transaction.atomic():
        if not has_two_factor(user):
            return []
        return _replace_backup_codes(user)


def disable_two_factor(*, user) -> bool:
    """Remove every device of a user who may go without; False (and nothing removed) for one who may not."""
    if requires_two_factor(user):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    return True
