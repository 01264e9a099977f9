"""Shared fixtures: personas for permission tests and service availability checks."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from accounts import services as two_step
from buurtbemiddeling.roles import Role
from mediators.models import Assignment
from partners.models import Membership
from tests import factories


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item):
    """Skip tests whose service is absent, always with the reason (never silently)."""
    if item.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not _reachable(os.environ.get("REDIS_URL"), 6379):
        pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch), as a new thread would.

    A request through the test client leaves its language active in the thread (the locale middleware
    activates it and nothing deactivates it), so a test that reads a message outside a request got the
    language of the last request of the test before it: English after tests/security/test_two_factor.py.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _force_login_passes_two_step_verification(request, monkeypatch):
    """``client.force_login(user)`` gives a session that has passed two-step verification.

    Coordinators and admin users must give a code from their app after the password
    (accounts.middleware); without this, every test that force-logs-in such a user would meet the
    verification page instead of the page it tests. It marks the session verified the way the
    verification page does (accounts.services.SESSION_STATE), without the django-otp device id that
    page also records (nothing reads it on later requests: OTPMiddleware is not installed).

    A test that checks two-step verification itself opts out with ``@pytest.mark.two_factor``.
    Logging in through the login form (client.post to /login/) is never affected.
    """
    if request.node.get_closest_marker("two_factor"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        if session.get(two_step.SESSION_STATE) == two_step.PENDING:
            session[two_step.SESSION_STATE] = two_step.VERIFIED
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Ons Huis", kind="woningcorporatie")


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory(name="Domijn", kind="woningcorporatie")


@pytest.fixture
def coordinator(db):
    # A fixed name: a random one could contain a name a test asserts is absent from a page.
    return factories.UserFactory(
        username="coordinator", first_name="Corry", last_name="Coördinator", roles=[Role.COORDINATOR]
    )


@pytest.fixture
def referrer(organisation):
    """alice: a referrer of the organisation that referred ``referred_case``."""
    user = factories.UserFactory(username="alice", roles=[Role.REFERRER])
    factories.MembershipFactory(user=user, organisation=organisation, role=Membership.Role.REFERRER)
    return user


@pytest.fixture
def other_referrer(other_organisation):
    """bob: a referrer, but of another organisation."""
    user = factories.UserFactory(username="bob", roles=[Role.REFERRER])
    factories.MembershipFactory(user=user, organisation=other_organisation, role=Membership.Role.REFERRER)
    return user


@pytest.fixture
def steering_member(organisation):
    user = factories.UserFactory(username="stuurgroep", roles=[Role.STEERING_GROUP])
    factories.MembershipFactory(user=user, organisation=organisation, role=Membership.Role.STEERING_GROUP)
    return user


@pytest.fixture
def referred_case(organisation, referrer):
    case = factories.CaseFactory(
        channel="partner_referral", referring_organisation=organisation, referred_by=referrer, partner_reference="OH-1"
    )
    factories.PartyFactory(case=case, role="A", name="Canary Anna Aarts")
    factories.PartyFactory(case=case, role="B", name="Canary Bert Bos")
    return case


@pytest.fixture
def assigned_mediator(referred_case):
    mediator = factories.MediatorFactory(user__username="bemiddelaar-toegewezen")
    factories.AssignmentFactory(case=referred_case, mediator=mediator, status=Assignment.Status.ACCEPTED)
    return mediator.user


@pytest.fixture
def proposed_mediator(referred_case):
    mediator = factories.MediatorFactory(user__username="bemiddelaar-voorgesteld")
    factories.AssignmentFactory(
        case=referred_case, mediator=mediator, role=Assignment.Role.CO, status=Assignment.Status.PROPOSED
    )
    return mediator.user


@pytest.fixture
def unassigned_mediator(db):
    return factories.MediatorFactory(user__username="bemiddelaar-ander").user


@pytest.fixture
def inactive_coordinator(db):
    return factories.UserFactory(username="oud-coordinator", roles=[Role.COORDINATOR], is_active=False)
