"""Data-subject rights: a coordinator finds a person (terms POSTed, never in a URL), sees and
downloads what is stored about them, and erases it on request; both logged without a name."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessRecord
from buurtbemiddeling import privacy
from buurtbemiddeling.models import Notification
from cases.models import Case, Outcome, Party, Status
from mediators.models import VolunteerApplication
from partners.reporting import convenant_report
from tests import factories
from tests.security.canaries import Canaries, all_stored_text, seed_case_content, tables_containing

pytestmark = pytest.mark.django_db

EVERYTHING = {"start": date(2000, 1, 1), "end": date(2099, 12, 31)}


@pytest.fixture
def case_with_parties(coordinator):
    """Party A (who asks for erasure) with canaries QZEA; party B (who does not) with QZKB; the
    case's content with QZEA too, since erasing A empties it."""
    erased, kept = Canaries("QZEA"), Canaries("QZKB")
    received = timezone.now() - timedelta(days=60)
    case = factories.CaseFactory(
        status=Status.CLOSED,
        received_at=received,
        closed_at=received + timedelta(days=20),
        outcome=Outcome.RESOLVED_JOINT_MEETING,
        neighbourhood=factories.NeighbourhoodFactory(),
        **erased.fill("cases.Case", privacy.CASE),
    )
    a = factories.PartyFactory(case=case, role=Party.Role.A, **erased.fill("cases.Party", privacy.PARTY))
    b = factories.PartyFactory(case=case, role=Party.Role.B, **kept.fill("cases.Party", privacy.PARTY))
    seed_case_content(case, erased, coordinator=coordinator, parties=False)
    # An email to A's address about another matter (a confirmation without a case).
    Notification.objects.create(
        kind=Notification.Kind.REPORT_RECEIVED,
        to_email=a.email,
        key="test:elsewhere",
        due_at=timezone.now(),
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
    )
    return {"case": case, "a": a, "b": b, "erased": erased, "kept": kept}


