"""Every email: a template triplet, in the recipient's language, without personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from buurtbemiddeling import emails, notifications
from buurtbemiddeling.models import Notification, UserPreference
from tests.notifications.conftest import CANARIES, make_case, make_notification

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")

FOOTER = {
    "nl": "U ontvangt deze e-mail omdat u coördinator bent bij Buurtbemiddeling Enschede.",
    "en": "You receive this email because you are a coordinator at Buurtbemiddeling Enschede.",
}


def _parts(message) -> dict[str, str]:
    (html, mimetype), *rest = message.alternatives
    assert mimetype == "text/html" and not rest
    return {"subject": message.subject, "text": message.body, "html": html}


def _assert_no_personal_data(message):
    parts = _parts(message)
    for where, content in parts.items():
        for what, canary in CANARIES.items():
            assert canary not in content, f"{what} appears in the {where}"
    headers = str(message.message())
    for what, canary in CANARIES.items():
        assert canary not in headers, f"{what} appears in the headers"


@pytest.fixture
def intake_alert(coordinator):
    # Received Monday 2 March 2026 10:00; due Monday 9 March 10:00.
    case = make_case(received_at=datetime(2026, 3, 2, 10, 0, tzinfo=AMS))
    return make_notification(recipient=coordinator, subject=case)


@pytest.fixture
def digest(coordinator):
    eight = datetime(2026, 3, 10, 8, 0, tzinfo=AMS)
    make_case(received_at=eight - timedelta(hours=2))
    make_case(received_at=datetime(2026, 3, 2, 10, 0, tzinfo=AMS))
    with time_machine.travel(eight, tick=False):
        notifications.schedule_daily_digests(now=timezone.now())
    return Notification.objects.get(kind=Notification.Kind.DAILY_DIGEST)


def test_the_intake_alert_is_in_dutch_by_default(intake_alert):
    case = intake_alert.subject
    parts = _parts(emails.build(intake_alert))
    assert parts["subject"] == f"Intake te laat: zaak {case.number}"
    assert f"Zaak {case.number} is ontvangen op 2 maart 2026" in parts["text"]
    assert "uiterlijk op 9 maart 2026, 10:00" in parts["text"]
    for part in ("text", "html"):
        assert f"http://testserver.example/zaken/{case.code}/" in parts[part]
        assert FOOTER["nl"] in parts[part]
    assert '<html lang="nl">' in parts["html"]


def test_the_intake_alert_is_in_english_for_an_english_recipient(intake_alert, coordinator):
    UserPreference.objects.create(user=coordinator, language="en")
    intake_alert.refresh_from_db()
    case = intake_alert.subject
    parts = _parts(emails.build(intake_alert))
    assert parts["subject"] == f"Intake overdue: case {case.number}"
    assert f"Case {case.number} was received on 2 March 2026" in parts["text"]
    assert "by 9 March 2026, 10:00" in parts["text"]
    for part in ("text", "html"):
        assert FOOTER["en"] in parts[part]
    assert '<html lang="en">' in parts["html"]


def test_the_digest_lists_case_numbers_with_links(digest):
    parts = _parts(emails.build(digest))
    assert parts["subject"] == "Dagoverzicht van 10 maart 2026"
    for number, code in [(ref["number"], ref["code"]) for ref in digest.payload["new"] + digest.payload["overdue"]]:
        assert f"- {number}: http://testserver.example/zaken/{code}/" in parts["text"]
        assert f'<a href="http://testserver.example/zaken/{code}/">{number}</a>' in parts["html"]
    assert "Nieuwe verwijzingen in de afgelopen 24 uur: 1" in parts["text"]
    assert FOOTER["nl"] in parts["text"]


def test_the_digest_in_english(digest, coordinator):
    UserPreference.objects.create(user=coordinator, language="en")
    digest.refresh_from_db()
    parts = _parts(emails.build(digest))
    assert parts["subject"] == "Daily overview of 10 March 2026"
    assert "New referrals in the last 24 hours: 1" in parts["text"]
    assert FOOTER["en"] in parts["html"]


def test_the_digest_says_how_many_more_there_are_beyond_the_list(coordinator):
    row = make_notification(
        recipient=coordinator,
        kind=Notification.Kind.DAILY_DIGEST,
        payload={
            "date": "2026-03-10",
            "new": [],
            "new_total": 0,
            "overdue": [{"number": "2026-0001", "code": "8f0c1a56-3c55-4a8e-9c1d-2f7f7e1b2a10"}],
            "overdue_total": 51,
            "failed_total": 2,
        },
    )
    parts = _parts(emails.build(row))
    assert "... en nog 50." in parts["text"]
    assert "http://testserver.example/notificaties/" in parts["text"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_email_contains_personal_data(intake_alert, digest, coordinator, language):
    UserPreference.objects.create(user=coordinator, language=language)
    for row in (intake_alert, digest):
        row.refresh_from_db()
        _assert_no_personal_data(emails.build(row))


def test_the_same_row_always_has_the_same_message_id(intake_alert):
    first, second = emails.build(intake_alert), emails.build(intake_alert)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    created = intake_alert.created_at.strftime("%Y%m%d%H%M%S")
    assert first.extra_headers["Message-ID"] == f"<notification.{intake_alert.pk}.{created}@testserver.example>"
    assert first.extra_headers["Auto-Submitted"] == "auto-generated"


def test_every_kind_has_an_email_function():
    assert set(emails.BUILDERS) == set(Notification.Kind)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"
