"""Referrers see their own organisation's referrals, and of those only milestones and what they sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import services
from cases.forms import ReferralForm
from cases.models import Case, CaseEvent, Status
from cases.querysets import Scope
from tests import factories
from tests.intake.conftest import CANARIES, referral_data
from tests.test_ui_shell import assert_csp_friendly, h1

pytestmark = pytest.mark.django_db

# What the intake and the mediation add to a case after the referral; a referrer never sees it.
LATER = {
    "party_b_name": "Canary Later Bekend",
    "party_b_phone": "+31699998888",
    "note": "Canary notitie: partij B heeft schulden",
    "contact": "Canary contact: partij A huilde aan de telefoon",
    "reason": "Canary reden: psychiatrie",
    "confidential": "Canary vertrouwelijk",
}


@pytest.fixture
def referral(service_area, referrer, organisation, coordinator):
    """A referral made through the form, then worked on by the coordinator."""
    form = ReferralForm(referral_data(b_name="", b_street="", b_house_number="", b_postcode=""))
    assert form.is_valid(), form.errors
    case = services.submit_referral(
        data=form.case_data(), referrer=referrer, organisation=organisation, as_submitted=form.as_submitted()
    ).case
    party_a = case.parties.get(role="A")
    party_a.confidential_notes = LATER["confidential"]
    party_a.save()
    factories.PartyFactory(case=case, role="B", name=LATER["party_b_name"], phone=LATER["party_b_phone"])
    factories.CaseEventFactory(case=case, kind=CaseEvent.Kind.NOTE, text=LATER["note"])
    services.log_contact_attempt(case=case, actor=coordinator, text=LATER["contact"])
    services.change_status(case=case, new_status=Status.INTAKE, actor=coordinator, text=LATER["note"])
    services.change_status(
        case=case,
        new_status=Status.NOT_SUITABLE,
        actor=coordinator,
        not_suitable_reason=LATER["reason"],
        referred_to="Wijkteam Oost",
    )
    return case


def page(client, case):
    return client.get(reverse("cases:referral_detail", kwargs={"code": case.code}))


def test_the_referral_page_shows_milestones_and_what_was_submitted(client, referrer, referral):
    client.force_login(referrer)

    response = page(client, referral)

    html = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == f"Verwijzing {referral.number}"
    assert "Ontvangen" in html and "Niet geschikt" in html
    assert "Doorverwezen naar: <bdi>Wijkteam Oost</bdi>" in html
    assert "Wat u hebt ingediend" in html
    for submitted in (CANARIES["a_name"], CANARIES["a_street"], "06 11112222", CANARIES["description"], "OH-2026-17"):
        assert submitted in html
    assert_csp_friendly(response)


def test_the_referral_page_shows_nothing_added_after_the_referral(client, referrer, referral):
    client.force_login(referrer)

    html = page(client, referral).content.decode()

    for what, canary in LATER.items():
        assert canary not in html, f"{what} is shown to the referrer"
    # Not the internal status either: "Intake" is no milestone.
    assert "status-badge" not in html
    assert "Intake" not in html


def test_a_colleague_of_the_same_organisation_sees_the_referral(client, organisation, referral):
    colleague = factories.UserFactory(username="collega", roles=["referrer"])
    factories.MembershipFactory(user=colleague, organisation=organisation)
    client.force_login(colleague)

    assert page(client, referral).status_code == 200


def test_a_referrer_of_another_organisation_gets_404(client, other_referrer, referral):
    client.force_login(other_referrer)

    assert page(client, referral).status_code == 404


@pytest.mark.parametrize("persona", ["unassigned_mediator", "steering_member"])
def test_other_roles_get_404_for_the_referral_page(client, request, referral, persona):
    client.force_login(request.getfixturevalue(persona))

    assert page(client, referral).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, referral):
    assert page(client, referral)["Location"].startswith(reverse("login"))


def test_the_referrer_never_opens_the_case_file(client, referrer, referral):
    client.force_login(referrer)

    assert client.get(reverse("cases:detail", kwargs={"code": referral.code})).status_code == 404


def test_my_referrals_lists_the_organisations_referrals_with_their_latest_milestone(
    client, referrer, referral, other_organisation
):
    theirs = factories.CaseFactory(referring_organisation=other_organisation, partner_reference="DOM-1")
    client.force_login(referrer)

    response = client.get(reverse("cases:referrals"))

    html = response.content.decode()
    assert referral.number in html
    assert "Niet geschikt" in html
    assert theirs.number not in html and "DOM-1" not in html
    for canary in (*LATER.values(), CANARIES["a_name"], CANARIES["description"]):
        assert canary not in html
    assert "status-badge" not in html
    assert f'href="{reverse("cases:referral_create")}"' in html


def test_my_referrals_is_searchable_by_the_partners_reference(client, referrer, organisation, referral):
    factories.CaseFactory(referring_organisation=organisation, partner_reference="OH-1999-01", number="1999-0001")
    client.force_login(referrer)

    html = client.get(reverse("cases:referrals"), {"q": "2026-17"}).content.decode()
    assert referral.number in html and "1999-0001" not in html

    html = client.get(reverse("cases:referrals"), {"q": "bestaat-niet"}).content.decode()
    assert "bestaat-niet" in html and referral.number not in html


@pytest.mark.parametrize("query", ["<script>", "\x00", "x" * 10_000, "%", "_", "' OR 1=1 --"])
def test_the_search_takes_any_text(client, referrer, referral, query):
    client.force_login(referrer)

    response = client.get(reverse("cases:referrals"), {"q": query, "page": "x"})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_a_referral_that_came_in_otherwise_has_no_submitted_copy(client, referrer, referred_case):
    client.force_login(referrer)

    html = page(client, referred_case).content.decode()

    assert "Wat u hebt ingediend" not in html
    assert "Canary Anna Aarts" not in html


def test_the_referrer_page_never_shows_where_an_open_case_was_referred(client, referrer, referred_case):
    referred_case.referred_to = "Canary elders"
    referred_case.save()
    client.force_login(referrer)

    assert "Canary elders" not in page(client, referred_case).content.decode()


def test_another_organisations_referrer_sees_none_of_it_at_any_scope(other_referrer, referral):
    assert not Case.objects.visible_to(other_referrer, scope=Scope.MILESTONES).exists()
    assert not Case.objects.visible_to(other_referrer, scope=Scope.RECORD).exists()
