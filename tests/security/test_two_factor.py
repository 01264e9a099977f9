"""Two-step verification: required for coordinators and admin users, optional for everyone else.

Logins go through the real login form; codes are computed from the device's secret as an
authenticator app would (django_otp.oath.totp), never patched.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from buurtbemiddeling.roles import Role
from tests import factories
from tests.two_step import current_code, give_device, pass_two_step

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

ENROL = reverse("accounts:enrol")
VERIFY = reverse("accounts:verify")
ACCOUNT = reverse("accounts:two_factor")


@pytest.fixture
def client(client):
    # English pages: the assertions on messages must not depend on the Dutch translation.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="beheer", is_staff=True, is_superuser=True)


@pytest.fixture
def mediator(db):
    return factories.MediatorFactory(user__username="bemiddelaar").user


def log_in(client, user, *, next_url: str = ""):
    data = {"username": user.username, "password": factories.PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, "the password login itself failed"
    return response


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Walk through enrolment as the user would; returns the device and the backup codes shown."""
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": current_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li class=\"col\">([a-z2-7]{8})</li>", response.content.decode())
    return device, codes


# --- who must, who may --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/zaken/coordinatie/", "/zaken/dashboard/", "/notificaties/", "/admin/", "/admin/auth/user/", ACCOUNT],
)
def test_a_coordinator_without_a_device_must_enrol_before_any_page(client, coordinator, path):
    log_in(client, coordinator)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_an_admin_user_without_a_device_must_enrol_before_the_admin(client, superuser):
    log_in(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fadmin%2F"


def test_an_admin_user_reaches_the_admin_after_enrolling(client, superuser):
    log_in(client, superuser)
    enrol(client, superuser)
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_leads_to_the_second_step_too(client, superuser):
    give_device(superuser)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": superuser.username, "password": factories.PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith(VERIFY)


def test_a_pending_session_may_still_log_out_switch_language_and_reach_health_checks(client, coordinator):
    log_in(client, coordinator)
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": ENROL})["Location"] == ENROL
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/zaken/coordinatie/")["Location"].startswith(reverse("login"))


def test_a_coordinator_with_a_device_is_asked_for_the_code(client, coordinator):
    give_device(coordinator)
    log_in(client, coordinator)
    response = client.get("/zaken/coordinatie/")
    assert response["Location"] == f"{VERIFY}?next=%2Fzaken%2Fcoordinatie%2F"
    # Enrolling a second app instead of giving the code is not a way around it.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_a_mediator_logs_in_with_the_password_only(client, mediator):
    log_in(client, mediator)
    assert client.get(reverse("mediators:home")).status_code == 200
    assert not TOTPDevice.objects.filter(user=mediator).exists()


# --- enrolment ----------------------------------------------------------------------------------------------------


def test_enrolment_with_the_code_from_the_app_turns_it_on_and_shows_backup_codes_once(client, coordinator):
    log_in(client, coordinator)
    device, codes = enrol(client, coordinator)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == sorted(codes)
    assert client.get("/zaken/coordinatie/").status_code == 200
    # The account page does not show them again.
    page = client.get(ACCOUNT).content.decode()
    assert not any(code in page for code in codes)
    assert "10 unused backup codes" in page


def test_the_enrolment_page_shows_an_inline_qr_code_and_the_secret_without_external_urls(client, coordinator):
    log_in(client, coordinator)
    html = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert re.search(r"<svg[^>]*class=\"qr-code\"", html)
    assert services.secret_for_display(device) in html
    assert not re.search(r"(src|href|action)=\"(https?:)?//", html)
    assert "data:" not in html
    # The same secret until it is confirmed: a reload does not break a half-done scan.
    client.get(ENROL)
    assert TOTPDevice.objects.get(user=coordinator, confirmed=False).key == device.key


def test_a_wrong_code_at_enrolment_says_so_and_changes_nothing(client, coordinator):
    log_in(client, coordinator)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=coordinator)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "This code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert client.get("/zaken/coordinatie/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("garbage", ["", "12345", "abcdefgh", "1" * 40, "<script>", "12 34 5x"])