def test_the_pages_are_for_coordinators_only(client, case_with_parties, referrer, unassigned_mediator):
    a = case_with_parties["a"]
    urls = [
        reverse("cases:subject_search"),
        reverse("cases:subject_party", args=[a.pk]),
        reverse("cases:subject_party_export", args=[a.pk]),
        reverse("cases:subject_party_erase", args=[a.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for user in (referrer, unassigned_mediator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[3], {"confirm": "on"}).status_code == 404
    assert Party.objects.get(pk=a.pk).name == a.name


def test_search_by_each_kind_of_term_finds_the_party(client, coordinator, case_with_parties):
    a = case_with_parties["a"]
    Party.objects.filter(pk=a.pk).update(
        name="Anna QZEA Aarts", email="anna@example.nl", phone="+31612345678", postcode="7511 AB", house_number="12A"
    )
    client.force_login(coordinator)
    url = reverse("cases:subject_search")
    assert client.get(url).status_code == 200
    for terms in (
        {"name": "qzea"},
        {"email": "ANNA@example.nl"},
        {"phone": "06 12345678"},
        {"postcode": "7511ab", "house_number": "12a"},
    ):
        response = client.post(url, terms)
        assert response.status_code == 200, terms
        assert reverse("cases:subject_party", args=[a.pk]).encode() in response.content, terms
        assert reverse("cases:subject_party", args=[case_with_parties["b"].pk]).encode() not in response.content


@pytest.mark.parametrize(
    "terms",
    [{}, {"name": "an"}, {"phone": "abc"}, {"postcode": "7511 AB"}, {"email": "not-an-address"}, {"name": "x" * 500}],
)
def test_bad_or_empty_search_terms_get_a_message_not_a_500(client, coordinator, case_with_parties, terms):
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.post(reverse("cases:subject_search"), terms)
    assert response.status_code == 400
    assert b"subject-parties" not in response.content


def test_a_volunteer_application_is_found_exported_and_erased(client, coordinator):
    canaries = Canaries("QZVA")
    application = VolunteerApplication.objects.create(
        received_at=timezone.now(), **canaries.fill("mediators.VolunteerApplication")
    )
    Notification.objects.create(
        kind=Notification.Kind.SET_PASSWORD,
        to_email=application.email,
        key="test:application",
        due_at=timezone.now(),
        status=Notification.Status.FAILED,
        last_error="QZVA: 550 mailbox unknown",
    )
    client.force_login(coordinator)
    response = client.post(reverse("cases:subject_search"), {"name": application.name})
    assert reverse("cases:subject_application", args=[application.code]).encode() in response.content

    export = client.get(reverse("cases:subject_application_export", args=[application.code]))
    data = json.loads(export.content)
    assert data["application"]["motivation"] == application.motivation
    assert data["notifications"][0]["to_email"] == application.email

    response = client.post(reverse("cases:subject_application_erase", args=[application.code]), {"confirm": "on"})
    assert response.status_code == 302
    assert tables_containing("QZVA") == {}
    # The failed email to that address can no longer be sent again from the notifications page.
    assert Notification.objects.get(key="test:application").status == Notification.Status.CANCELLED
    assert not Notification.objects.resendable().exists()
    application.refresh_from_db()
    assert application.status == VolunteerApplication.Status.NEW
    details = set(AccessRecord.objects.values_list("action", "detail"))
    assert (AccessRecord.Action.SUBJECT_ERASURE, f"application:{application.pk}") in details


def test_the_page_and_the_json_show_everything_about_the_person_and_are_logged(client, coordinator, case_with_parties):
    a, b, case = case_with_parties["a"], case_with_parties["b"], case_with_parties["case"]
    client.force_login(coordinator)

    page = client.get(reverse("cases:subject_party", args=[a.pk]))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    export = client.get(reverse("cases:subject_party_export", args=[a.pk]))
    assert export.status_code == 200
    assert export["Content-Disposition"] == f'attachment; filename="party-{a.pk}.json"'
    assert export["Cache-Control"] == "no-store"
    data = json.loads(export.content)

    text = json.dumps(data)
    # Everything about the person and their case; not the audit trail, nor emails to others.
    seeded = case_with_parties["erased"].seeded
    about = [v for (label, _), values in seeded.items() if label.startswith(("cases.", "mediators.")) for v in values]
    assert a.email in about
    for value in about:
        assert value in text, value
        assert value in page.content.decode(), value
    for value in case_with_parties["kept"].values():  # the other party's own row is not theirs
        assert value not in text
    assert data["case"]["number"] == case.number
    assert data["party"]["id"] == a.pk and b.pk != a.pk

    records = AccessRecord.objects.filter(action=AccessRecord.Action.SUBJECT_EXPORT, user=coordinator)
    assert list(records.values_list("case", "detail")) == [(case.pk, f"party:{a.pk}")] * 2


def test_erasure_needs_the_confirmation_and_then_leaves_no_canary(client, coordinator, case_with_parties):
    a, case = case_with_parties["a"], case_with_parties["case"]
    url = reverse("cases:subject_party_erase", args=[a.pk])
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400  # not confirmed: nothing changes
    assert Party.objects.get(pk=a.pk).name == a.name
    before = convenant_report(**EVERYTHING)
    assert tables_containing("QZEA")

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:subject_search")
    assert tables_containing("QZEA") == {}
    stored = all_stored_text()
    assert [value for value in case_with_parties["kept"].values() if value not in stored] == []
    assert convenant_report(**EVERYTHING) == before
    kept = Case.objects.get(pk=case.pk)
    assert (kept.status, kept.outcome, kept.anonymised_at) == (Status.CLOSED, Outcome.RESOLVED_JOINT_MEETING, None)
    (record,) = AccessRecord.objects.filter(action=AccessRecord.Action.SUBJECT_ERASURE)
    assert (record.user, record.case_id, record.detail) == (coordinator, case.pk, f"party:{a.pk}")


def test_search_terms_never_reach_a_url(client, coordinator, case_with_parties):
    """The search form posts; its action and every link on the result page carry ids only."""
    client.force_login(coordinator)
    response = client.post(reverse("cases:subject_search"), {"name": case_with_parties["a"].name})
    content = response.content.decode()
    assert 'method="post"' in content
    hrefs = [part.split('"', 1)[0] for part in content.split('href="')[1:]]
    assert not [href for href in hrefs if "QZEA" in href]


def test_unknown_or_out_of_range_ids_are_404(client, coordinator):
    client.force_login(coordinator)
    for pk in (987654, 2**63, 10**30):
        for name in ("cases:subject_party", "cases:subject_party_export", "cases:subject_party_erase"):
            assert client.get(reverse(name, args=[pk])).status_code == 404, (name, pk)
        assert client.post(reverse("cases:subject_party_erase", args=[pk]), {"confirm": "on"}).status_code == 404
