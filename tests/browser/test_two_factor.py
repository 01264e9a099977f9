"""A coordinator's first login: set up the authenticator app from the page, then work."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from buurtbemiddeling.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_enrols_at_first_login_and_lands_on_the_dashboard(page, screenshot):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    page.goto("/zaken/dashboard/")
    page.locator("input[name=username]").fill("coordinator")
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form[action$='/login/'] button[type=submit]").click()

    # Forced enrolment, with where the coordinator was going kept.
    page.wait_for_url(re.compile(r"/tweestaps/instellen/\?next=%2Fzaken%2Fdashboard%2F$"))
    assert page.locator("figure.qr-figure svg.qr-code").is_visible()
    screenshot("enrol")

    # What a person does without a camera: type the key shown into the app; the app computes the code.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert key == TOTPDevice.objects.get(user__username="coordinator").bin_key
    page.locator("#two-step-enrol-form input[name=code]").fill(f"{totp(key):06d}")
    page.locator("#two-step-enrol-form button[type=submit]").click()

    codes = page.locator("#backup-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    screenshot("backup-codes")
    page.locator("a.btn-primary[href='/zaken/dashboard/']").click()
    page.wait_for_url("**/zaken/dashboard/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert violations == []
