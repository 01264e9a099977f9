"""The mediators' reminder emails: case number, kind, date and time, a link; never personal data."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from buurtbemiddeling.models import Notification, UserPreference
from buurtbemiddeling.tasks import send_notification
from cases import reminders
from cases.models import Meeting
from cases.services import AgreementItemData, record_agreement, record_meeting_outcome
from tests.mediation.conftest import CANARIES, at, plan

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
FOOTER = "U ontvangt deze e-mail omdat u een van de bemiddelaars van deze zaak bent bij Buurtbemiddeling Enschede."


def _send(kind):
    for row in Notification.objects.filter(kind=kind).order_by("pk"):
        assert send_notification.run(row.pk) == "sent"


def _assert_clean(message):
    html = message.alternatives[0][0]
    for where, content in {"subject": message.subject, "text": message.body, "html": html}.items():
        for what, canary in CANARIES.items():
            assert canary not in content, f"{what} in the {where}"
    headers = str(message.message())
    for what, canary in CANARIES.items():
        assert canary not in headers, f"{what} in the message"


@pytest.fixture
def home_visit(case, lead):
    """A meeting at party A's home tomorrow (3 March, 19:00–20:30), its location text an address."""
    return plan(
        case,
        by=lead,
        start=at(3, 19),
        kind=Meeting.Kind.INTAKE_A,
        location_kind=Meeting.LocationKind.HOME_A,
        location=CANARIES["home_location"],
    )


def test_meeting_tomorrow_email(home_visit, lead, co):
    case = home_visit.case
    reminders.schedule_mediation_reminders(now=timezone.now())
    _send(Kind.MEETING_TOMORROW)

    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == f"Morgen: Intakegesprek partij A, zaak {case.number}"
    assert f"U heeft morgen een gesprek in zaak {case.number}." in message.body
    assert "Soort gesprek: Intakegesprek partij A\n" in message.body
    assert "Wanneer: dinsdag 3 maart 2026, 19:00–20:30\n" in message.body
    assert "Plaats: Bij partij A thuis\n" in message.body
    link = f"http://testserver.example/bemiddelaar/zaken/{case.code}/"
    assert link in message.body and link in message.alternatives[0][0]
    assert FOOTER in message.body and FOOTER in message.alternatives[0][0]
    _assert_clean(message)


def test_meeting_outcome_missing_email(home_visit, frozen):
    frozen.move_to(at(4, 21))
    reminders.schedule_mediation_reminders(now=timezone.now())
    _send(Kind.MEETING_OUTCOME_MISSING)

    message = mail.outbox[0]
    assert message.subject == f"Leg het gesprek van 3 maart vast in zaak {home_visit.case.number}"
    assert "staat nog op gepland" in message.body
    _assert_clean(message)


def test_follow_up_due_email(case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19), location=CANARIES["home_location"])
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD, note=CANARIES["meeting_note"])
    record_agreement(
        meeting=meeting, actor=lead.user, items=[AgreementItemData(text="Hond 's nachts binnen")], signed=True
    )
    frozen.move_to(at(14, 9, month=4))
    reminders.schedule_mediation_reminders(now=timezone.now())
    _send(Kind.FOLLOW_UP_DUE)

    message = mail.outbox[0]
    assert message.subject == f"Nazorg: zaak {case.number}"
    assert f"De nazorg van de afspraken van 3 maart 2026 in zaak {case.number} staat op 14 april 2026." in message.body
    assert "Hond" not in message.body  # not even what was agreed
    _assert_clean(message)


def test_an_english_mediator_gets_english(home_visit, lead):
    UserPreference.objects.create(user=lead.user, language="en")
    reminders.schedule_mediation_reminders(now=timezone.now())
    _send(Kind.MEETING_TOMORROW)

    english = next(message for message in mail.outbox if message.to == [lead.user.email])
    assert english.subject == f"Tomorrow: Intake party A, case {home_visit.case.number}"
    assert "When: Tuesday 3 March 2026, 19:00–20:30" in english.body
    assert "Place: At party A's home" in english.body
    assert "You receive this email because you are one of the mediators of this case" in english.body
