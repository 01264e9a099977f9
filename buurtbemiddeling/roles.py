"""The four roles of DESIGN.md, kept as Django groups. One place names them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEDIATOR = "mediator", _("Mediator")
    REFERRER = "referrer", _("Referrer")
    STEERING_GROUP = "steering_group", _("Steering group")


# The user's group names, set on the user object: by the authentication backend, which loads them with the
# user of a session (accounts.backends), or by has_role at the first check of any other user object.
ROLE_NAMES_ATTRIBUTE = "_role_names"
# The pk of the user's mediator record (None: not a mediator), set by the same backend with the user of a
# session; mediators.querysets.AssignmentQuerySet.of_user reads it instead of looking the mediator up.
MEDIATOR_PK_ATTRIBUTE = "_mediator_pk"


def has_role(user, role: Role) -> bool:
    """True when an active, logged-in user belongs to the role's group.

    The group names are read once per user object and kept on it, so navigation and guards do not
    query for every check; the user of a request comes with them (accounts.backends).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    names = getattr(user, ROLE_NAMES_ATTRIBUTE, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        setattr(user, ROLE_NAMES_ATTRIBUTE, names)
    return role.value in names


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def is_mediator(user) -> bool:
    return has_role(user, Role.MEDIATOR)


def is_referrer(user) -> bool:
    return has_role(user, Role.REFERRER)


def is_steering_group(user) -> bool:
    return has_role(user, Role.STEERING_GROUP)


# Apps whose models the coordinator manages in Django admin (DESIGN: coordinators see everything).
COORDINATOR_ADMIN_APPS = ("partners", "cases", "mediators", "buurtbemiddeling", "django_celery_beat")


def grant_coordinator_permissions(**kwargs) -> None:
    """Give the coordinator group every permission on the domain apps.

    Connected to post_migrate, so a model added later is covered at the next migrate.
    Coordinators also need is_staff to open the admin; that is set per user.
    """
    from django.contrib.auth.models import Group, Permission

    # Every role's group, not only the coordinator's: a database flush (as between transactional
    # tests) empties the groups that partners' data migration created, and post_migrate follows it.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    group = Group.objects.get(name=Role.COORDINATOR.value)
    permissions = Permission.objects.filter(content_type__app_label__in=COORDINATOR_ADMIN_APPS)
    group.permissions.add(*permissions)
