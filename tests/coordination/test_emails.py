"""The emails of duo matching and recruitment: the case number and a link, never personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from buurtbemiddeling import emails, notifications
from buurtbemiddeling.models import Notification, UserPreference
from mediators import services
from tests.coordination.conftest import CANARIES, NOW

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
SITE = "http://testserver.example"

# The applicant's own personal data: their name, phone, postcode and motivation stay out too.
APPLICANT = {
    "applicant_name": "Kanarie Karel Klaassen",
    "applicant_phone": "+31622223333",
    "applicant_postcode": "7533 QQ",
    "applicant_motivation": "Canary: ik woon zelf naast lastige buren",
}
FOOTERS = {
    Kind.PROPOSAL: "U ontvangt deze e-mail omdat u vrijwillige bemiddelaar bent bij Buurtbemiddeling Enschede",
    Kind.PROPOSAL_REMINDER: "U ontvangt deze e-mail omdat u vrijwillige bemiddelaar bent bij Buurtbemiddeling Enschede",
    Kind.PROPOSAL_DECLINED: "U ontvangt deze e-mail omdat u coördinator bent bij Buurtbemiddeling Enschede.",
    Kind.PROPOSAL_EXPIRED: "U ontvangt deze e-mail omdat u coördinator bent bij Buurtbemiddeling Enschede.",
    Kind.SET_PASSWORD: "U ontvangt deze e-mail omdat u zich hebt aangemeld als vrijwillige bemiddelaar",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def rows(matching_case, coordinator, lead, co):
    """One row of every kind of this part, decided the way the services decide them."""
    with time_machine.travel(NOW, tick=False):
        lead_assignment, co_assignment = services.propose(
            case=matching_case, mediators={"lead": lead, "co": co}, actor=coordinator, now=NOW
        )
        services.decline_proposal(assignment=co_assignment, reason=CANARIES["party_a_name"], actor=co.user, now=NOW)
        services.sweep_proposals(now=NOW + timedelta(hours=24))
        services.sweep_proposals(now=NOW + timedelta(hours=48))
        application = services.submit_application(
            data=services.ApplicationData(
                name=APPLICANT["applicant_name"],
                email="karel@example.nl",
                phone=APPLICANT["applicant_phone"],
                postcode=APPLICANT["applicant_postcode"],
                motivation=APPLICANT["applicant_motivation"],
            )
        )
        services.move_application(application=application, new_status="interview", actor=coordinator)
        services.accept_application(application=application, home_postcode="7544 AB", actor=coordinator)
    rows = {}
    for row in Notification.objects.select_related("recipient").order_by("pk"):
        rows.setdefault(row.kind, row)  # the first of each kind: the lead's proposal
    assert set(rows) == set(FOOTERS)
    return rows, lead_assignment


def _parts(message) -> dict[str, str]:
    (html, mimetype), *rest = message.alternatives
    assert mimetype == "text/html" and not rest
    return {"subject": message.subject, "text": message.body, "html": html, "headers": str(message.message())}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_email_of_this_part_contains_personal_data(rows, language):
    rows, _assignment = rows
    for row in rows.values():
        UserPreference.objects.update_or_create(user=row.recipient, defaults={"language": language})
        row.recipient.refresh_from_db()
        for where, content in _parts(emails.build(row)).items():
            for what, canary in (CANARIES | APPLICANT).items():
                assert canary not in content, f"{what} appears in the {where} of {row.kind} ({language})"
            # The mediators' names stay out as well: a case number and a link do.
            assert "Bemiddelaar" not in content.replace("bemiddelaar", "")


def test_the_proposal_email_links_to_the_proposal_page(rows, matching_case):
    rows, assignment = rows
    parts = _parts(emails.build(rows[Kind.PROPOSAL]))
    assert parts["subject"] == f"Voorstel: wilt u bemiddelen in zaak {matching_case.number}?"
    assert f"als hoofdbemiddelaar te bemiddelen in zaak {matching_case.number}" in parts["text"]
    assert "vóór woensdag 4 maart 2026, 10:00" in parts["text"]
    for part in ("text", "html"):
        assert f"{SITE}/bemiddelaar/voorstellen/{assignment.code}/" in parts[part]
        assert FOOTERS[Kind.PROPOSAL] in parts[part]
    # The link addresses the proposal, never the case file.
    assert str(matching_case.code) not in parts["text"]


def test_the_reminder_says_when_the_proposal_lapses(rows, matching_case):
    rows, assignment = rows
    parts = _parts(emails.build(rows[Kind.PROPOSAL_REMINDER]))
    assert parts["subject"] == f"Herinnering: wilt u het voorstel voor zaak {matching_case.number} beantwoorden?"
    assert "vóór woensdag 4 maart 2026, 10:00" in parts["text"]
    assert f"{SITE}/bemiddelaar/voorstellen/{assignment.code}/" in parts["html"]


@pytest.mark.parametrize(
    ("kind", "subject"), [(Kind.PROPOSAL_DECLINED, "afgeslagen"), (Kind.PROPOSAL_EXPIRED, "verlopen")]
)
def test_the_coordinators_emails_link_to_the_matching_page(rows, matching_case, kind, subject):
    rows, _assignment = rows
    parts = _parts(emails.build(rows[kind]))
    assert parts["subject"] == f"Voorstel {subject}: zaak {matching_case.number}"
    for part in ("text", "html"):
        assert f"{SITE}/bemiddelaar/koppelen/{matching_case.code}/" in parts[part]
        assert FOOTERS[kind] in parts[part]


def test_the_set_password_email_carries_a_fresh_token_and_the_username(rows):
    rows, _assignment = rows
    row = rows[Kind.SET_PASSWORD]
    first, second = _parts(emails.build(row)), _parts(emails.build(row))
    assert first["subject"] == "Welkom als bemiddelaar: kies uw wachtwoord"
    assert f"{SITE}/wachtwoord/nieuw/" in first["text"]
    assert "karel@example.nl" in first["text"]  # the username, to the owner of the address
    assert FOOTERS[Kind.SET_PASSWORD] in first["html"]
    assert "3 dagen geldig" in first["text"]
    # Rendered twice, the link is made twice: nothing of it is stored on the row.
    assert row.payload == {}
    link = next(word for word in first["text"].split() if "/wachtwoord/nieuw/" in word)
    assert link.split("/")[-2] not in str(Notification.objects.values_list("key", "payload"))
    assert second["text"].startswith(first["text"][:20])


def test_the_proposal_emails_in_english(rows, matching_case):
    rows, _assignment = rows
    row = rows[Kind.PROPOSAL]
    UserPreference.objects.create(user=row.recipient, language="en")
    row.recipient.refresh_from_db()
    parts = _parts(emails.build(row))
    assert parts["subject"] == f"Proposal: will you mediate in case {matching_case.number}?"
    assert "as lead mediator" in parts["text"]
    assert '<html lang="en">' in parts["html"]


def test_every_kind_of_this_part_has_a_builder():
    assert set(FOOTERS) <= set(emails.BUILDERS)


def test_the_rows_are_delivered_through_the_engine(rows, mailoutbox):
    rows, _assignment = rows
    # The proposal's assignment expired and the co declined: their mediator emails no longer apply.
    for kind in (Kind.PROPOSAL_DECLINED, Kind.PROPOSAL_EXPIRED, Kind.SET_PASSWORD):
        claimed = notifications.claim(rows[kind].pk)
        assert notifications.deliver(claimed) == Notification.Status.SENT
    for kind in (Kind.PROPOSAL, Kind.PROPOSAL_REMINDER):
        claimed = notifications.claim(rows[kind].pk)
        assert notifications.deliver(claimed) == Notification.Status.CANCELLED
    assert len(mailoutbox) == 3
