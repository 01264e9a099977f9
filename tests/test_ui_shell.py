"""The UI shell: base layout, navigation per role, login and password flows, area pages, error pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent
from tests import factories
from tests.two_step import pass_two_step

pytestmark = pytest.mark.django_db

AREAS = {
    "coordinator": ("cases:coordinator_home", "Coördinatie"),
    "assigned_mediator": ("mediators:home", "Mijn zaken"),
    "referrer": ("cases:referrals", "Mijn verwijzingen"),
    "steering_member": ("partners:steering_home", "Rapportage"),
}
AREA_URL_NAMES = [url_name for url_name, _heading in AREAS.values()]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.DOTALL)
    assert match, "page has no <h1>"
    return match.group(1).strip()


def assert_csp_friendly(response):
    html = response.content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/bootstrap/js/bootstrap.bundle.min.js" in html
    assert not INLINE_SCRIPT.search(html), "inline <script> would break the CSP"
    assert 'style="' not in html, "inline style attribute would break the CSP"
    assert not INLINE_HANDLER.search(html), "inline event handler would break the CSP"


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD}, follow=True)
    if response.redirect_chain and response.redirect_chain[-1][0].startswith("/tweestaps/"):
        # Coordinators and admin users: the second step, with the code from their app.
        response = pass_two_step(client, user, follow=True)
    return response


# Login page and language


def test_login_page_is_dutch_by_default(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert h1(response) == "Inloggen"
    assert "Wachtwoord vergeten?" in html
    assert "<title>Inloggen – Buurtbemiddeling Enschede</title>" in html


def test_login_page_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302

    response = client.get(reverse("login"))

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert h1(response) == "Log in"
    assert "Forgot your password?" in html


def test_login_page_has_accessible_shell(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert re.search(r'<label\s+for="id_username"', html)
    assert re.search(r'<label\s+for="id_password"', html)
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="next" value="/login/"' in html
    assert_csp_friendly(response)


def test_login_page_links_to_password_reset(client):
    response = client.get(reverse("login"))

    assert f'href="{reverse("password_reset")}"' in response.content.decode()


def test_wrong_password_shows_an_error_in_dutch(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "fout"})

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'role="alert">\s*<ul class="m-0">\s*<li>Voer een juiste gebruikersnaam en wachtwoord in', html)


# Each persona lands on its own area, with only its own navigation


@pytest.mark.parametrize("persona", AREAS.keys())
def test_each_role_lands_on_its_own_area(client, request, persona):
    user = request.getfixturevalue(persona)
    url_name, heading = AREAS[persona]

    response = log_in(client, user)
    assert response.redirect_chain[-1][0] == reverse(url_name)
    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(url_name)
    assert h1(response) == heading
    assert f"<title>{heading} – Buurtbemiddeling Enschede</title>" in response.content.decode()


@pytest.mark.parametrize("persona", AREAS.keys())
def test_nav_shows_only_the_links_of_the_role(client, request, persona):
    user = request.getfixturevalue(persona)
    own_url_name, heading = AREAS[persona]
    client.force_login(user)

    response = client.get(reverse(own_url_name))

    html = response.content.decode()
    assert f'href="{reverse(own_url_name)}" aria-current="page">{heading}</a>' in html
    for url_name in AREA_URL_NAMES:
        if url_name != own_url_name:
            assert f'href="{reverse(url_name)}"' not in html
    assert f'href="{reverse("admin:index")}"' not in html
    assert f'action="{reverse("logout")}"' in html
    assert f'href="{reverse("login")}"' not in html


def test_nav_shows_admin_link_to_staff(client, coordinator):
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)

    response = client.get(reverse("cases:coordinator_home"))

    assert f'href="{reverse("admin:index")}"' in response.content.decode()
    assert ">Beheer</a>" in response.content.decode()


def test_nav_shows_the_users_name(client, coordinator):
    coordinator.first_name, coordinator.last_name = "Cora", "Coördinator"
    coordinator.save(update_fields=["first_name", "last_name"])
    client.force_login(coordinator)

    response = client.get(reverse("cases:coordinator_home"))

    assert "Cora Coördinator" in response.content.decode()


def test_user_without_role_sees_an_explanation(client):
    user = factories.UserFactory(username="zonder-rol")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert h1(response) == "Welkom"
    assert "coördinator" in response.content.decode()
    for url_name in AREA_URL_NAMES:
        assert f'href="{reverse(url_name)}"' not in response.content.decode()


@pytest.mark.parametrize("url_name", AREA_URL_NAMES)
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("referrer", "cases:coordinator_home"),
        ("unassigned_mediator", "cases:referrals"),
        ("steering_member", "mediators:home"),
        ("coordinator", "partners:steering_home"),
        ("other_referrer", "partners:steering_home"),
    ],
)
def test_it_answers_404_for_another_roles_area(client, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse(url_name))

    assert response.status_code == 404
    assert h1(response) == "Pagina niet gevonden"


def test_logout_is_a_post(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("cases:coordinator_home")).status_code == 302


# Password reset and change


def test_password_reset_sends_only_the_link(client, coordinator):
    coordinator.first_name, coordinator.last_name = "Canary", "Kanariepiet"
    coordinator.email = "canary-mail@example.nl"
    coordinator.save(update_fields=["first_name", "last_name", "email"])

    response = client.post(reverse("password_reset"), {"email": coordinator.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert message.subject == "Nieuw wachtwoord kiezen voor Buurtbemiddeling Enschede"
    links = re.findall(r"http://testserver/wachtwoord/nieuw/[^/\s]+/[^/\s]+/", message.body)
    assert len(links) == 1
    assert "Canary" not in message.body
    assert "Kanariepiet" not in message.body
    assert coordinator.email not in message.body
    assert "<" not in message.body, "the text body must not contain HTML"

    # The link leads to a form for a new password, and on to the confirmation.
    response = client.get(links[0], follow=True)
    assert response.status_code == 200
    assert h1(response) == "Kies een nieuw wachtwoord"
    new_password = "een-lang-nieuw-wachtwoord-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert h1(response) == "Uw wachtwoord is gewijzigd"
    response = client.post(reverse("login"), {"username": coordinator.username, "password": new_password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_password_reset_for_unknown_address_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "niemand@example.nl"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_email_is_english_for_english_visitors(client, coordinator):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    client.post(reverse("password_reset"), {"email": coordinator.email})

    assert mail.outbox[0].subject == "Choose a new password for Neighbour Mediation Enschede"
    assert "Choose a new password through this link" in mail.outbox[0].body


def test_password_change_page_renders(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("password_change"))

    assert response.status_code == 200
    assert h1(response) == "Wachtwoord wijzigen"
    assert_csp_friendly(response)


def test_admin_password_change_uses_the_site_template(client, coordinator):
    # templates/registration/ overrides the admin's own password templates too (DIRS before APP_DIRS).
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client.force_login(coordinator)

    response = client.get(reverse("admin:password_change"))

    assert response.status_code == 200
    assert h1(response) == "Wachtwoord wijzigen"


# Area pages


def test_referrals_lists_the_organisations_cases(client, referrer, referred_case):
    factories.CaseEventFactory(case=referred_case, kind=CaseEvent.Kind.CREATED, milestone=CaseEvent.Milestone.RECEIVED)
    client.force_login(referrer)

    response = client.get(reverse("cases:referrals"))

    html = response.content.decode()
    assert referred_case.number in html
    assert "OH-1" in html
    assert reverse("cases:referral_detail", kwargs={"code": referred_case.code}) in html
    # The milestone, not the internal status.
    assert "milestone-received" in html
    assert "status-badge" not in html
    assert "stack-sm" in html  # rows become cards on a phone
    assert "Canary Anna Aarts" not in html


def test_referrals_shows_an_empty_state(client, referrer):
    client.force_login(referrer)

    response = client.get(reverse("cases:referrals"))

    assert "nog geen zaken verwezen" in response.content.decode()
    assert "<table" not in response.content.decode()


def test_referral_detail_shows_milestones_only(client, referrer, referred_case):
    factories.CaseEventFactory(
        case=referred_case, kind=CaseEvent.Kind.CREATED, milestone=CaseEvent.Milestone.RECEIVED, text="Canary tekst"
    )
    factories.CaseEventFactory(case=referred_case, kind=CaseEvent.Kind.NOTE, text="Canary notitie")
    client.force_login(referrer)

    response = client.get(reverse("cases:referral_detail", kwargs={"code": referred_case.code}))

    assert response.status_code == 200
    html = response.content.decode()
    assert referred_case.number in html
    assert "OH-1" in html
    assert "Ontvangen" in html
    for secret in ("Canary Anna Aarts", "Canary Bert Bos", referred_case.description, "Canary", "Hengelosestraat"):
        assert secret not in html
    assert_csp_friendly(response)


def test_referral_detail_is_404_for_another_organisation(client, other_referrer, referred_case):
    client.force_login(other_referrer)

    response = client.get(reverse("cases:referral_detail", kwargs={"code": referred_case.code}))

    assert response.status_code == 404


def test_case_detail_shows_parties_and_timeline_to_the_assigned_mediator(client, assigned_mediator, referred_case):
    referred_case.neighbourhood = factories.NeighbourhoodFactory(name="Roombeek", stadsdeel="Noord")
    referred_case.save(update_fields=["neighbourhood"])
    factories.CaseEventFactory(case=referred_case, kind=CaseEvent.Kind.NOTE, text="Gebeld, geen gehoor.")
    client.force_login(assigned_mediator)

    response = client.get(reverse("cases:detail", kwargs={"code": referred_case.code}))

    assert response.status_code == 200
    html = response.content.decode()
    assert h1(response) == f"Zaak {referred_case.number}"
    for expected in ("Canary Anna Aarts", "Canary Bert Bos", "tel:+31612345678", "Roombeek", "Gebeld, geen gehoor."):
        assert expected in html
    assert f'href="{reverse("mediators:home")}"' in html
    assert_csp_friendly(response)


def test_case_detail_is_404_for_an_unassigned_mediator(client, unassigned_mediator, referred_case):
    client.force_login(unassigned_mediator)

    response = client.get(reverse("cases:detail", kwargs={"code": referred_case.code}))

    assert response.status_code == 404


def test_mediator_home_lists_own_cases_with_neighbourhood(client, assigned_mediator, referred_case):
    referred_case.neighbourhood = factories.NeighbourhoodFactory(name="Roombeek", stadsdeel="Noord")
    referred_case.save(update_fields=["neighbourhood"])
    client.force_login(assigned_mediator)

    response = client.get(reverse("mediators:home"))

    html = response.content.decode()
    assert referred_case.number in html
    assert "Roombeek" in html
    assert reverse("mediators:case", kwargs={"code": referred_case.code}) in html


def test_mediator_home_shows_an_empty_state(client, unassigned_mediator):
    client.force_login(unassigned_mediator)

    response = client.get(reverse("mediators:home"))

    assert "geen openstaande zaken" in response.content.decode()


def test_coordinator_home_announces_the_triage_queue(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cases:coordinator_home"))

    assert "triagelijst" in response.content.decode()


def test_lists_do_not_query_per_row(client, django_assert_num_queries, referrer, assigned_mediator, referred_case):
    neighbourhood = factories.NeighbourhoodFactory(name="Roombeek", stadsdeel="Noord")
    referred_case.neighbourhood = neighbourhood
    referred_case.save(update_fields=["neighbourhood"])
    for reference in ("OH-2", "OH-3"):
        case = factories.CaseFactory(
            referring_organisation=referred_case.referring_organisation,
            partner_reference=reference,
            neighbourhood=neighbourhood,
            received_at=timezone.now(),
        )
        factories.AssignmentFactory(case=case, mediator=referred_case.assignments.get().mediator)

    client.force_login(referrer)
    # (the session comes from the cache) user with groups, the count for the paginator,
    # the page of cases with their latest milestone.
    with django_assert_num_queries(3):
        response = client.get(reverse("cases:referrals"))
    assert response.content.decode().count("OH-") == 3

    client.force_login(assigned_mediator)
    # (the session comes from the cache) user with groups, the cases with their wijk,
    # next meeting and nazorg date, the count of proposals waiting for an answer.
    with django_assert_num_queries(3):
        response = client.get(reverse("mediators:home"))
    assert response.content.decode().count("Roombeek") == 3


# Error pages and the CSP


def test_unknown_url_renders_the_404_page(client):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert h1(response) == "Pagina niet gevonden"
    assert_csp_friendly(response)


def test_500_page_renders_without_any_context():
    html = render_to_string("500.html")

    assert "Er ging iets mis" in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert not INLINE_SCRIPT.search(html)
    assert 'style="' not in html


@pytest.mark.parametrize("persona", AREAS.keys())
def test_area_pages_are_csp_friendly(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse(AREAS[persona][0]))

    assert_csp_friendly(response)


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_english_is_chosen(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="nl"' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="nl")
    assert 'lang="en"' in response.content.decode()
