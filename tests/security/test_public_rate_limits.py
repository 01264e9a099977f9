"""Every public form is rate limited per client address and answers 429 with a clear page.

The resident's report and the volunteer application have their own tests (tests/intake,
tests/coordination); login is in test_login_hardening. Here: the password reset request, which
sends an email on every accepted submission.
"""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests import factories

RESET_URL = reverse("password_reset")


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"
    settings.PUBLIC_FORM_RATE_LIMIT = "5/h"


@pytest.fixture
def user(db):
    return factories.UserFactory(username="reset-me", email="reset-me@example.org")


def request_reset(client, email, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def test_the_sixth_reset_request_in_an_hour_gets_a_429_page_and_sends_no_email(client, user):
    assert [request_reset(client, user.email).status_code for _ in range(5)] == [302] * 5
    assert len(mail.outbox) == 5

    with translation.override("nl"):
        response = request_reset(client, user.email, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 429
    assert len(mail.outbox) == 5
    assert reverse("login") in response.content.decode()


def test_reset_requests_for_unknown_addresses_count_too(client, user):
    # Django answers an unknown address like a known one (no account enumeration); a flood of
    # them is still a flood.
    for n in range(5):
        request_reset(client, f"nobody-{n}@example.org")

    assert request_reset(client, user.email).status_code == 429
    assert mail.outbox == []


def test_an_invalid_reset_request_does_not_use_up_the_limit(client, user):
    for _ in range(8):
        assert request_reset(client, "not an address").status_code == 200

    assert [request_reset(client, user.email).status_code for _ in range(5)] == [302] * 5


def test_the_reset_limit_is_per_client_address(client, user):
    for _ in range(5):
        request_reset(client, user.email, REMOTE_ADDR="192.0.2.10")

    assert request_reset(client, user.email, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert request_reset(client, user.email, REMOTE_ADDR="192.0.2.11").status_code == 302


def test_the_reset_form_itself_is_never_limited(client, user):
    for _ in range(6):
        request_reset(client, user.email)

    assert client.get(RESET_URL).status_code == 200
