"""Shared steps of the browser journeys."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from accounts import services as two_step
from tests.two_step import fresh_code, give_device

VERIFY_PATH = "/tweestaps/controle/"


def log_in(page, username: str, password: str) -> None:
    """Log in through the real login form, and give the code from the app when asked.

    Users who must use two-step verification (coordinators, admin users) get a confirmed device
    first if they have none, as if they had enrolled earlier; users who may go without log in with
    their password only, as they do in real life. Afterwards the page is wherever the login sent
    it (the user's home page, or ``next``): wait for that URL in the test.
    """
    user = get_user_model().objects.get(username=username)
    device = two_step.confirmed_totp_device(user)
    if device is None and two_step.requires_two_factor(user):
        device = give_device(user)

    if "/login/" not in page.url:
        page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    # Wait for the POST's answer: wait_for_load_state alone returns at once, the login page
    # being loaded already, and a goto that follows would race (and could cancel) the login.
    with page.expect_navigation():
        page.locator("form[action$='/login/'] button[type=submit]").click()
    if device is None:
        return

    page.wait_for_url(re.compile(re.escape(VERIFY_PATH)))
    # fresh_code: a second login by the same user within one 30-second step is accepted too.
    page.locator("#two-step-verify-form input[name=code]").fill(fresh_code(device))
    page.locator("#two-step-verify-form button[type=submit]").click()
    page.wait_for_url(lambda url: VERIFY_PATH not in url)
