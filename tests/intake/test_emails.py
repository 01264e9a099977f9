"""The intake emails: what they say, in the recipient's language, and no personal data at all."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from buurtbemiddeling import emails, notifications
from buurtbemiddeling.models import Notification, UserPreference
from cases import services
from cases.models import CaseEvent, Status
from tests.notifications.conftest import CANARIES, make_case

pytestmark = pytest.mark.django_db

MORE_CANARIES = {
    "as_submitted": "Canary ingediend: de buurman schreeuwt",
    "reason": "Canary reden: verslaving",
    "referred_to": "Canary Verslavingszorg",
    "notes": "Canary vertrouwelijk",
    "event_text": "Canary gebeld, geen gehoor",
}
ALL_CANARIES = {**CANARIES, **MORE_CANARIES}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.fixture
def referral(organisation, referrer):
    """A referral whose every personal field holds a canary, then taken through every milestone."""
    case = make_case(received_at=timezone.now())
    case.channel = "partner_referral"
    case.referring_organisation = organisation
    case.referred_by = referrer
    case.partner_reference = "OH-77"
    case.tried_already = MORE_CANARIES["as_submitted"]
    case.as_submitted = {"party_a": {"name": CANARIES["party_a_name"]}, "description": MORE_CANARIES["as_submitted"]}
    case.save()
    case.parties.update(confidential_notes=MORE_CANARIES["notes"])
    return case


def build(row, *, language="nl"):
    row.refresh_from_db()
    if row.recipient_id:
        UserPreference.objects.update_or_create(user=row.recipient, defaults={"language": language})
        row.refresh_from_db()
    else:
        row.language = language
    message = emails.build(row)
    (html, mimetype), *_rest = message.alternatives
    assert mimetype == "text/html"
    return {"subject": message.subject, "text": message.body, "html": html, "headers": str(message.message())}


def assert_no_personal_data(parts):
    for where, content in parts.items():
        for what, canary in ALL_CANARIES.items():
            assert canary not in content, f"{what} appears in the {where}"


def receipt_for(case):
    # create_case writes it; for a case made by the factory, the hook is called the same way.
    event = CaseEvent.objects.create(
        case=case, created_at=timezone.now(), kind="created", new_status="new", milestone="received"
    )
    services.lifecycle._notify_referrer(case=case, event=event)
    return Notification.objects.get(kind=Notification.Kind.REFERRAL_RECEIVED)


def milestones_for(case, coordinator):
    services.change_status(case=case, new_status=Status.INTAKE, actor=coordinator, text=MORE_CANARIES["event_text"])
    services.change_status(case=case, new_status=Status.MATCHING, actor=coordinator, text=MORE_CANARIES["event_text"])
    services.change_status(case=case, new_status=Status.IN_MEDIATION, actor=coordinator)
    services.change_status(case=case, new_status=Status.CLOSED, actor=coordinator, outcome="not_resolved")
    return list(Notification.objects.filter(kind=Notification.Kind.MILESTONE).order_by("pk"))


def test_the_referrer_gets_a_receipt_with_number_reference_and_link(referral):
    parts = build(receipt_for(referral))

    assert parts["subject"] == f"Verwijzing ontvangen: zaak {referral.number} (uw kenmerk OH-77)"
    link = f"http://testserver.example/zaken/verwijzingen/{referral.code}/"
    for part in ("text", "html"):
        assert link in parts[part]
        assert "binnen 5 werkdagen contact op met partij A" in parts[part]
        assert "als verwijzer van Ons Huis hebt verwezen" in parts[part]
    assert "coördinator bent" not in parts["html"]


def test_the_receipt_in_english(referral):
    parts = build(receipt_for(referral), language="en")

    assert parts["subject"] == f"Referral received: case {referral.number} (your reference OH-77)"
    assert "as a referrer of Ons Huis" in parts["text"]
    assert '<html lang="en">' in parts["html"]


def test_each_milestone_email_names_the_milestone(referral, coordinator):
    rows = milestones_for(referral, coordinator)

    subjects = [build(row)["subject"] for row in rows]

    assert subjects == [
        f"Verwijzing {referral.number} (uw kenmerk OH-77): Geschikt",
        f"Verwijzing {referral.number} (uw kenmerk OH-77): Opgepakt door bemiddelaars",
        f"Verwijzing {referral.number} (uw kenmerk OH-77): Afgesloten: niet opgelost",
    ]
    text = build(rows[0])["text"]
    assert "geschikt voor buurtbemiddeling" in text
    assert f"http://testserver.example/zaken/verwijzingen/{referral.code}/" in text


def test_the_not_suitable_email_says_neither_why_nor_where(referral, coordinator):
    services.change_status(case=referral, new_status=Status.INTAKE, actor=coordinator)
    services.change_status(
        case=referral,
        new_status=Status.NOT_SUITABLE,
        not_suitable_reason=MORE_CANARIES["reason"],
        referred_to=MORE_CANARIES["referred_to"],
    )

    parts = build(Notification.objects.get(kind=Notification.Kind.MILESTONE))

    assert parts["subject"].endswith("Niet geschikt")
    assert_no_personal_data(parts)


def test_the_resident_gets_the_number_and_what_happens_next_but_no_link_to_the_case(db):
    case = make_case(received_at=timezone.now(), status="new")
    row = Notification.objects.create(
        kind=Notification.Kind.REPORT_RECEIVED,
        to_email=CANARIES["party_email"],
        language="nl",
        subject_type=ContentType.objects.get_for_model(case),
        subject_id=case.pk,
        key=f"report_received:{case.pk}",
        due_at=timezone.now(),
    )

    message = emails.build(row)
    (html, _mimetype), *_ = message.alternatives

    assert message.subject == f"Uw melding is ontvangen (nummer {case.number})"
    assert message.to == [CANARIES["party_email"]]
    for part in (message.body, html):
        assert "5 werkdagen" in part
        assert "/zaken/" not in part  # the resident has no login: no link to the case
        assert "http://testserver.example/privacy/" in part
        assert "omdat u met dit e-mailadres een burenprobleem hebt gemeld" in part
    # The address is the recipient, nowhere in the content.
    parts = {"subject": message.subject, "text": message.body, "html": html}
    assert_no_personal_data(parts)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_intake_email_contains_personal_data(referral, coordinator, language):
    rows = [receipt_for(referral), *milestones_for(referral, coordinator)]

    for row in rows:
        assert_no_personal_data(build(row, language=language))


def test_a_sent_resident_email_forgets_the_address(db, mailoutbox):
    case = make_case(received_at=timezone.now())
    notifications.schedule(
        [
            Notification(
                kind=Notification.Kind.REPORT_RECEIVED,
                to_email="bewoner@example.nl",
                language="nl",
                subject_type=ContentType.objects.get_for_model(case),
                subject_id=case.pk,
                key="report_received:test",
                due_at=timezone.now(),
            )
        ]
    )
    row = Notification.objects.get()

    assert notifications.deliver(notifications.claim(row.pk)) == Notification.Status.SENT

    row.refresh_from_db()
    assert row.to_email == ""
    assert mailoutbox[0].to == ["bewoner@example.nl"]


def test_every_intake_kind_has_an_email_function():
    intake_kinds = {Notification.Kind.REFERRAL_RECEIVED, Notification.Kind.REPORT_RECEIVED, Notification.Kind.MILESTONE}
    assert intake_kinds <= set(emails.BUILDERS)
