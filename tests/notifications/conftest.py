"""Fixtures for the notification engine: cases with canary personal data, coordinators, rows.

The real-service fixtures (SMTP server, Celery worker processes) live in services.py; importing
them here registers them. They start nothing until a test asks for them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from buurtbemiddeling.models import Notification, UserPreference
from buurtbemiddeling.roles import Role
from cases.models import Case
from tests import factories
from tests.notifications.services import _smtp_controller, smtp_server, start_worker  # noqa: F401

# Personal data that must never reach an email: each test email is searched for all of these.
CANARIES = {
    "party_a_name": "Canary Anna Aarts",
    "party_b_name": "Canary Bert Bos",
    "party_street": "Kanariestraat",
    "party_house_number": "977-Q",
    "party_postcode": "7599 ZZ",
    "party_phone": "+31611112222",
    "party_email": "anna.aarts@kanarie.example",
    "case_street": "Canaryweg",
    "case_house_number": "313-X",
    "case_postcode": "7598 YY",
    "case_description": "Canary: de hond blaft de hele nacht",
}


def make_case(*, received_at, status="new") -> Case:
    case = factories.CaseFactory(
        status=status,
        received_at=received_at,
        street=CANARIES["case_street"],
        house_number=CANARIES["case_house_number"],
        postcode=CANARIES["case_postcode"],
        description=CANARIES["case_description"],
    )
    for role, name in (("A", CANARIES["party_a_name"]), ("B", CANARIES["party_b_name"])):
        factories.PartyFactory(
            case=case,
            role=role,
            name=name,
            street=CANARIES["party_street"],
            house_number=CANARIES["party_house_number"],
            postcode=CANARIES["party_postcode"],
            phone=CANARIES["party_phone"],
            email=CANARIES["party_email"],
        )
    return case


@pytest.fixture
def overdue_case(db) -> Case:
    """A NEW case received ten calendar days ago: at least six working days, so overdue."""
    return make_case(received_at=timezone.now() - timedelta(days=10))


@pytest.fixture
def english_coordinator(db):
    user = factories.UserFactory(username="coordinator-en", roles=[Role.COORDINATOR])
    UserPreference.objects.create(user=user, language=UserPreference.Language.ENGLISH)
    return user


def make_notification(*, recipient, subject=None, kind=Notification.Kind.INTAKE_OVERDUE, **fields) -> Notification:
    defaults = {
        "key": f"test:{kind}:{getattr(subject, 'pk', '-')}:{recipient.pk}:{Notification.objects.count()}",
        "due_at": timezone.now(),
    }
    if subject is not None:
        defaults |= {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}
    return Notification.objects.create(kind=kind, recipient=recipient, **(defaults | fields))
