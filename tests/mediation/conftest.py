"""Fixtures for steps 4–7: a case in mediation with its duo, canary personal data, frozen time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.models import Meeting, Status
from mediators.models import Assignment
from partners.models import Membership
from tests import factories

AMS = ZoneInfo("Europe/Amsterdam")
# Monday 2 March 2026, 10:00 in Enschede: "now" for every test that takes the ``frozen`` fixture.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)

# Personal data that must never leave the case file: emails, the calendar feed, event texts, 404 pages.
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
    "case_description": "Canary: de hond blaft de hele nacht",
    "home_location": "Kanariestraat 977-Q bij de achterdeur",
    "meeting_note": "Canary: partij B huilde tijdens het gesprek",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_case(*, status=Status.IN_MEDIATION, received_at=None, referring_organisation=None, referred_by=None):
    case = factories.CaseFactory(
        status=status,
        received_at=received_at or timezone.now() - timedelta(days=30),
        street=CANARIES["case_street"],
        house_number=CANARIES["case_house_number"],
        description=CANARIES["case_description"],
        channel="partner_referral" if referring_organisation else "web_form",
        referring_organisation=referring_organisation,
        referred_by=referred_by,
        neighbourhood=factories.NeighbourhoodFactory(name="Roombeek", stadsdeel="Noord"),
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
            email=CANARIES["party_email"] if role == "A" else f"b-{case.pk}@kanarie.example",
        )
    return case


def assign(case, mediator, *, role=Assignment.Role.LEAD, status=Assignment.Status.ACCEPTED):
    return factories.AssignmentFactory(case=case, mediator=mediator, role=role, status=status)


@pytest.fixture
def lead(db):
    return factories.MediatorFactory(user__username="lead-mediator", user__first_name="Lies", user__last_name="Leider")


@pytest.fixture
def co(db):
    return factories.MediatorFactory(user__username="co-mediator", user__first_name="Cor", user__last_name="Collega")


@pytest.fixture
def partner(db):
    organisation = factories.OrganisationFactory(name="Ons Huis", kind="woningcorporatie")
    user = factories.UserFactory(username="verwijzer", roles=["referrer"])
    factories.MembershipFactory(user=user, organisation=organisation, role=Membership.Role.REFERRER)
    return organisation, user


@pytest.fixture
def case(frozen, lead, co, partner):
    """A referred case in mediation with an accepted duo: ``lead`` (lead) and ``co`` (co)."""
    organisation, referrer = partner
    case = make_case(referring_organisation=organisation, referred_by=referrer)
    assign(case, lead, role=Assignment.Role.LEAD)
    assign(case, co, role=Assignment.Role.CO)
    return case


def plan(case, *, by, start, minutes=90, kind=Meeting.Kind.JOINT, mediators=None, **extra):
    from cases.services import plan_meeting

    return plan_meeting(
        case=case,
        actor=by.user if hasattr(by, "user") else by,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        location_kind=extra.pop("location_kind", Meeting.LocationKind.NEUTRAL),
        location=extra.pop("location", "Wijkcentrum De Schakel"),
        mediators=mediators
        if mediators is not None
        else [a.mediator for a in case.assignments.filter(status="accepted")],
        **extra,
    )


def at(day: int, hour: int, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)
