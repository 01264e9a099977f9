"""Two-step verification in tests: the code an authenticator app would show, and giving it."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services


def give_device(user) -> TOTPDevice:
    """The user's confirmed authenticator device, made now if they have none (as if enrolled earlier)."""
    device = services.confirmed_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=services.TOTP_DEVICE_NAME, confirmed=True)
    return device


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or ``steps_ahead`` 30-second steps later), computed from the secret."""
    code = totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits)
    return f"{code:0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now, even if this test already used the current one.

    django-otp refuses a code of a time step it has seen (replay protection); a test that logs
    the same user in twice within 30 seconds forgets that step first.
    """
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return current_code(device)


def pass_two_step(client, user, *, next_url: str = "", follow: bool = False):
    """After the password: give the code, as the user would on the verification page."""
    device = give_device(user)
    data = {"code": fresh_code(device), "next": next_url}
    return client.post(reverse("accounts:verify"), data, follow=follow)
