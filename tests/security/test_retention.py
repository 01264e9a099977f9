"""Retention: a case closed more than RETENTION_MONTHS ago is anonymised by the nightly task.

Canaries go into every personal field the registry declares, for an expired case, a case closed
recently and an open case; after the task, no table of the database (audit and notification
tables included) holds the expired case's canaries, the others' are all still there, and the
convenant report gives the same figures.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessRecord
from buurtbemiddeling import privacy
from buurtbemiddeling.models import Notification
from cases import tasks
from cases.models import AgreementItem, Case, CaseEvent, Outcome, Party, Status
from cases.services.retention import anonymise_expired_cases, expired_cases, months_before
from partners.reporting import convenant_report
from tests import factories
from tests.security.canaries import Canaries, all_stored_text, registry_fields, seed_case_content, tables_containing

pytestmark = pytest.mark.django_db

EVERYTHING = {"start": date(2000, 1, 1), "end": date(2099, 12, 31)}


def make_case(canaries: Canaries, *, coordinator, received_at, closed_at=None, status=Status.CLOSED) -> Case:
    neighbourhood = factories.NeighbourhoodFactory()
    case = factories.CaseFactory(
        status=status,
        received_at=received_at,
        closed_at=closed_at,
        outcome=Outcome.RESOLVED_JOINT_MEETING if status == Status.CLOSED else "",
        neighbourhood=neighbourhood,
        referring_organisation=factories.OrganisationFactory(),
        channel="partner_referral",
        **canaries.fill("cases.Case", privacy.CASE),
    )
    seed_case_content(case, canaries, coordinator=coordinator)
    return case


@pytest.fixture
def three_cases(coordinator):
    now = timezone.now()
    expired, recent, still_open = Canaries("QZXA"), Canaries("QZRB"), Canaries("QZOC")
    cases = {
        "expired": make_case(
            expired, coordinator=coordinator, received_at=now - timedelta(days=60), closed_at=now - timedelta(days=30)
        ),
        # Closed 23 months before the moment the task runs (see run_at): inside the retention period.
        "recent": make_case(
            recent,
            coordinator=coordinator,
            received_at=months_before(now, -1),
            closed_at=months_before(now, -2),
        ),
        "open": make_case(
            still_open, coordinator=coordinator, received_at=now - timedelta(days=90), status=Status.IN_MEDIATION
        ),
    }
    return cases, {"expired": expired, "recent": recent, "open": still_open}


def run_at() -> timezone.datetime:
    """Past the retention of the expired case (closed a month ago), not of the recent one."""
    return months_before(timezone.now(), -25)


def test_every_personal_field_of_a_case_is_seeded(three_cases):
    _, canaries = three_cases
    assert set(canaries["expired"].seeded) == registry_fields(privacy.CASE, privacy.PARTY)


def test_an_expired_case_leaves_no_canary_anywhere_and_the_figures_stay(three_cases, caplog):
    cases, canaries = three_cases
    assert tables_containing(canaries["expired"].tag)  # the search finds them before the task runs
    before = convenant_report(**EVERYTHING)

    with time_machine.travel(run_at(), tick=False), caplog.at_level(logging.INFO):
        assert tasks.anonymise_expired_cases() == 1

    assert tables_containing(canaries["expired"].tag) == {}
    stored = all_stored_text()
    for kept in ("recent", "open"):
        missing = [value for value in canaries[kept].values() if value not in stored]
        assert missing == [], kept
    assert convenant_report(**EVERYTHING) == before

    expired = Case.objects.get(pk=cases["expired"].pk)
    assert expired.anonymised_at is not None
    assert (expired.status, expired.outcome) == (Status.CLOSED, Outcome.RESOLVED_JOINT_MEETING)
    assert expired.neighbourhood_id is not None and expired.referring_organisation_id is not None
    assert expired.as_submitted == {}
    assert expired.parties.count() == 2  # the rows stay (roles, language) with their fields empty
    assert not expired.events.filter(kind=CaseEvent.Kind.NOTE).exists()
    assert not AgreementItem.objects.filter(agreement__case=expired).exists()
    assert expired.meetings.count() == 1
    assert not Notification.objects.filter(status=Notification.Status.PENDING, to_email="").exists()

    (retention,) = AccessRecord.objects.filter(action=AccessRecord.Action.RETENTION)
    assert (retention.case_id, retention.user_id, retention.detail) == (expired.pk, None, "")
    # The log says how many, never which case.
    assert any("1 case(s) anonymised" in message for message in caplog.messages)
    assert not any(expired.number in message for message in caplog.messages)


def test_running_again_changes_nothing(three_cases):
    cases, _ = three_cases
    with time_machine.travel(run_at(), tick=False):
        assert anonymise_expired_cases().anonymised == 1
        first = Case.objects.get(pk=cases["expired"].pk).anonymised_at
        assert anonymise_expired_cases().anonymised == 0
    assert Case.objects.get(pk=cases["expired"].pk).anonymised_at == first
    assert AccessRecord.objects.filter(action=AccessRecord.Action.RETENTION).count() == 1


def test_retention_months_and_retention_until_decide_what_is_due(three_cases, settings):
    cases, _ = three_cases
    now = timezone.now()
    assert list(expired_cases(now=now)) == []  # closed a month ago, 24 months by default
    settings.RETENTION_MONTHS = 1
    assert {c.pk for c in expired_cases(now=now + timedelta(days=1))} == {cases["expired"].pk}
    Case.objects.filter(pk=cases["expired"].pk).update(retention_until=(now + timedelta(days=10)).date())
    assert list(expired_cases(now=now + timedelta(days=1))) == []  # kept longer on purpose


def test_not_suitable_cases_are_anonymised_too(coordinator):
    canaries = Canaries("QZNS")
    received = months_before(timezone.now(), 30)
    case = make_case(
        canaries,
        coordinator=coordinator,
        received_at=received,
        closed_at=received + timedelta(days=5),
        status=Status.NOT_SUITABLE,
    )
    assert anonymise_expired_cases(batch_size=1).anonymised == 1
    assert tables_containing("QZNS") == {}
    assert Case.objects.get(pk=case.pk).status == Status.NOT_SUITABLE


def test_batches_cover_every_due_case(coordinator):
    received = months_before(timezone.now(), 30)
    for _ in range(5):
        case = factories.CaseFactory(status=Status.CLOSED, received_at=received, closed_at=received + timedelta(days=1))
        factories.PartyFactory(case=case, name="QZBT Name")
    assert anonymise_expired_cases(batch_size=2).anonymised == 5
    assert not Party.objects.filter(name__contains="QZBT").exists()


def test_the_command_counts_in_a_dry_run_and_then_anonymises(coordinator, capsys):
    received = months_before(timezone.now(), 30)
    case = factories.CaseFactory(status=Status.CLOSED, received_at=received, closed_at=received + timedelta(days=1))
    factories.PartyFactory(case=case, name="QZCM Name")

    call_command("anonymise_expired_cases", "--dry-run")
    assert capsys.readouterr().out.startswith("1 case(s)")
    assert Party.objects.filter(name="QZCM Name").exists()

    call_command("anonymise_expired_cases")
    assert capsys.readouterr().out.startswith("1 case(s) anonymised")
    assert tables_containing("QZCM") == {}


def test_the_task_is_in_the_beat_schedule_at_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-anonymise-expired-cases"]
    assert entry["task"] == "cases.tasks.anonymise_expired_cases"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"


def test_the_coordinators_case_page_says_the_case_was_anonymised(client, three_cases, coordinator):
    cases, _ = three_cases
    with time_machine.travel(run_at(), tick=False):
        anonymise_expired_cases()
    client.force_login(coordinator)
    response = client.get(f"/zaken/{cases['expired'].code}/")
    assert response.status_code == 200
    assert b'id="case-anonymised"' in response.content
    response = client.get(f"/zaken/{cases['recent'].code}/")
    assert b'id="case-anonymised"' not in response.content


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        ((2026, 3, 31), 24, (2024, 3, 31)),
        ((2026, 3, 31), 1, (2026, 2, 28)),
        ((2024, 3, 30), 1, (2024, 2, 29)),
        ((2026, 1, 15), 13, (2024, 12, 15)),
        ((2026, 11, 27), -25, (2028, 12, 27)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(datetime(*moment, 3, 30, tzinfo=UTC), months) == datetime(*expected, 3, 30, tzinfo=UTC)


def test_pages_of_an_anonymised_case_still_work_for_everyone_who_saw_it(
    client, referred_case, referrer, assigned_mediator, coordinator
):
    received = months_before(timezone.now(), 30)
    Case.objects.filter(pk=referred_case.pk).update(
        status=Status.CLOSED,
        received_at=received,
        closed_at=received + timedelta(days=9),
        as_submitted={"description": "QZRF description"},
    )
    seed_case_content(Case.objects.get(pk=referred_case.pk), Canaries("QZRF"), coordinator=coordinator, parties=False)
    assert anonymise_expired_cases().anonymised == 1
    assert tables_containing("QZRF") == {}
    pages = [
        (referrer, f"/zaken/verwijzingen/{referred_case.code}/"),
        (referrer, "/zaken/verwijzingen/"),
        (assigned_mediator, f"/bemiddelaar/zaken/{referred_case.code}/"),
        (assigned_mediator, "/bemiddelaar/"),
        (coordinator, f"/zaken/{referred_case.code}/"),
        (coordinator, "/zaken/dashboard/"),
    ]
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"QZRF" not in response.content


@pytest.mark.parametrize(("raw", "message"), [("two years", "is not a whole number"), ("0", "must be at least 1")])
def test_a_bad_retention_months_stops_start_up_naming_the_variable(raw, message):
    from tests.test_settings import _start

    result = _start("buurtbemiddeling.settings.local", RETENTION_MONTHS=raw)
    assert result.returncode != 0
    assert "RETENTION_MONTHS" in result.stderr and message in result.stderr