def test_malformed_codes_get_a_message_not_an_error(client, coordinator, garbage):
    log_in(client, coordinator)
    client.get(ENROL)
    response = client.post(ENROL, {"code": garbage})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    give_device(coordinator)
    response = client.post(VERIFY, {"code": garbage})
    assert response.status_code == 200
    assert client.get("/zaken/coordinatie/").status_code == 302


# --- verification -------------------------------------------------------------------------------------------------


def test_the_code_from_the_app_verifies_the_session(client, coordinator):
    device = give_device(coordinator)
    log_in(client, coordinator)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get("/zaken/coordinatie/").status_code == 200
    # A new session key once verified, and the django-otp way of saying so.
    assert client.session.session_key != key_before
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_verified_session_is_let_through_by_its_state_without_a_device_query(client, coordinator):
    """The gate is the session's state: later pages do not look the device up again (no OTPMiddleware)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    device = give_device(coordinator)
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/zaken/coordinatie/").status_code == 200
    assert queries.captured_queries, "the page ran no query at all: the capture is not measuring it"
    assert not [query for query in queries.captured_queries if TOTPDevice._meta.db_table in query["sql"]]


def test_a_used_code_cannot_be_replayed_in_another_session(client, coordinator):
    from django.test import Client

    device = give_device(coordinator)
    code = current_code(device)
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    log_in(other, coordinator)
    assert other.post(VERIFY, {"code": code}).status_code == 200
    assert other.get("/zaken/coordinatie/").status_code == 302


def test_a_backup_code_works_exactly_once(client, coordinator):
    give_device(coordinator)
    codes = services.regenerate_backup_codes(user=coordinator)
    log_in(client, coordinator)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[0][0] == "/"
    assert "9 backup codes are left" in response.content.decode()
    client.post(reverse("logout"))

    log_in(client, coordinator)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert client.get("/zaken/coordinatie/").status_code == 302
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9


def test_repeated_wrong_codes_are_throttled_with_a_clear_message(client, coordinator):
    device = give_device(coordinator)
    wrong = current_code(device, steps_ahead=5)
    log_in(client, coordinator)
    for _attempt in range(2):
        client.post(VERIFY, {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    # Now even the right code is not checked until the wait is over.
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.get("/zaken/coordinatie/").status_code == 302


def test_wrong_codes_count_as_failed_logins_for_axes(client, coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only axes stands in the way here
    device = give_device(coordinator)
    wrong = current_code(device, steps_ahead=5)
    log_in(client, coordinator)
    responses = [client.post(VERIFY, {"code": wrong}) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    assert "Wrong codes or passwords were entered too often" in responses[-1].content.decode()
    # The half-made login is gone, and the password does not open a new one from this address.
    assert client.get("/zaken/coordinatie/")["Location"].startswith(reverse("login"))
    response = client.post(reverse("login"), {"username": coordinator.username, "password": factories.PASSWORD})
    assert response.status_code == 429


def test_next_survives_the_detour(client, coordinator):
    device = give_device(coordinator)
    response = log_in(client, coordinator, next_url="/zaken/dashboard/?status=new")
    assert response["Location"] == "/zaken/dashboard/?status=new"
    response = client.get(response["Location"])
    assert response["Location"] == f"{VERIFY}?next=%2Fzaken%2Fdashboard%2F%3Fstatus%3Dnew"
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/zaken/dashboard/?status=new"' in page
    response = client.post(VERIFY, {"code": current_code(device), "next": "/zaken/dashboard/?status=new"})
    assert response["Location"] == "/zaken/dashboard/?status=new"


def test_next_survives_enrolment(client, coordinator):
    log_in(client, coordinator)
    location = client.get("/zaken/dashboard/")["Location"]
    assert location == f"{ENROL}?next=%2Fzaken%2Fdashboard%2F"
    client.get(location)
    device = TOTPDevice.objects.get(user=coordinator)
    html = client.post(ENROL, {"code": current_code(device), "next": "/zaken/dashboard/"}).content.decode()
    assert 'href="/zaken/dashboard/"' in html


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_next_to_another_site_is_ignored(client, coordinator, evil):
    device = give_device(coordinator)
    log_in(client, coordinator)
    response = client.post(VERIFY, {"code": current_code(device), "next": evil})
    assert response["Location"] == "/"


# --- optional for others ------------------------------------------------------------------------------------------


def test_a_mediator_can_turn_it_on_and_off_again(client, mediator):
    log_in(client, mediator)
    html = client.get(ACCOUNT).content.decode()
    assert "Two-step verification is off" in html
    _device, codes = enrol(client, mediator)
    assert len(codes) == 10
    assert client.get(reverse("mediators:home")).status_code == 200
    client.post(reverse("logout"))

    # From now on the mediator's login asks for the code as well.
    log_in(client, mediator)
    assert client.get(reverse("mediators:home"))["Location"].startswith(VERIFY)
    assert pass_two_step(client, mediator).status_code == 302
    assert "Two-step verification is on" in client.get(ACCOUNT).content.decode()

    response = client.post(reverse("accounts:disable"))
    assert response["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=mediator).exists()
    assert not StaticDevice.objects.filter(user=mediator).exists()
    client.post(reverse("logout"))
    log_in(client, mediator)
    assert client.get(reverse("mediators:home")).status_code == 200


def test_a_coordinator_cannot_turn_it_off(client, coordinator):
    log_in(client, coordinator)
    enrol(client, coordinator)
    assert "Turn off two-step verification" not in client.get(ACCOUNT).content.decode()
    response = client.post(reverse("accounts:disable"), follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_a_coordinator_can_make_new_backup_codes_and_the_old_ones_stop_working(client, coordinator):
    log_in(client, coordinator)
    _device, old_codes = enrol(client, coordinator)
    response = client.post(reverse("accounts:backup_codes"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    new_codes = re.findall(r"<li class=\"col\">([a-z2-7]{8})</li>", response.content.decode())
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert sorted(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == sorted(
        new_codes
    )


def test_the_account_pages_need_a_login(client):
    assert client.get(ACCOUNT)["Location"].startswith(reverse("login"))
    assert client.get(VERIFY)["Location"].startswith(reverse("login"))
    assert client.get(ENROL)["Location"].startswith(reverse("login"))
    assert client.post(reverse("accounts:disable"))["Location"].startswith(reverse("login"))


def test_roles_that_may_go_without(db):
    referrer = factories.UserFactory(roles=[Role.REFERRER])
    steering = factories.UserFactory(roles=[Role.STEERING_GROUP])
    coordinator = factories.UserFactory(roles=[Role.COORDINATOR])
    staff = factories.UserFactory(is_staff=True)
    assert not services.requires_two_factor(referrer)
    assert not services.requires_two_factor(steering)
    assert services.requires_two_factor(coordinator)
    assert services.requires_two_factor(staff)


# --- the demo -----------------------------------------------------------------------------------------------------


def test_demo_otp_code_refuses_without_debug(coordinator, settings):
    settings.DEBUG = False
    give_device(coordinator)
    out = StringIO()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_otp_code", "coordinator", stdout=out)
    assert out.getvalue() == ""


def test_demo_otp_code_prints_a_code_that_logs_in(client, coordinator, settings):
    settings.DEBUG = True
    device = give_device(coordinator)
    out = StringIO()
    call_command("demo_otp_code", "coordinator", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"[0-9]{6}", code)
    assert device.key not in out.getvalue()
    log_in(client, coordinator)
    assert client.post(VERIFY, {"code": code}).status_code == 302


def test_force_login_in_other_tests_skips_the_second_step_only_without_this_marker(client, coordinator):
    # This module carries the two_factor marker: force_login leaves the second step owed.
    client.force_login(coordinator)
    assert client.get("/zaken/coordinatie/")["Location"].startswith(ENROL)
