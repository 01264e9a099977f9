"""Fixtures for duo matching, the pool and recruitment: a case looking for a duo, with canary personal data.

Wijken and postcodes: the case and party A are in Lasonder (7511), party B in De Laares (7531);
the mediators live in Roombeek (7522) unless a test moves them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import ConflictType, Status
from mediators.models import Availability, Mediator
from tests import factories

AMS = ZoneInfo("Europe/Amsterdam")
# A Monday morning; proposals in these tests are made now unless they say otherwise.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=AMS)
TODAY = date(2026, 3, 2)

# Personal data that must never appear on a proposal page or in an email.
CANARIES = {
    "party_a_name": "Canary Anna Aarts",
    "party_b_name": "Canary Bert Bos",
    "party_street": "Kanariestraat",
    "party_house_number": "977-Q",
    "party_phone": "+31611112222",
    "party_email": "anna.aarts@kanarie.example",
    "case_street": "Canaryweg",
    "case_house_number": "313-X",
    "case_description": "Canary: de hond blaft de hele nacht",
    "tried_already": "Canary: briefje in de bus gedaan",
    "party_notes": "Canary: vertrouwelijke notitie",
}


@pytest.fixture
def neighbourhoods(db):
    areas = {}
    for name, district, digits in (
        ("Lasonder", "Centrum", "7511"),
        ("De Laares", "Oost", "7531"),
        ("Roombeek", "Noord", "7522"),
        ("Wesselerbrink", "Zuid", "7544"),
    ):
        neighbourhood = factories.NeighbourhoodFactory(name=name, stadsdeel=district)
        factories.PostcodeAreaFactory(digits=digits, neighbourhood=neighbourhood)
        areas[name] = neighbourhood
    return areas


def make_matching_case(neighbourhoods, *, status=Status.MATCHING, **fields):
    case = factories.CaseFactory(
        status=status,
        received_at=NOW.replace(month=2),
        street=CANARIES["case_street"],
        house_number=CANARIES["case_house_number"],
        postcode="7511 AA",
        neighbourhood=neighbourhoods["Lasonder"],
        description=CANARIES["case_description"],
        tried_already=CANARIES["tried_already"],
        flag_threat=True,
        **fields,
    )
    noise, _ = ConflictType.objects.get_or_create(code="noise_people", defaults={"name": "Geluid van mensen"})
    case.conflict_types.add(noise)
    for role, name, postcode, language in (
        ("A", CANARIES["party_a_name"], "7511 AB", "nl"),
        ("B", CANARIES["party_b_name"], "7531 CD", "tr"),
    ):
        factories.PartyFactory(
            case=case,
            role=role,
            name=name,
            street=CANARIES["party_street"],
            house_number=CANARIES["party_house_number"],
            postcode=postcode,
            phone=CANARIES["party_phone"],
            email=CANARIES["party_email"],
            preferred_language=language,
            confidential_notes=CANARIES["party_notes"],
        )
    return case


@pytest.fixture
def matching_case(neighbourhoods):
    return make_matching_case(neighbourhoods)


def make_mediator(username: str, *, postcode="7522 AB", languages=("nl",), evenings=True, **fields) -> Mediator:
    mediator = factories.MediatorFactory(
        user__username=username,
        user__first_name=username.capitalize(),
        user__last_name="Bemiddelaar",
        home_postcode=postcode,
        languages=list(languages),
        **fields,
    )
    if evenings:
        Availability.objects.bulk_create(
            [Availability(mediator=mediator, weekday=day, part=Availability.Part.EVENING) for day in range(5)]
        )
    return mediator


@pytest.fixture
def lead(neighbourhoods):
    return make_mediator("lotte")


@pytest.fixture
def co(neighbourhoods):
    return make_mediator("cor", languages=("nl", "tr"))


@pytest.fixture
def other_mediator(neighbourhoods):
    return make_mediator("otto")
