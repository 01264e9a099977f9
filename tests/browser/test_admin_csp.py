"""The admin works under the Content-Security-Policy: its scripts run and nothing is refused."""

import re

import pytest
from django.contrib.auth.models import User

from tests import factories
from tests.two_step import current_code, give_device

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_runs_its_scripts_without_a_csp_violation(page):
    factories.UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    factories.UserFactory(username="iemand-anders")
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/login/\?next=/admin/$"))
    # The admin's own login form, then the second step every admin user gives.
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    device = give_device(User.objects.get(username="beheerder"))
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/tweestaps/controle/\?next=%2Fadmin%2F$"))
    page.locator("#two-step-verify-form input[name=code]").fill(current_code(device))
    page.locator("#two-step-verify-form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto("/admin/auth/user/")
    # actions.js: "select all" ticks every row and shows the count.
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == 2
    assert "2 van de 2 geselecteerd" in page.locator(".action-counter").inner_text()

    page.goto("/admin/auth/user/add/")
    page.get_by_role("button", name="Opslaan", exact=True).first.wait_for()

    assert violations == []
