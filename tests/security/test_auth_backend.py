"""The authentication backend loads the user of a session with their roles, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import ModelBackendWithRoles
from buurtbemiddeling.roles import Role, has_role, is_coordinator, is_mediator, is_referrer, is_steering_group
from tests import factories

pytestmark = pytest.mark.django_db


def roles_of(user) -> set[str]:
    return {role.value for role in Role if has_role(user, role)}


def test_it_loads_the_user_and_every_role_in_one_query(coordinator):
    coordinator.groups.add(Group.objects.get(name=Role.STEERING_GROUP))

    with CaptureQueriesContext(connection) as queries:
        user = ModelBackendWithRoles().get_user(coordinator.pk)
        roles = roles_of(user)

    assert len(queries) == 1
    assert user == coordinator
    assert roles == {Role.COORDINATOR.value, Role.STEERING_GROUP.value}
    assert user.username == coordinator.username and user.email == coordinator.email


def test_a_user_without_a_group_has_no_role_and_no_further_query(db):
    user_without_role = factories.UserFactory()

    with CaptureQueriesContext(connection) as queries:
        user = ModelBackendWithRoles().get_user(user_without_role.pk)
        checks = [is_coordinator(user), is_mediator(user), is_referrer(user), is_steering_group(user)]

    assert user == user_without_role
    assert checks == [False, False, False, False]
    assert len(queries) == 1


def test_an_unknown_or_inactive_user_is_not_loaded(inactive_coordinator):
    backend = ModelBackendWithRoles()

    assert backend.get_user(inactive_coordinator.pk) is None
    assert backend.get_user(10**9) is None


def test_a_role_taken_away_counts_from_the_next_request(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("cases:coordinator_home")).status_code == 200

    coordinator.groups.remove(Group.objects.get(name=Role.COORDINATOR))

    # Not a coordinator any more: the area does not exist for them (buurtbemiddeling.decorators).
    assert client.get(reverse("cases:coordinator_home")).status_code == 404


def test_sessions_are_bound_to_this_backend(client, coordinator):
    client.force_login(coordinator)

    from django.contrib.auth import BACKEND_SESSION_KEY

    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackendWithRoles"


def test_it_loads_the_mediator_pk_in_the_same_query_and_of_user_selects_by_it(db):
    from buurtbemiddeling.roles import MEDIATOR_PK_ATTRIBUTE
    from mediators.models import Assignment

    mediator = factories.MediatorFactory()
    mine = factories.AssignmentFactory(mediator=mediator)
    factories.AssignmentFactory()  # someone else's
    not_a_mediator = factories.UserFactory()

    with CaptureQueriesContext(connection) as queries:
        user = ModelBackendWithRoles().get_user(mediator.user.pk)
        other = ModelBackendWithRoles().get_user(not_a_mediator.pk)
    assert len(queries) == 2
    assert getattr(user, MEDIATOR_PK_ATTRIBUTE) == mediator.pk
    assert getattr(other, MEDIATOR_PK_ATTRIBUTE) is None

    with CaptureQueriesContext(connection) as queries:
        loaded = list(Assignment.objects.of_user(user))
    assert loaded == [mine]
    assert "mediators_mediator" not in queries.captured_queries[0]["sql"], "the mediator was looked up again"
    # The same assignments as for a user object that did not come from the backend.
    assert list(Assignment.objects.of_user(mediator.user)) == loaded
    with CaptureQueriesContext(connection) as queries:
        assert list(Assignment.objects.of_user(other)) == []
    assert len(queries) == 0
