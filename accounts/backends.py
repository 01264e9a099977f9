"""The authentication backend: Django's ModelBackend, with the user's roles and mediator loaded in the same query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import F

from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.roles import MEDIATOR_PK_ATTRIBUTE, ROLE_NAMES_ATTRIBUTE


def _user_with_roles(pk):
    """The user's row once per group (the group's name), with the pk of their mediator record."""
    return (
        get_user_model()
        ._default_manager.filter(pk=pk)
        .annotate(_group_name=F("groups__name"), **{MEDIATOR_PK_ATTRIBUTE: F("mediator__pk")})
        .order_by()
    )


# Asked on every request of a logged-in user: compiled once per process (buurtbemiddeling.precompiled).
user_with_roles = Precompiled(_user_with_roles)


class ModelBackendWithRoles(ModelBackend):
    """Loads the user of a session together with the names of their groups (their roles).

    Every page for a logged-in user asks for the roles (navigation, guards), which would otherwise be a
    second query per request (buurtbemiddeling.roles.has_role). A LEFT JOIN gives one row per group, at
    most one per role; a user without groups gives one row with no name. The pk of their mediator record
    (one-to-one: no more rows) comes along too, for the mediator's pages, which select their assignments
    by it (mediators.querysets.AssignmentQuerySet.of_user).
    """

    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = user_with_roles(pk=user_id)
        if not rows:
            return None
        user = rows[0]
        setattr(user, ROLE_NAMES_ATTRIBUTE, {row._group_name for row in rows if row._group_name is not None})
        return user if self.user_can_authenticate(user) else None
