"""manage.py seed_demo: demo logins, cases in every status with a consistent history, safe to re-run."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import demo_data
from cases.management.commands.seed_demo import PASSWORD
from cases.models import (
    TRANSITIONS,
    Agreement,
    Case,
    CaseEvent,
    CaseNumberSequence,
    Channel,
    Meeting,
    Outcome,
    Party,
    Status,
)
from cases.services import CaseData, create_case
from mediators.models import PROPOSAL_EXPIRES_AFTER, Absence, Assignment, Availability, Mediator, TrainingRecord
from partners.models import Convenant, Membership, Organisation

User = get_user_model()

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = datetime(2026, 11, 27, 12, 0, tzinfo=AMSTERDAM)
DEMO_USERNAMES = [
    "coordinator",
    *(f"bemiddelaar{n}" for n in range(1, 9)),
    "verwijzer-onshuis",
    "verwijzer-domijn",
    "verwijzer-politie",
    "verwijzer-gemeente",
    "verwijzer-alifa",
    "stuurgroep",
    "admin",
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [User, Organisation, Convenant, Membership, Mediator, Case, Party, CaseEvent, Assignment, Meeting]
    models += [Agreement, Availability, TrainingRecord, Absence]
    return {model.__name__: model.objects.count() for model in models}


def working_days_between(start, end) -> int:
    day, days = start + timedelta(days=1), 0
    while day <= end:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    with time_machine.travel(TODAY, tick=False):
        yield seed(cases=80)


@pytest.mark.django_db
def test_it_creates_every_demo_login_with_the_demo_password(seeded):
    for username in DEMO_USERNAMES:
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=PASSWORD) is not None, username
    assert User.objects.get(username="coordinator").groups.filter(name="coordinator").exists()
    assert User.objects.get(username="coordinator").is_staff
    assert User.objects.get(username="admin").is_superuser
    # Both must use two-step verification: the demo gives them a device (demo_otp_code prints its code).
    with_device = TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    assert sorted(with_device) == ["admin", "coordinator"]
    referrer = Membership.objects.get(user__username="verwijzer-domijn")
    assert (referrer.organisation.name, referrer.role) == ("Domijn", Membership.Role.REFERRER)
    assert Membership.objects.get(user__username="stuurgroep").role == Membership.Role.STEERING_GROUP
    proposable = [mediator for mediator in Mediator.objects.all() if mediator.can_be_proposed]
    assert len(proposable) >= 6


@pytest.mark.django_db
def test_it_prints_the_logins_table_without_personal_data(seeded):
    assert "bemiddelaar1" in seeded
    assert PASSWORD in seeded
    for _username, first_name, last_name, *_rest in demo_data.MEDIATORS:
        assert first_name not in seeded
        assert last_name not in seeded


@pytest.mark.django_db
def test_it_seeds_the_convenant_partners(seeded):
    partners = Organisation.objects.filter(is_convenant_partner=True)
    assert set(partners.values_list("name", flat=True)) == {name for _c, name, *_rest in demo_data.ORGANISATIONS}
    assert all(email.endswith("@example.nl") for email in partners.values_list("notification_email", flat=True))
    convenant = Convenant.objects.get()
    assert convenant.parties.count() == 5
    assert str(convenant.starts_on) == "2014-02-21"


@pytest.mark.django_db
def test_it_creates_cases_in_every_status(seeded):
    assert Case.objects.count() == 80
    present = set(Case.objects.values_list("status", flat=True))
    assert present == set(Status.values)


@pytest.mark.django_db
def test_case_numbers_are_unique_well_formed_and_continue_in_the_services(seeded):
    numbers = list(Case.objects.values_list("number", "received_at"))
    assert len({number for number, _received in numbers}) == len(numbers)
    for number, received in numbers:
        assert re.fullmatch(r"\d{4}-\d{4,}", number)
        assert int(number[:4]) == timezone.localtime(received).year
    latest = CaseNumberSequence.objects.get(year=2026).last
    with time_machine.travel(TODAY, tick=False):
        case = create_case(data=CaseData(channel=Channel.PHONE), consent_given=True)
    assert case.number == f"2026-{latest + 1:04d}"


@pytest.mark.django_db
def test_every_case_has_a_party_a_and_a_received_milestone(seeded):
    assert not Case.objects.exclude(parties__role=Party.Role.A).exists()
    received = CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED, milestone=CaseEvent.Milestone.RECEIVED)
    assert received.values("case").distinct().count() == Case.objects.count()


@pytest.mark.django_db
def test_status_history_follows_the_transition_map(seeded):
    history = defaultdict(list)
    for event in CaseEvent.objects.filter(kind=CaseEvent.Kind.STATUS_CHANGE).order_by("created_at", "pk"):
        history[event.case_id].append(event)
    for case in Case.objects.all():
        status = Status.NEW
        for event in history[case.pk]:
            assert event.old_status == status, case.number
            assert event.new_status in TRANSITIONS[status], case.number
            status = event.new_status
        assert status == case.status, case.number
        # The timestamps change_status would have set along the way.
        times = defaultdict(list)
        for event in history[case.pk]:
            times[event.new_status].append(event.created_at)
        assert case.first_contact_at == min(times[Status.INTAKE], default=None), case.number
        assert case.matched_at == min(times[Status.IN_MEDIATION], default=None), case.number
        assert (case.closed_at is not None) == (case.status in (Status.CLOSED, Status.NOT_SUITABLE))
        assert (case.outcome in Outcome.values) == (case.status == Status.CLOSED)
        assert bool(case.not_suitable_reason) == (case.status == Status.NOT_SUITABLE)


@pytest.mark.django_db
def test_pilot_cases_come_from_oost_only(seeded):
    pilot = Case.objects.filter(received_at__lt=datetime(2017, 2, 21, tzinfo=AMSTERDAM))
    assert pilot.exists()
    assert not pilot.exclude(neighbourhood__stadsdeel="Oost").exists()
    assert not Case.objects.filter(received_at__lt=datetime(2014, 2, 21, tzinfo=AMSTERDAM)).exists()


@pytest.mark.django_db
def test_there_is_an_overdue_new_case_and_fresh_ones(seeded):
    today = TODAY.date()
    ages = [
        working_days_between(timezone.localtime(received).date(), today)
        for received in Case.objects.filter(status=Status.NEW).values_list("received_at", flat=True)
    ]
    assert max(ages) > 7
    assert sum(age <= 3 for age in ages) >= 2


@pytest.mark.django_db
def test_assignments_respect_two_active_per_case(seeded):
    active = Assignment.objects.filter(status__in=Assignment.Status.active())
    per_case = active.values("case").annotate(n=Count("pk"), roles=Count("role", distinct=True))
    assert all(row["n"] <= 2 and row["roles"] == row["n"] for row in per_case)
    mediated = Case.objects.filter(matched_at__isnull=False)
    assert mediated.exists()
    for case in mediated.annotate(duo=Count("assignments", filter=~Q(assignments__status="declined"))):
        assert case.duo == 2, case.number
    waiting_for_duo = Case.objects.filter(status=Status.MATCHING, assignments__isnull=True)
    assert waiting_for_duo.count() >= 2


@pytest.mark.django_db
def test_open_proposals_have_not_expired(seeded):
    proposals = Assignment.objects.filter(status=Assignment.Status.PROPOSED)
    assert proposals.exists()
    assert not proposals.filter(proposed_at__lte=TODAY - PROPOSAL_EXPIRES_AFTER).exists()


@pytest.mark.django_db
def test_meetings_at_home_carry_no_address(seeded):
    homes = Meeting.objects.filter(location_kind__in=[Meeting.LocationKind.HOME_A, Meeting.LocationKind.HOME_B])
    assert homes.exists()
    assert not homes.exclude(location="").exists()
    assert Meeting.objects.filter(kind=Meeting.Kind.JOINT, location_kind=Meeting.LocationKind.NEUTRAL).exists()


@pytest.mark.django_db
def test_referrals_keep_what_the_referrer_submitted(seeded):
    referrals = Case.objects.filter(channel=Channel.PARTNER_REFERRAL)
    assert referrals.exists()
    for case in referrals:
        assert case.as_submitted["partner_reference"] == case.partner_reference
        assert case.as_submitted["party_a"]["name"] == case.parties.get(role=Party.Role.A).name
    assert not Case.objects.exclude(channel=Channel.PARTNER_REFERRAL).exclude(as_submitted={}).exists()


@pytest.mark.django_db
def test_running_twice_leaves_counts_unchanged(seeded, settings):
    before = counts()
    with time_machine.travel(TODAY + timedelta(days=1), tick=False):
        output = seed(cases=80)
    assert counts() == before
    assert "no cases created" in output


@pytest.mark.django_db
def test_it_tops_up_to_the_requested_total(settings):
    settings.DEBUG = True
    with time_machine.travel(TODAY, tick=False):
        seed(cases=40)
        seed(cases=80)
    assert Case.objects.count() == 80
    references = Case.objects.exclude(partner_reference="").values_list("referring_organisation", "partner_reference")
    assert len(set(references)) == len(references)


@pytest.mark.django_db
def test_it_refuses_without_debug_and_creates_nothing(settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        seed(cases=80)
    assert counts() == before
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


@pytest.mark.django_db
def test_it_runs_without_debug_when_forced(settings):
    settings.DEBUG = False
    with time_machine.travel(TODAY, tick=False):
        seed(cases=30, force=True)
    assert Case.objects.count() == 30


@pytest.mark.django_db
def test_mediators_tops_up_the_pool_with_generated_active_volunteers(settings):
    settings.DEBUG = True
    with time_machine.travel(TODAY, tick=False):
        out = seed(cases=120, mediators=14)
        again = seed(cases=120, mediators=14)
    generated = Mediator.objects.filter(user__username__in=[f"bemiddelaar{n}" for n in range(9, 15)])
    assert generated.count() == 6
    assert Mediator.objects.count() == 14
    assert all(mediator.status == Mediator.Status.ACTIVE and mediator.certified_on for mediator in generated)
    assert all(mediator.user.groups.filter(name="mediator").exists() for mediator in generated)
    assert Availability.objects.filter(mediator__in=generated).exists()
    # The generated volunteers take part in the seeded history, and the logins table sums them up.
    assert Assignment.objects.filter(mediator__in=generated).exists()
    assert "bemiddelaar9..14" in out
    assert "bemiddelaar10 " not in out
    assert Mediator.objects.count() == 14, again


@pytest.mark.django_db
def test_mediators_below_the_demo_mediators_is_refused(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--mediators"):
        seed(cases=0, mediators=3)
    assert not Mediator.objects.exists()
