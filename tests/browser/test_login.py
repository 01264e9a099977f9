"""Smoke test of the browser harness: a coordinator logs in through the real login page."""

import pytest

from buurtbemiddeling.roles import Role
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_logs_in_and_lands_in_their_area(page, screenshot):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    page.goto("/")
    assert "/login/" in page.url
    screenshot("login")
    log_in(page, "coordinator", factories.PASSWORD)
    page.wait_for_url("**/zaken/coordinatie/")
    screenshot("coordinator-home")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Coördinatie")


def test_a_wrong_password_shows_a_message_and_stays_on_the_login_page(page):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill("wrong-password-123")
    # The click only starts the POST: wait for the answer before reading the page,
    # or the assertions race the navigation (CI once read the old page: no alert).
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    assert "/login/" in page.url
    alert = page.get_by_role("alert")
    assert alert.count() == 1
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in alert.inner_text()
