"""mediators.querysets.mediator_pk_of: the mediator behind a user, from the request's user without a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.backends import ModelBackendWithRoles
from buurtbemiddeling.roles import Role
from mediators.querysets import mediator_pk_of
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_user_of_a_request_brings_the_pk(django_assert_num_queries):
    mediator = factories.MediatorFactory()
    user = ModelBackendWithRoles().get_user(mediator.user.pk)
    with django_assert_num_queries(0):
        assert mediator_pk_of(user) == mediator.pk


def test_another_user_object_costs_one_query(django_assert_num_queries):
    mediator = factories.MediatorFactory()
    with django_assert_num_queries(1):
        assert mediator_pk_of(mediator.user) == mediator.pk


@pytest.mark.parametrize("loaded", [True, False])
def test_no_mediator_record_inactive_or_anonymous_is_none(loaded):
    without = factories.UserFactory(roles=[Role.MEDIATOR])
    inactive = factories.MediatorFactory().user
    inactive.is_active = False
    inactive.save()
    backend = ModelBackendWithRoles()
    users = [without, inactive]
    if loaded:
        users = [backend.get_user(without.pk), inactive]  # an inactive user is no request's user
    assert [mediator_pk_of(user) for user in users] == [None, None]
    assert mediator_pk_of(AnonymousUser()) is None
