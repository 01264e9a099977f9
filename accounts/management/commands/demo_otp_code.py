"""Print the current six-digit code of a demo login's authenticator device (development only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts import services


class Command(BaseCommand):
    help = "Print the current two-step verification code of a demo login. Runs only with DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            # With DEBUG off this could be a real installation: the command would be a way around 2FA.
            raise CommandError("demo_otp_code runs only with DEBUG on (development and the demo).")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        device = services.confirmed_totp_device(user)
        if device is None:
            raise CommandError(f"{username!r} has not set up two-step verification.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        remaining = device.step - (int(totp.time) - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"valid for {remaining} more seconds")
