"""Recruitment: the public application, the pipeline, and accepting a volunteer as a mediator."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling import notifications
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role

from ..models import APPLICATION_TRANSITIONS, Mediator, VolunteerApplication
from .pool import normalise_postcode

logger = logging.getLogger(__name__)
User = get_user_model()
Kind = Notification.Kind


@dataclass(frozen=True)
class ApplicationData:
    name: str
    email: str
    phone: str = ""
    postcode: str = ""
    languages: tuple[str, ...] = ()
    motivation: str = ""


@transaction.atomic
def submit_application(*, data: ApplicationData, received_at: datetime | None = None) -> VolunteerApplication:
    """A "word buurtbemiddelaar" application from the public form; it starts as NEW."""
    application = VolunteerApplication(
        name=data.name.strip(),
        email=data.email.strip().lower(),
        phone=data.phone.strip(),
        postcode=normalise_postcode(data.postcode) if data.postcode else "",
        languages=sorted(set(data.languages)),
        motivation=data.motivation.strip(),
        received_at=received_at or timezone.now(),
    )
    application.full_clean(exclude=["mediator"])
    application.save()
    logger.info("volunteer application %s received", application.pk)
    return application


def _lock_application(application: VolunteerApplication, new_status: str) -> VolunteerApplication:
    locked = VolunteerApplication.objects.select_for_update().get(pk=application.pk)
    if new_status not in APPLICATION_TRANSITIONS.get(locked.status, frozenset()):
        raise DomainError(
            _("An application with status “%(old)s” cannot move to “%(new)s”.")
            % {
                "old": VolunteerApplication.Status(locked.status).label,
                "new": VolunteerApplication.Status(new_status).label,
            }
        )
    return locked


@transaction.atomic
def move_application(*, application: VolunteerApplication, new_status: str, actor) -> VolunteerApplication:
    """Move an application along the pipeline; accepting goes through accept_application."""
    if new_status == VolunteerApplication.Status.ACCEPTED:
        raise DomainError(_("Accept an application with the form that creates the mediator's account."))
    locked = _lock_application(application, new_status)
    old_status = locked.status
    locked.status = new_status
    locked.save(update_fields=["status"])
    application.status = new_status
    logger.info(
        "volunteer application %s: %s -> %s by user %s", locked.pk, old_status, new_status, getattr(actor, "pk", None)
    )
    return application


def set_password_key(user, *, again_at: datetime | None = None) -> str:
    return f"set_password:{user.pk}" if again_at is None else f"set_password:{user.pk}:{again_at:%Y%m%dT%H%M%S%f}"


def _schedule_set_password(*, user, now: datetime, key: str) -> None:
    # The reset token is made when the email is rendered (buurtbemiddeling.emails), never stored.
    notifications.schedule(
        [
            Notification(
                kind=Kind.SET_PASSWORD,
                recipient=user,
                subject_type=ContentType.objects.get_for_model(User),
                subject_id=user.pk,
                key=key,
                due_at=now,
            )
        ]
    )


def split_name(name: str) -> tuple[str, str]:
    """The first word is the first name, the rest the last name: "Jan de Vries" → "Jan", "de Vries"."""
    first, _space, rest = name.strip().partition(" ")
    return first, rest.strip()


@transaction.atomic
def accept_application(
    *,
    application: VolunteerApplication,
    home_postcode: str,
    status: str = Mediator.Status.IN_TRAINING,
    certified_on: date | None = None,
    actor,
    now: datetime | None = None,
) -> Mediator:
    """Accept a volunteer: their account (group mediator, no password yet) and Mediator row.

    The new mediator gets an email with a link to choose their password; they log in with their
    email address. The application keeps a link to the mediator it became.
    """
    now = now or timezone.now()
    locked = _lock_application(application, VolunteerApplication.Status.ACCEPTED)
    if status not in {Mediator.Status.APPLICANT, Mediator.Status.IN_TRAINING, Mediator.Status.ACTIVE}:
        raise DomainError(_("A new mediator starts as applicant, in training or active."))
    if status == Mediator.Status.ACTIVE and certified_on is None:
        raise DomainError(_("An active mediator needs the date of their basistraining certificate."))
    username = locked.email.lower()
    if User.objects.filter(username__iexact=username).exists() or User.objects.filter(email__iexact=username).exists():
        raise DomainError(_("There is already an account with this email address."))
    first_name, last_name = split_name(locked.name)
    user = User(username=username, email=locked.email, first_name=first_name, last_name=last_name, is_active=True)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.MEDIATOR.value))
    mediator = Mediator(
        user=user,
        phone=locked.phone,
        home_postcode=normalise_postcode(home_postcode),
        languages=list(locked.languages),
        status=status,
        certified_on=certified_on,
        joined_on=timezone.localdate(now),
    )
    mediator.full_clean()
    mediator.save()
    locked.status = VolunteerApplication.Status.ACCEPTED
    locked.mediator = mediator
    locked.save(update_fields=["status", "mediator"])
    application.status, application.mediator = locked.status, mediator
    _schedule_set_password(user=user, now=now, key=set_password_key(user))
    logger.info(
        "volunteer application %s accepted as mediator %s by user %s",
        locked.pk,
        mediator.pk,
        getattr(actor, "pk", None),
    )
    return mediator


@transaction.atomic
def send_set_password_again(*, mediator: Mediator, actor, now: datetime | None = None) -> None:
    """A fresh set-your-password email, for a mediator whose link expired before they used it."""
    now = now or timezone.now()
    user = mediator.user
    if user.has_usable_password():
        raise DomainError(_("This mediator has already chosen a password."))
    if not user.email:
        raise DomainError(_("This mediator has no email address."))
    _schedule_set_password(user=user, now=now, key=set_password_key(user, again_at=now))
    logger.info(
        "set-password email for mediator %s requested again by user %s", mediator.pk, getattr(actor, "pk", None)
    )
