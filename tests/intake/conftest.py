"""Fixtures for intake: a service area, valid form data, and a rate limit of their own per test."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tests import factories

# Personal data typed into the intake forms; pages and emails that must not show it search for these.
CANARIES = {
    "a_name": "Canary Anna Aarts",
    "a_street": "Kanariestraat",
    "a_phone": "06 11112222",
    "a_email": "anna.aarts@kanarie.example",
    "b_name": "Canary Bert Bos",
    "b_street": "Kanarielaan",
    "description": "Canary: de hond blaft de hele nacht",
    "tried_already": "Canary: briefje in de bus",
}


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Every test counts from zero: the cache (Redis on the second CI pass) outlives a test."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"


@pytest.fixture
def service_area(db):
    """Oost is in the service area since 2014 (7531, 7533); Zuid (7545) has not joined yet."""
    oost = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost", joined_service_on=date(2014, 2, 21))
    dolphia = factories.NeighbourhoodFactory(name="Dolphia", stadsdeel="Oost", joined_service_on=date(2014, 2, 21))
    zuid = factories.NeighbourhoodFactory(name="Wesselerbrink", stadsdeel="Zuid", joined_service_on=None)
    factories.PostcodeAreaFactory(digits="7531", neighbourhood=oost)
    factories.PostcodeAreaFactory(digits="7533", neighbourhood=dolphia)
    factories.PostcodeAreaFactory(digits="7545", neighbourhood=zuid)
    return {"oost": oost, "dolphia": dolphia, "zuid": zuid}


@pytest.fixture
def landlord(db):
    return factories.OrganisationFactory(name="Domijn", kind="woningcorporatie")


def intake_data(**overrides) -> dict:
    """Valid POST data shared by the three intake forms (party A in Oost, party B next door)."""
    data = {
        "a_name": CANARIES["a_name"],
        "a_street": CANARIES["a_street"],
        "a_house_number": "12",
        "a_postcode": "7531ab",
        "a_city": "Enschede",
        "a_phone": CANARIES["a_phone"],
        "a_email": CANARIES["a_email"],
        "a_language": "nl",
        "a_tenure": "",
        "b_name": CANARIES["b_name"],
        "b_street": CANARIES["b_street"],
        "b_house_number": "14",
        "b_postcode": "7531 AB",
        "b_tenure": "",
        "conflict_types": ["noise-people", "pets"],
        "description": CANARIES["description"],
        "tried_already": CANARIES["tried_already"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def referral_data(**overrides) -> dict:
    return intake_data(**{"partner_reference": "OH-2026-17", "consent": "on", **overrides})


def self_report_data(**overrides) -> dict:
    return intake_data(**{"consent": "on", "website": "", **overrides})


def phone_intake_data(**overrides) -> dict:
    return intake_data(**{"intake_channel": "phone", "consent": "on", **overrides})
