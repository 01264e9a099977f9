"""The volunteer pool: the coordinator's list and a mediator's page, availability, absences, training."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.errors import DomainError
from cases.models import Status
from mediators import services
from mediators.models import Absence, Assignment, Availability, Mediator, TrainingRecord
from tests import factories
from tests.coordination.conftest import make_mediator

pytestmark = pytest.mark.django_db


def _data(mediator: Mediator, **changes) -> services.MediatorData:
    fields = {
        "first_name": mediator.user.first_name,
        "last_name": mediator.user.last_name,
        "email": mediator.user.email,
        "phone": mediator.phone,
        "home_postcode": mediator.home_postcode,
        "languages": tuple(mediator.languages),
        "status": mediator.status,
        "certified_on": mediator.certified_on,
        "max_concurrent_cases": mediator.max_concurrent_cases,
        "yearly_target": mediator.yearly_target,
        "joined_on": mediator.joined_on,
    }
    return services.MediatorData(**(fields | changes))


# Services ------------------------------------------------------------------------------------


def test_updating_a_mediator_saves_profile_and_account(lead, coordinator):
    services.update_mediator(
        mediator=lead,
        data=_data(lead, first_name="Lotte", last_name="de Vries", home_postcode="7544ab", languages=("tr", "nl")),
        actor=coordinator,
    )
    lead.refresh_from_db()
    lead.user.refresh_from_db()
    assert (lead.user.first_name, lead.user.last_name) == ("Lotte", "de Vries")
    assert lead.home_postcode == "7544 AB"
    assert lead.languages == ["nl", "tr"]


def test_an_active_mediator_needs_a_basistraining_date(lead, coordinator):
    with pytest.raises(DomainError):
        services.update_mediator(mediator=lead, data=_data(lead, certified_on=None), actor=coordinator)
    services.update_mediator(
        mediator=lead, data=_data(lead, certified_on=None, status=Mediator.Status.PAUSED), actor=coordinator
    )
    lead.refresh_from_db()
    assert not lead.can_be_proposed


def test_availability_is_replaced_by_the_new_parts(lead, coordinator):
    services.set_availability(mediator=lead, parts={(0, "evening"), (5, "morning")}, actor=coordinator)
    assert set(lead.availability.values_list("weekday", "part")) == {(0, "evening"), (5, "morning")}
    with pytest.raises(DomainError):
        services.set_availability(mediator=lead, parts={(7, "evening")}, actor=coordinator)


def test_an_absence_must_end_after_it_starts(lead, coordinator):
    services.add_absence(mediator=lead, starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 21), actor=coordinator)
    with pytest.raises(ValidationError):
        services.add_absence(mediator=lead, starts_on=date(2026, 7, 21), ends_on=date(2026, 7, 1), actor=coordinator)
    assert lead.absences.count() == 1


def test_a_training_record_needs_hours(lead, coordinator):
    services.add_training_record(
        mediator=lead,
        kind=TrainingRecord.Kind.INTERVISION,
        on=date(2026, 2, 1),
        hours=Decimal("2.5"),
        actor=coordinator,
    )
    with pytest.raises(ValidationError):
        services.add_training_record(
            mediator=lead,
            kind=TrainingRecord.Kind.INTERVISION,
            on=date(2026, 2, 1),
            hours=Decimal(0),
            actor=coordinator,
        )
    assert lead.training_records.get().hours == Decimal("2.5")


# Pages ---------------------------------------------------------------------------------------


def test_the_pool_lists_mediators_with_their_load(client, coordinator, lead, co):
    busy_case = factories.CaseFactory(status=Status.IN_MEDIATION)
    factories.AssignmentFactory(case=busy_case, mediator=lead, status=Assignment.Status.ACCEPTED)
    stopped = make_mediator("stijn", status=Mediator.Status.STOPPED)
    client.force_login(coordinator)

    html = client.get(reverse("mediators:pool")).content.decode()

    assert "Lotte Bemiddelaar" in html and "Cor Bemiddelaar" in html
    assert str(stopped) not in html  # "Huidig" leaves out who stopped
    assert "1 van 3" in html  # Lotte's open cases
    assert "Turks" in html
    assert "kan worden voorgesteld" in html
    html = client.get(reverse("mediators:pool") + "?status=stopped").content.decode()
    assert str(stopped) in html and "Lotte" not in html


def test_the_pool_lists_query_count_is_constant(client, coordinator, neighbourhoods, django_assert_num_queries):
    today = timezone.localdate()
    for index in range(8):
        mediator = make_mediator(f"m{index}")
        Absence.objects.create(mediator=mediator, starts_on=today, ends_on=today + timedelta(days=3))
        TrainingRecord.objects.create(mediator=mediator, kind="intervisie", date=today, hours=Decimal(2))
        factories.AssignmentFactory(mediator=mediator, status=Assignment.Status.ACCEPTED)
    client.force_login(coordinator)
    client.get(reverse("mediators:pool"))
    # (the session comes from the cache) user with groups; the page count; the mediators with their users, counts and
    # training hours; their weekly availability; their current and coming absences.
    with django_assert_num_queries(5):
        response = client.get(reverse("mediators:pool"))
    html = response.content.decode()
    assert html.count("afwezig tot en met") == 8
    assert html.count("5 dagdelen per week") == 8


def test_a_mediators_page_shows_everything_the_coordinator_keeps(client, coordinator, lead, django_assert_num_queries):
    today = timezone.localdate()
    Absence.objects.create(mediator=lead, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=20))
    TrainingRecord.objects.create(mediator=lead, kind="basistraining", date=date(2020, 3, 1), hours=Decimal(18))
    TrainingRecord.objects.create(mediator=lead, kind="intervisie", date=today, hours=Decimal("2.5"))
    factories.AssignmentFactory(mediator=lead, status=Assignment.Status.ACCEPTED, case__status=Status.IN_MEDIATION)
    client.force_login(coordinator)
    url = reverse("mediators:mediator_detail", args=[lead.code])
    client.get(url)
    # (the session comes from the cache) user with groups; the mediator with user and counts; availability; training;
    # open assignments with their cases; coming and earlier absences.
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert "18 uur basistraining vastgelegd" in html
    assert "2,5 uur dit jaar." in html
    assert "Intervisie" in html
    assert "1 van maximaal 3" in html


def test_the_coordinator_edits_a_mediator(client, coordinator, lead):
    client.force_login(coordinator)
    url = reverse("mediators:mediator_edit", args=[lead.code])
    form = {
        "first_name": "Lotte",
        "last_name": "Jansen",
        "email": "lotte@example.nl",
        "phone": "06 12345678",
        "home_postcode": "7544ab",
        "languages": ["nl", "de"],
        "status": "active",
        "certified_on": "2021-05-01",
        "max_concurrent_cases": "4",
        "yearly_target": "12",
        "joined_on": "",
    }
    assert client.post(url, form).status_code == 302
    lead.refresh_from_db()
    assert (lead.home_postcode, lead.phone, lead.max_concurrent_cases) == ("7544 AB", "+31612345678", 4)
    assert lead.languages == ["de", "nl"]
    response = client.post(url, form | {"certified_on": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_coordinator_sets_weekly_availability(client, coordinator, lead):
    client.force_login(coordinator)
    url = reverse("mediators:mediator_availability", args=[lead.code])
    html = client.get(url).content.decode()
    assert html.count("<legend") == 7
    assert client.post(url, {"day_0": ["morning", "evening"], "day_6": ["afternoon"]}).status_code == 302
    assert set(Availability.objects.filter(mediator=lead).values_list("weekday", "part")) == {
        (0, "morning"),
        (0, "evening"),
        (6, "afternoon"),
    }


def test_absences_and_training_are_added_and_removed_from_the_page(client, coordinator, lead):
    client.force_login(coordinator)
    response = client.post(
        reverse("mediators:add_absence", args=[lead.code]),
        {"absence-starts_on": "2026-12-20", "absence-ends_on": "2026-12-10", "absence-reason": ""},
    )
    assert response.status_code == 400
    assert "De laatste dag kan niet" in response.content.decode()
    client.post(
        reverse("mediators:add_absence", args=[lead.code]),
        {"absence-starts_on": "2026-12-20", "absence-ends_on": "2027-01-03", "absence-reason": "Vakantie"},
    )
    absence = lead.absences.get()
    client.post(
        reverse("mediators:add_training", args=[lead.code]),
        {"training-kind": "intervisie", "training-date": "2026-11-01", "training-hours": "2.5", "training-note": ""},
    )
    record = lead.training_records.get()
    client.post(reverse("mediators:remove_absence", args=[lead.code, absence.pk]))
    client.post(reverse("mediators:remove_training", args=[lead.code, record.pk]))
    assert not lead.absences.exists() and not lead.training_records.exists()


def test_another_mediators_absence_cannot_be_removed_through_this_page(client, coordinator, lead, co):
    absence = Absence.objects.create(mediator=co, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 2))
    client.force_login(coordinator)
    assert client.post(reverse("mediators:remove_absence", args=[lead.code, absence.pk])).status_code == 404
    assert Absence.objects.filter(pk=absence.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["mediators:pool", "mediators:mediator_detail", "mediators:mediator_edit", "mediators:mediator_availability"],
)
def test_the_pool_is_for_coordinators_only(client, lead, referrer, name):
    url = reverse(name) if name == "mediators:pool" else reverse(name, args=[lead.code])
    assert client.get(url).status_code == 302
    for user in (lead.user, referrer):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_set_password_email_can_be_sent_again_until_a_password_is_chosen(client, coordinator, lead):
    from buurtbemiddeling.models import Notification

    lead.user.set_unusable_password()
    lead.user.save()
    client.force_login(coordinator)
    html = client.get(reverse("mediators:mediator_detail", args=[lead.code])).content.decode()
    assert "Heeft nog geen wachtwoord gekozen." in html
    client.post(reverse("mediators:send_set_password", args=[lead.code]))
    assert Notification.objects.filter(kind=Notification.Kind.SET_PASSWORD, recipient=lead.user).count() == 1
    lead.user.set_password("een-goed-wachtwoord-42")
    lead.user.save()
    client.post(reverse("mediators:send_set_password", args=[lead.code]))
    assert Notification.objects.filter(kind=Notification.Kind.SET_PASSWORD).count() == 1
