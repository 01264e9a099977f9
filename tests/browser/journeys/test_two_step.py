"""The two-step verification screens of a coordinator's first and second login, under axe-core and vnu."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from buurtbemiddeling.roles import Role
from tests import factories
from tests.two_step import fresh_code

pytestmark = pytest.mark.django_db(transaction=True)


def submit_password(page, username):
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form[action$='/login/'] button[type=submit]").click()


def test_two_step_screens(page, screens):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])

    page.goto("/login/")
    screens.check(page, "login")
    submit_password(page, "coordinator")
    page.wait_for_url(re.compile(r"/tweestaps/instellen/"))
    screens.check(page, "enrol")

    page.locator("#two-step-enrol-form input[name=code]").fill("000000")
    page.locator("#two-step-enrol-form button[type=submit]").click()
    page.locator("#two-step-enrol-form input[name=code][aria-invalid=true]").wait_for()
    screens.check(page, "enrol-wrong-code", english=False)

    # django-otp throttles after a wrong code (1 s after the first): a person reads the message first.
    page.wait_for_timeout(2_000)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.locator("#two-step-enrol-form input[name=code]").fill(f"{totp(key):06d}")
    page.locator("#two-step-enrol-form button[type=submit]").click()
    page.locator("#backup-codes li").first.wait_for()
    screens.check(page, "backup-codes", english=False)

    page.goto("/tweestaps/")
    screens.check(page, "two-step-settings")

    with page.expect_navigation():
        page.locator("form[action$='/logout/'] button[type=submit]").click()
    page.goto("/login/")
    submit_password(page, "coordinator")
    page.wait_for_url(re.compile(r"/tweestaps/controle/"))
    screens.check(page, "verify")
    device = TOTPDevice.objects.get(user__username="coordinator")
    page.locator("#two-step-verify-form input[name=code]").fill(fresh_code(device))
    page.locator("#two-step-verify-form button[type=submit]").click()
    page.wait_for_url("**/zaken/coordinatie/")
