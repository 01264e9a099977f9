"""A year of known cases (2025) with every figure of the convenant report computed by hand.

Times are local (Europe/Amsterdam); no interval crosses a daylight-saving change, so a day is 24 h.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import ConflictType, Outcome, Status
from mediators.models import Assignment, Mediator, TrainingRecord, VolunteerApplication
from partners.models import Convenant
from tests import factories

AMS = ZoneInfo("Europe/Amsterdam")
CANARY = "Canary Piet Pieterse"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture
def frozen():
    with time_machine.travel(local(2026, 6, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def year_2025(db, frozen):
    ons_huis = factories.OrganisationFactory(name="Ons Huis")
    domijn = factories.OrganisationFactory(name="Domijn")
    velve = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost")
    deppenbroek = factories.NeighbourhoodFactory(name="Deppenbroek", stadsdeel="Oost")
    boswinkel = factories.NeighbourhoodFactory(name="Boswinkel", stadsdeel="Noord")
    noise = ConflictType.objects.create(code="geluid-test", name="Geluid", name_en="Noise", position=1)
    parking = ConflictType.objects.create(code="parkeren-test", name="Parkeren", name_en="Parking", position=2)
    Convenant.objects.create(
        title="Convenant Buurtbemiddeling Enschede",
        signed_on=date(2014, 2, 10),
        starts_on=date(2014, 2, 21),
        ends_on=date(2017, 2, 20),
        area="Stadsdeel Oost",
    )

    def case(**fields):
        conflict_types = fields.pop("conflict_types", [])
        made = factories.CaseFactory(**fields)
        made.conflict_types.add(*conflict_types)
        return made

    c1 = case(
        channel="partner_referral",
        referring_organisation=ons_huis,
        neighbourhood=velve,
        conflict_types=[noise, parking],
        received_at=local(2025, 1, 6, 9),
        first_contact_at=local(2025, 1, 8, 9),
        matched_at=local(2025, 1, 20, 9),
        closed_at=local(2025, 3, 1, 9),
        status=Status.CLOSED,
        outcome=Outcome.RESOLVED_JOINT_MEETING,
    )
    factories.PartyFactory(case=c1, role="A", name=CANARY)
    c2 = case(
        channel="web_form",
        neighbourhood=velve,
        conflict_types=[noise],
        received_at=local(2025, 2, 3, 10),
        first_contact_at=local(2025, 2, 12, 10),  # after the deadline (Mon 10 Feb 10:00)
        matched_at=local(2025, 2, 17, 10),
        closed_at=local(2025, 3, 28, 10),
        status=Status.CLOSED,
        outcome=Outcome.NOT_RESOLVED,
    )
    case(
        channel="phone",
        referring_organisation=domijn,
        neighbourhood=boswinkel,
        conflict_types=[parking],
        received_at=local(2025, 3, 3, 8),
        first_contact_at=local(2025, 3, 4, 8),
        closed_at=local(2025, 3, 5, 8),
        status=Status.NOT_SUITABLE,
        not_suitable_reason="Psychiatrie",
    )
    case(
        channel="partner_referral",
        referring_organisation=ons_huis,
        neighbourhood=deppenbroek,
        conflict_types=[noise],
        received_at=local(2025, 5, 5, 12),
        first_contact_at=local(2025, 5, 9, 12),
        closed_at=local(2025, 5, 20, 12),
        status=Status.CLOSED,
        outcome=Outcome.RESOLVED_AT_INTAKE,
    )
    # Closed and reopened: lifecycle cleared closed_at and outcome.
    c5 = case(
        channel="web_form",
        neighbourhood=deppenbroek,
        received_at=local(2025, 6, 2, 9),
        first_contact_at=local(2025, 6, 3, 9),
        matched_at=local(2025, 6, 10, 9),
        status=Status.IN_MEDIATION,
    )
    # 31 December 23:30 local is 22:30 UTC: December, 2025.
    case(channel="email", received_at=local(2025, 12, 31, 23, 30), status=Status.NEW)
    # 1 January 00:30 local is still 31 December in UTC: 2026, not in the report.
    case(channel="walk_in", neighbourhood=velve, conflict_types=[noise], received_at=local(2026, 1, 1, 0, 30))
    # Received in 2024, matched and closed in 2025.
    c8 = case(
        channel="phone",
        referring_organisation=domijn,
        neighbourhood=boswinkel,
        received_at=local(2024, 12, 20, 10),
        first_contact_at=local(2024, 12, 23, 10),
        matched_at=local(2025, 1, 2, 10),
        closed_at=local(2025, 1, 15, 10),
        status=Status.CLOSED,
        outcome=Outcome.RESOLVED_SEPARATE_TALKS,
    )
    case(
        channel="web_form",
        neighbourhood=boswinkel,
        received_at=local(2025, 7, 1, 10),
        first_contact_at=local(2025, 7, 11, 10),  # after the deadline (Tue 8 Jul 10:00)
        status=Status.WAITING,
    )

    m1 = factories.MediatorFactory(yearly_target=12)
    m2 = factories.MediatorFactory(yearly_target=12)
    m3 = factories.MediatorFactory(yearly_target=12, certified_on=None, joined_on=date(2025, 4, 1))
    m4 = factories.MediatorFactory(status=Mediator.Status.STOPPED, joined_on=date(2024, 5, 1))
    for mediator, received in ((m3, local(2025, 1, 10, 9)), (m4, local(2024, 3, 1, 9))):
        VolunteerApplication.objects.create(
            name="Vrijwilliger",
            email=f"v{mediator.pk}@example.nl",
            received_at=received,
            status=VolunteerApplication.Status.ACCEPTED,
            mediator=mediator,
        )
    for mediator, day, hours in (
        (m1, date(2025, 3, 1), "3.5"),
        (m2, date(2025, 11, 30), "2"),
        (m1, date(2024, 12, 31), "5"),
        (m2, date(2026, 1, 1), "4"),
    ):
        TrainingRecord.objects.create(mediator=mediator, kind="intervisie", date=day, hours=Decimal(hours))
    completed, accepted, declined = (
        Assignment.Status.COMPLETED,
        Assignment.Status.ACCEPTED,
        Assignment.Status.DECLINED,
    )
    for assigned_case, mediator, role, status in (
        (c1, m1, "lead", completed),
        (c1, m2, "co", completed),
        (c2, m1, "lead", completed),
        (c2, m3, "co", declined),
        (c8, m2, "lead", accepted),
        (c5, m3, "lead", accepted),
    ):
        factories.AssignmentFactory(case=assigned_case, mediator=mediator, role=role, status=status)
