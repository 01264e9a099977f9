"""The five role journeys run on the demo data a new user sees after `make run` (a small, fixed number of cases)."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.browser.a11y import PHONE, Screens

DEMO_PASSWORD = "buurtbemiddeling-demo"  # the README's demo logins
DEMO_CASES = 60


@pytest.fixture
def demo(transactional_db, settings):
    """The demo world (partners, convenant, neighbourhoods, logins, cases in every status)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:journey:{uuid.uuid4().hex}:"
    # Data migrations (conflict types, role groups) are undone by an earlier transactional test's flush.
    importlib.import_module("cases.migrations.0003_conflict_types").create_conflict_types(apps, None)
    importlib.import_module("partners.migrations.0002_role_groups").create_groups(apps, None)
    call_command("seed_demo", cases=DEMO_CASES, force=True, verbosity=0)


@pytest.fixture
def screens(request, page):
    """The screens of this journey; their HTML is validated in one Nu Html Checker run when the test passes."""
    journey = request.node.name.removeprefix("test_")
    checker = Screens(journey)
    checker.watch(page)
    yield checker
    if not getattr(request.node, "journey_failed", False):
        checker.validate_html()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.journey_failed = True


@pytest.fixture
def phone_page(browser, live_server):
    """A phone (375×812) with touch, for the mediator's journey."""
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
