"""Login hardening: axes lockout per username + address, the login rate limit, password hashing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
WRONG_PASSWORD = "fout-wachtwoord"


@pytest.fixture(autouse=True)
def fresh_rate_limit_counters(settings):
    """Login rate-limit counters of their own: on Redis the default cache outlives the test run."""
    settings.CACHES = {
        **settings.CACHES,
        "login-rate-limit-test": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-test"},
    }
    settings.RATELIMIT_USE_CACHE = "login-rate-limit-test"
    caches["login-rate-limit-test"].clear()


def attempt(client, username, password=WRONG_PASSWORD, address="198.51.100.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_a_username_from_one_address_after_five_failures_with_a_clear_page(client, coordinator):
    for _ in range(4):
        assert attempt(client, coordinator.username).status_code == 200

    response = attempt(client, coordinator.username)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Inloggen is tijdelijk geblokkeerd" in html
    assert "Probeer het over 15 minuten opnieuw." in html
    # Locked out, the right password does not help either.
    response = attempt(client, coordinator.username, password=factories.PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_does_not_block_the_same_user_from_another_address(client, coordinator):
    for _ in range(5):
        attempt(client, coordinator.username)

    response = attempt(client, coordinator.username, password=factories.PASSWORD, address="203.0.113.9")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_the_lockout_ends_after_the_cool_off(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, coordinator.username)
        assert attempt(client, coordinator.username, password=factories.PASSWORD).status_code == 429

    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert attempt(client, coordinator.username, password=factories.PASSWORD).status_code == 429

    # Each attempt during the lockout restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = attempt(client, coordinator.username, password=factories.PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_the_lockout_follows_the_trusted_proxy_address(client, coordinator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": coordinator.username, "password": "fout"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )

    # Same proxy, another client behind it: not locked.
    response = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": factories.PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )
    assert response.status_code == 302


def test_it_limits_failed_logins_per_address_whatever_the_username(client, settings):
    settings.LOGIN_RATE_LIMIT = "3/10m"
    for number in range(3):
        assert attempt(client, f"gok-{number}", address="192.0.2.44").status_code == 200

    response = attempt(client, "gok-4", address="192.0.2.44")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Te veel inlogpogingen" in html
    # Another address is not affected.
    assert attempt(client, "gok-5", address="192.0.2.45").status_code == 200


def test_the_admin_login_has_the_same_limit(client, settings):
    settings.LOGIN_RATE_LIMIT = "3/10m"
    url = reverse("admin:login")
    for number in range(3):
        response = client.post(url, {"username": f"gok-{number}", "password": "fout"}, REMOTE_ADDR="192.0.2.50")
        assert response.status_code == 200

    response = client.post(url, {"username": "gok-4", "password": "fout"}, REMOTE_ADDR="192.0.2.50")

    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.content.decode()


def test_successful_logins_do_not_count_towards_the_rate_limit(client, coordinator, settings):
    settings.LOGIN_RATE_LIMIT = "2/10m"
    for _ in range(3):
        response = attempt(client, coordinator.username, password=factories.PASSWORD, address="192.0.2.60")
        assert response.status_code == 302
        client.post(reverse("logout"))


def test_login_gives_a_new_session_key(client, coordinator):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    response = attempt(client, coordinator.username, password=factories.PASSWORD)

    assert response.status_code == 302
    assert client.session.session_key != before


def test_base_settings_hash_with_argon2_first():
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="buurtbemiddeling.settings.local", VAR_DIR=str(ROOT / "var" / "test-settings")
    )
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.contrib.auth.hashers import make_password;"
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('een-lang-wachtwoord-2026')[:9]);"
        "print(settings.AUTHENTICATION_BACKENDS[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    hasher, prefix, backend = result.stdout.split()
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert prefix == "argon2$ar"
    assert backend == "axes.backends.AxesStandaloneBackend"
