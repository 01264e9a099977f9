"""The volunteer pool: a mediator's profile, weekly availability, absences and training."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from buurtbemiddeling.errors import DomainError

from ..models import Absence, Availability, Mediator, TrainingRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediatorData:
    first_name: str
    last_name: str
    email: str
    phone: str
    home_postcode: str
    languages: tuple[str, ...]
    status: str
    certified_on: date | None
    max_concurrent_cases: int
    yearly_target: int
    joined_on: date | None = None


MEDIATOR_FIELDS = [
    "phone",
    "home_postcode",
    "languages",
    "status",
    "certified_on",
    "max_concurrent_cases",
    "yearly_target",
    "joined_on",
]


def normalise_postcode(postcode: str) -> str:
    """A Dutch postcode as "7511 AB" (from "7511ab"); anything else as typed, trimmed, upper case."""
    compact = postcode.replace(" ", "").upper()
    if len(compact) == 6 and compact[:4].isdigit() and compact[4:].isalpha():
        return f"{compact[:4]} {compact[4:]}"
    return postcode.strip().upper()


@transaction.atomic
def update_mediator(*, mediator: Mediator, data: MediatorData, actor) -> Mediator:
    """Change a mediator's profile. Active means proposable, which needs a basistraining date."""
    if data.status == Mediator.Status.ACTIVE and data.certified_on is None:
        raise DomainError(_("An active mediator needs the date of their basistraining certificate."))
    user = mediator.user
    user.first_name, user.last_name, user.email = data.first_name, data.last_name, data.email
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["first_name", "last_name", "email"])
    mediator.phone = data.phone
    mediator.home_postcode = normalise_postcode(data.home_postcode)
    mediator.languages = sorted(set(data.languages))
    mediator.status = data.status
    mediator.certified_on = data.certified_on
    mediator.max_concurrent_cases = data.max_concurrent_cases
    mediator.yearly_target = data.yearly_target
    mediator.joined_on = data.joined_on
    mediator.full_clean(exclude=["user"])
    mediator.save(update_fields=MEDIATOR_FIELDS)
    logger.info("mediator %s updated by user %s", mediator.pk, getattr(actor, "pk", None))
    return mediator


@transaction.atomic
def set_availability(*, mediator: Mediator, parts: Iterable[tuple[int, str]], actor) -> None:
    """Replace the mediator's weekly availability by ``parts`` ((weekday, part of day) pairs)."""
    wanted = set(parts)
    for weekday, part in wanted:
        if weekday not in Availability.Weekday.values or part not in Availability.Part.values:
            raise DomainError(_("Unknown part of the week."))
    current = {(row.weekday, row.part): row.pk for row in mediator.availability.all()}
    Availability.objects.filter(pk__in=[pk for slot, pk in current.items() if slot not in wanted]).delete()
    Availability.objects.bulk_create(
        [Availability(mediator=mediator, weekday=day, part=part) for day, part in sorted(wanted - set(current))]
    )
    logger.info("availability of mediator %s set by user %s", mediator.pk, getattr(actor, "pk", None))


@transaction.atomic
def add_absence(*, mediator: Mediator, starts_on: date, ends_on: date, reason: str = "", actor) -> Absence:
    absence = Absence(mediator=mediator, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    absence.full_clean()
    absence.save()
    return absence


@transaction.atomic
def remove_absence(*, absence: Absence, actor) -> None:
    absence.delete()


@transaction.atomic
def add_training_record(
    *, mediator: Mediator, kind: str, on: date, hours: Decimal, note: str = "", actor
) -> TrainingRecord:
    record = TrainingRecord(mediator=mediator, kind=kind, date=on, hours=hours, note=note.strip())
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def remove_training_record(*, record: TrainingRecord, actor) -> None:
    record.delete()
