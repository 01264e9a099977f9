"""Recruitment: the public application form (honeypot, rate limit) and the coordinator's pipeline."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from buurtbemiddeling import notifications
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role, has_role
from mediators import services
from mediators.models import Mediator, VolunteerApplication
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()

FORM = {
    "name": "Vera de Vrijwilliger",
    "email": "Vera@Example.nl",
    "phone": "06 12345678",
    "postcode": "7544ab",
    "languages": ["nl", "ar"],
    "motivation": "Ik wil graag helpen.",
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    settings.PUBLIC_FORM_RATE_LIMIT = "3/h"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def application(db):
    return services.submit_application(
        data=services.ApplicationData(
            name="Vera de Vrijwilliger", email="vera@example.nl", postcode="7544 AB", languages=("nl", "ar")
        )
    )


# The public form -----------------------------------------------------------------------------


def test_anyone_can_apply_without_logging_in(client):
    url = reverse("mediators:apply")
    html = client.get(url).content.decode()
    assert "Word buurtbemiddelaar" in html
    response = client.post(url, FORM)
    assert response.status_code == 302 and response.url == reverse("mediators:apply_thanks")
    application = VolunteerApplication.objects.get()
    assert (application.name, application.email, application.postcode) == (
        "Vera de Vrijwilliger",
        "vera@example.nl",
        "7544 AB",
    )
    assert application.phone == "+31612345678"
    assert application.languages == ["ar", "nl"]
    assert application.status == VolunteerApplication.Status.NEW
    assert client.get(response.url).status_code == 200


def test_the_form_explains_its_errors_and_stores_nothing(client):
    response = client.post(reverse("mediators:apply"), FORM | {"email": "geen-adres", "consent": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and 'href="#id_email"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_email_error[^"]*"', html) and 'id="id_email_error"' in html
    assert not VolunteerApplication.objects.exists()


def test_a_filled_in_honeypot_gets_the_thank_you_page_and_nothing_is_stored(client):
    response = client.post(reverse("mediators:apply"), FORM | {"website": "http://spam.example"})
    assert response.status_code == 302 and response.url == reverse("mediators:apply_thanks")
    assert not VolunteerApplication.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(reverse("mediators:apply")).content.decode()
    field = re.search(r'<div[^>]*class="hp-field"[^>]*>', html)
    assert field and 'aria-hidden="true"' in field.group(0)
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_too_many_applications_from_one_address_get_a_clear_429_page(client):
    url = reverse("mediators:apply")
    for index in range(3):
        assert client.post(url, FORM | {"email": f"vera{index}@example.nl"}).status_code == 302
    response = client.post(url, FORM | {"email": "vera9@example.nl"}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Te veel aanmeldingen" in html and "Er is niets opgeslagen." in html
    assert VolunteerApplication.objects.count() == 3
    # Another address is not affected.
    assert client.post(url, FORM | {"email": "ander@example.nl"}, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_invalid_submissions_do_not_count_against_the_limit(client):
    url = reverse("mediators:apply")
    for _ in range(5):
        client.post(url, FORM | {"consent": ""})
    assert client.post(url, FORM).status_code == 302


# The pipeline --------------------------------------------------------------------------------


def test_the_pipeline_moves_through_its_statuses(application, coordinator):
    services.move_application(application=application, new_status="interview", actor=coordinator)
    services.move_application(application=application, new_status="in_training", actor=coordinator)
    application.refresh_from_db()
    assert application.status == VolunteerApplication.Status.IN_TRAINING
    with pytest.raises(DomainError):
        services.move_application(application=application, new_status="new", actor=coordinator)
    services.move_application(application=application, new_status="withdrawn", actor=coordinator)
    with pytest.raises(DomainError):  # withdrawn is final
        services.move_application(application=application, new_status="interview", actor=coordinator)


def test_accepting_goes_through_its_own_service(application, coordinator):
    with pytest.raises(DomainError):
        services.move_application(application=application, new_status="accepted", actor=coordinator)
    with pytest.raises(DomainError):  # not before the interview
        services.accept_application(application=application, home_postcode="7544 AB", actor=coordinator)


def test_accepting_creates_the_mediators_account_and_the_set_password_email(application, coordinator):
    services.move_application(application=application, new_status="interview", actor=coordinator)
    mediator = services.accept_application(application=application, home_postcode="7544ab", actor=coordinator)

    user = mediator.user
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "vera@example.nl",
        "vera@example.nl",
        "Vera",
        "de Vrijwilliger",
    )
    assert not user.has_usable_password()
    assert has_role(user, Role.MEDIATOR)
    assert (mediator.status, mediator.home_postcode, mediator.certified_on) == ("in_training", "7544 AB", None)
    assert not mediator.can_be_proposed
    application.refresh_from_db()
    assert (application.status, application.mediator) == ("accepted", mediator)
    row = Notification.objects.get(kind=Notification.Kind.SET_PASSWORD)
    assert (row.recipient, row.key, row.payload) == (user, f"set_password:{user.pk}", {})
    assert notifications._still_applies(row)


def test_the_coordinator_may_accept_straight_to_active_with_a_certificate(application, coordinator):
    services.move_application(application=application, new_status="interview", actor=coordinator)
    with pytest.raises(DomainError):
        services.accept_application(
            application=application, home_postcode="7544 AB", status="active", actor=coordinator
        )
    from datetime import date

    mediator = services.accept_application(
        application=application,
        home_postcode="7544 AB",
        status="active",
        certified_on=date(2025, 6, 1),
        actor=coordinator,
    )
    assert mediator.can_be_proposed


def test_an_email_address_that_already_has_an_account_is_refused(application, coordinator):
    factories.UserFactory(username="iemand", email="vera@example.nl")
    services.move_application(application=application, new_status="interview", actor=coordinator)
    with pytest.raises(DomainError):
        services.accept_application(application=application, home_postcode="7544 AB", actor=coordinator)
    assert not Mediator.objects.exists()
    application.refresh_from_db()
    assert application.status == VolunteerApplication.Status.INTERVIEW


def test_the_emailed_link_lets_the_new_mediator_choose_a_password_and_log_in(
    client, application, coordinator, settings
):
    settings.SITE_URL = "http://testserver"
    services.move_application(application=application, new_status="interview", actor=coordinator)
    mediator = services.accept_application(application=application, home_postcode="7544 AB", actor=coordinator)
    row = Notification.objects.get(kind=Notification.Kind.SET_PASSWORD)
    row = notifications.claim(row.pk)
    assert notifications.deliver(row) == Notification.Status.SENT

    (message,) = mail.outbox
    assert message.to == ["vera@example.nl"]
    assert "vera@example.nl" in message.body  # the username to log in with
    link = re.search(r"http://testserver(/wachtwoord/nieuw/\S+/)", message.body).group(1)
    # No token is kept anywhere: not in the row, not in its payload.
    token = link.rstrip("/").split("/")[-1]
    row.refresh_from_db()
    assert token not in str(row.payload) and token not in row.key

    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "kopje-thee-aan-de-gracht", "new_password2": "kopje-thee-aan-de-gracht"}
    )
    assert response.status_code == 302, response.context["form"].errors
    mediator.user.refresh_from_db()
    assert mediator.user.check_password("kopje-thee-aan-de-gracht")
    response = client.post(reverse("login"), {"username": "vera@example.nl", "password": "kopje-thee-aan-de-gracht"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(mediator.user.pk)
    # The link has done its work: used once, and a resend no longer applies.
    assert client.get(link, follow=True).context["validlink"] is False
    assert not notifications._still_applies(Notification.objects.select_related("recipient").get(pk=row.pk))


def test_the_pipeline_pages(client, coordinator, application):
    client.force_login(coordinator)
    html = client.get(reverse("mediators:applications")).content.decode()
    assert "Vera de Vrijwilliger" in html
    url = reverse("mediators:application_detail", args=[application.code])
    html = client.get(url).content.decode()
    assert "Kennismakingsgesprek" in html
    assert "Arabisch, Nederlands" in html
    assert "Aannemen als bemiddelaar" not in html  # not before the interview

    client.post(reverse("mediators:application_status", args=[application.code]), {"status": "interview"})
    application.refresh_from_db()
    assert application.status == "interview"
    assert "Aannemen als bemiddelaar" in client.get(url).content.decode()

    response = client.post(
        reverse("mediators:accept_application", args=[application.code]),
        {"home_postcode": "7544 AB", "status": "in_training", "certified_on": ""},
    )
    mediator = Mediator.objects.get()
    assert response.status_code == 302 and response.url == reverse("mediators:mediator_detail", args=[mediator.code])


def test_the_pipeline_lists_query_count_is_constant(client, coordinator, django_assert_num_queries):
    for index in range(6):
        services.submit_application(data=services.ApplicationData(name=f"Vrijwilliger {index}", email=f"v{index}@x.nl"))
    client.force_login(coordinator)
    client.get(reverse("mediators:applications"))
    # (the session comes from the cache) user with groups; the counts per status; the page count; the applications.
    with django_assert_num_queries(4):
        response = client.get(reverse("mediators:applications"))
    assert response.content.decode().count("Vrijwilliger ") == 6


@pytest.mark.parametrize("name", ["mediators:applications", "mediators:application_detail"])
def test_the_pipeline_is_for_coordinators_only(client, application, lead, referrer, name):
    url = reverse(name) if name == "mediators:applications" else reverse(name, args=[application.code])
    assert client.get(url).status_code == 302
    for user in (lead.user, referrer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(lead.user)
    assert (
        client.post(
            reverse("mediators:application_status", args=[application.code]), {"status": "interview"}
        ).status_code
        == 404
    )
