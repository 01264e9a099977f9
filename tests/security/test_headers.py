"""Content-Security-Policy on every page; no-store on every page with personal data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


def assert_csp(response):
    policy = response["Content-Security-Policy"]
    parts = sorted(part.strip() for part in policy.split(";"))
    assert parts == sorted(DIRECTIVES)


def test_the_login_page_has_the_content_security_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_csp(response)


def test_a_case_page_has_the_content_security_policy_and_is_not_stored(client, coordinator, referred_case):
    client.force_login(coordinator)

    response = client.get(reverse("cases:detail", args=[referred_case.code]))

    assert response.status_code == 200
    assert_csp(response)
    assert "no-store" in response["Cache-Control"]


def test_the_admin_has_the_content_security_policy(admin_client):
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"), reverse("admin:auth_user_add")):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_csp(response)
        assert "no-store" in response["Cache-Control"]


def test_the_home_page_of_a_logged_in_user_is_not_stored(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"


def test_a_public_page_for_a_visitor_may_be_cached(client):
    response = client.get(reverse("public:privacy"))

    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_a_public_form_answer_is_not_stored(client):
    response = client.post(reverse("public:report"), {})

    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(settings, coordinator):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new client builds its middleware with these settings
    client.force_login(coordinator)

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
