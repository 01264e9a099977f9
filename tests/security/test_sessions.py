"""Sessions end after 30 idle minutes, 12 hours after login, and when the user is deactivated."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.two_step import pass_two_step

pytestmark = pytest.mark.django_db


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    # The coordinator's second step, with the code from the app (the clocks run from the password login).
    assert pass_two_step(client, user).status_code == 302
    return response


def is_logged_in(client) -> bool:
    response = client.get(reverse("cases:coordinator_home"))
    return response.status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, coordinator)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert is_logged_in(client)
    # Activity at minute 29 restarts the idle clock.
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert is_logged_in(client)
    with time_machine.travel(start + timedelta(minutes=58 + 30), tick=False):
        response = client.get(reverse("cases:coordinator_home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Uw sessie is beëindigd. Log opnieuw in." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ends_twelve_hours_after_login_however_active(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, coordinator)
    moment = start
    while moment + timedelta(minutes=20) < start + timedelta(hours=12):
        moment += timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert is_logged_in(client), moment - start
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        assert not is_logged_in(client)


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, coordinator):
    log_in(client, coordinator)
    assert is_logged_in(client)

    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])

    response = client.get(reverse("cases:coordinator_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    # Reactivating the account does not bring the old session back.
    coordinator.is_active = True
    coordinator.save(update_fields=["is_active"])
    assert not is_logged_in(client)


def test_the_rest_of_a_request_gets_the_sessions_user_itself_not_a_lazy_stand_in(client, coordinator):
    # SessionLifetimeMiddleware loads the user of a session anyway; it hands on the user, so that views
    # and templates do not look every attribute up through AuthenticationMiddleware's SimpleLazyObject.
    from django.contrib.auth import get_user_model
    from django.utils.functional import SimpleLazyObject

    log_in(client, coordinator)
    response = client.get(reverse("cases:coordinator_home"))
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is get_user_model()
    assert user.pk == coordinator.pk
    # An anonymous request keeps Django's lazy user (nothing loads it unless a view asks).
    client.logout()
    response = client.get(reverse("login"))
    assert type(response.wsgi_request.user) is SimpleLazyObject
    assert not response.wsgi_request.user.is_authenticated
