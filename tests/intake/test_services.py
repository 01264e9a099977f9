"""Intake services: one case per referral, the service area, confirmations and milestone emails."""

from __future__ import annotations

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from buurtbemiddeling import notifications
from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from cases import services
from cases.forms import PhoneIntakeForm, ReferralForm, SelfReportForm
from cases.models import Case, CaseEvent, Party, Status
from cases.querysets import REPEATS_OF_CASE, reopen_since
from cases.services import intake as intake_services
from partners.models import Membership
from tests import factories
from tests.intake.conftest import CANARIES, phone_intake_data, referral_data, self_report_data

pytestmark = pytest.mark.django_db


def valid(form):
    assert form.is_valid(), form.errors
    return form


def refer(referrer, organisation, **overrides):
    form = valid(ReferralForm(referral_data(**overrides)))
    return services.submit_referral(
        data=form.case_data(), referrer=referrer, organisation=organisation, as_submitted=form.as_submitted()
    )


def test_a_referral_makes_a_case_with_parties_a_received_milestone_and_a_confirmation(
    service_area, referrer, organisation
):
    result = refer(referrer, organisation)

    case = result.case
    assert result.created
    assert (case.status, case.channel) == (Status.NEW, "partner_referral")
    assert case.referring_organisation == organisation
    assert case.referred_by == referrer
    assert case.consent_given and case.consent_recorded_by == referrer
    assert case.neighbourhood == service_area["oost"]
    assert sorted(case.parties.values_list("role", flat=True)) == ["A", "B"]
    assert case.as_submitted["party_a"]["name"] == CANARIES["a_name"]
    event = case.events.get()
    assert event.milestone == CaseEvent.Milestone.RECEIVED
    notification = Notification.objects.get()
    assert notification.kind == Notification.Kind.REFERRAL_RECEIVED
    assert notification.recipient == referrer
    assert notification.subject == case
    assert notification.key == f"referral_received:{case.pk}"


def test_the_same_reference_twice_makes_one_case(service_area, referrer, organisation):
    first = refer(referrer, organisation)
    second = refer(referrer, organisation, description="Nog een keer verstuurd")

    assert not second.created
    assert second.case == first.case
    assert Case.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_second_submit_of_a_reference_is_refused_by_the_database_and_answered_with_the_first(
    service_area, referrer, organisation
):
    first = refer(referrer, organisation)
    # No look-up before the write (two submits at the same moment would both miss it): the
    # unique constraint refuses the INSERT, and only then is the first case looked up.
    with mock.patch.object(intake_services, "_existing_referral", wraps=intake_services._existing_referral) as look_up:
        second = refer(referrer, organisation)

    assert look_up.call_count == 1
    assert not second.created
    assert second.case == first.case
    assert Case.objects.count() == 1
    assert Party.objects.count() == 2
    assert Notification.objects.count() == 1
    # The refused case's number was rolled back with it: the next case gets the next number.
    third = refer(referrer, organisation, partner_reference="REF-THIRD")
    assert int(third.case.number.split("-")[1]) == int(first.case.number.split("-")[1]) + 1


def test_a_reference_referred_before_answers_with_that_referral_even_outside_the_area(
    service_area, referrer, organisation
):
    first = refer(referrer, organisation)
    form = valid(ReferralForm(referral_data()))
    service_area["oost"].joined_service_on = None
    service_area["oost"].save()

    second = services.submit_referral(data=form.case_data(), referrer=referrer, organisation=organisation)

    assert not second.created and second.case == first.case


def test_the_same_reference_from_another_organisation_is_another_case(
    service_area, referrer, organisation, other_referrer, other_organisation
):
    refer(referrer, organisation)
    other = refer(other_referrer, other_organisation)

    assert other.created
    assert Case.objects.count() == 2


def test_a_referrer_refers_only_for_their_own_organisation(service_area, referrer, other_organisation):
    with pytest.raises(DomainError):
        refer(referrer, other_organisation)
    assert not Case.objects.exists()


def test_an_inactive_organisation_cannot_refer(service_area, referrer, organisation):
    organisation.is_active = False
    organisation.save()

    with pytest.raises(DomainError):
        refer(referrer, organisation)


def test_nothing_is_stored_for_an_address_outside_the_service_area(service_area, referrer, organisation):
    form = valid(ReferralForm(referral_data()))
    data = form.case_data()
    service_area["oost"].joined_service_on = None
    service_area["oost"].save()

    with pytest.raises(services.OutsideServiceArea):
        services.submit_referral(data=data, referrer=referrer, organisation=organisation)

    assert not Case.objects.exists() and not Party.objects.exists() and not Notification.objects.exists()


def test_a_self_report_with_an_email_gets_a_confirmation_without_an_account(service_area):
    form = valid(SelfReportForm(self_report_data()))

    case = services.submit_self_report(data=form.case_data(), confirm_to=form.cleaned_data["a_email"], language="en")

    assert case.channel == "web_form"
    assert case.referred_by is None and case.referring_organisation is None
    assert case.consent_given and case.consent_recorded_by is None
    assert case.as_submitted == {}
    notification = Notification.objects.get()
    assert notification.kind == Notification.Kind.REPORT_RECEIVED
    assert notification.recipient is None
    assert (notification.to_email, notification.language) == (CANARIES["a_email"], "en")
    assert notification.key == f"report_received:{case.pk}"
    assert notification.subject == case


def test_a_self_report_without_an_email_gets_no_confirmation(service_area):
    form = valid(SelfReportForm(self_report_data(a_email="")))

    services.submit_self_report(data=form.case_data(), confirm_to="")

    assert not Notification.objects.exists()


def test_the_phone_intake_records_the_channel_and_the_coordinator(service_area, coordinator):
    form = valid(PhoneIntakeForm(phone_intake_data(intake_channel="email")))

    case = services.register_reported_case(data=form.case_data(), coordinator=coordinator)

    assert case.channel == "email"
    assert case.consent_recorded_by == coordinator
    assert case.referred_by is None
    assert not Notification.objects.exists()


def test_the_phone_intake_refuses_other_channels(service_area, coordinator):
    data = valid(ReferralForm(referral_data())).case_data()

    with pytest.raises(DomainError):
        services.register_reported_case(data=data, coordinator=coordinator)


def test_a_contact_attempt_is_an_event(coordinator):
    case = factories.CaseFactory()

    event = services.log_contact_attempt(case=case, actor=coordinator, text="Partij A: geen gehoor")

    assert (event.kind, event.actor, event.text, event.milestone) == (
        "contact_attempt",
        coordinator,
        "Partij A: geen gehoor",
        "",
    )


# Milestone emails to the referrer -------------------------------------------------------------


def milestone_rows():
    return list(Notification.objects.filter(kind=Notification.Kind.MILESTONE).order_by("pk"))


def test_each_milestone_schedules_an_email_to_the_referrer_in_its_own_transaction(referred_case, coordinator):
    services.change_status(case=referred_case, new_status=Status.INTAKE, actor=coordinator)
    assert milestone_rows() == []  # the intake itself is no milestone

    services.change_status(case=referred_case, new_status=Status.MATCHING, actor=coordinator)
    services.change_status(case=referred_case, new_status=Status.IN_MEDIATION, actor=coordinator)
    services.change_status(
        case=referred_case, new_status=Status.CLOSED, actor=coordinator, outcome="resolved_joint_meeting"
    )

    rows = milestone_rows()
    events = list(referred_case.events.exclude(milestone="").order_by("pk"))
    assert [row.payload["milestone"] for row in rows] == ["suitable", "taken_up", "closed_resolved"]
    assert [row.key for row in rows] == [f"milestone:{event.pk}" for event in events]
    assert {row.recipient for row in rows} == {referred_case.referred_by}
    assert all(row.subject_type == ContentType.objects.get_for_model(Case) for row in rows)


def test_not_suitable_is_a_milestone(referred_case, coordinator):
    services.change_status(case=referred_case, new_status=Status.INTAKE, actor=coordinator)
    services.change_status(
        case=referred_case,
        new_status=Status.NOT_SUITABLE,
        not_suitable_reason="Familieconflict",
        referred_to="Wijkteam",
    )

    assert [row.payload["milestone"] for row in milestone_rows()] == ["not_suitable"]


def test_a_failed_status_change_schedules_nothing(referred_case):
    with pytest.raises(DomainError):
        services.change_status(case=referred_case, new_status=Status.CLOSED, outcome="")

    assert milestone_rows() == []


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_no_milestone_email_to_an_inactive_referrer_or_one_without_email(referred_case, coordinator, change):
    for field, value in change.items():
        setattr(referred_case.referred_by, field, value)
    referred_case.referred_by.save()

    services.change_status(case=referred_case, new_status=Status.CLOSED, outcome="withdrawn")

    assert milestone_rows() == []


def test_a_case_without_a_referrer_gets_no_milestone_email(coordinator):
    case = factories.CaseFactory(channel="web_form")

    services.change_status(case=case, new_status=Status.CLOSED, outcome="withdrawn")

    assert not Notification.objects.exists()


def test_a_milestone_email_is_cancelled_when_the_referrer_left_the_organisation(referred_case):
    services.change_status(case=referred_case, new_status=Status.CLOSED, outcome="withdrawn")
    Membership.objects.filter(user=referred_case.referred_by).delete()
    (row,) = milestone_rows()

    claimed = notifications.claim(row.pk)

    assert notifications.deliver(claimed) == Notification.Status.CANCELLED


def test_a_milestone_email_is_sent_while_the_referrer_is_still_a_member(referred_case, mailoutbox):
    services.change_status(case=referred_case, new_status=Status.CLOSED, outcome="withdrawn")
    (row,) = milestone_rows()

    assert notifications.deliver(notifications.claim(row.pk)) == Notification.Status.SENT
    assert mailoutbox[0].to == [referred_case.referred_by.email]


# Repeat signal --------------------------------------------------------------------------------


def repeats_of(case, **kwargs):
    numbers = set(Case.objects.possible_repeats_of(case, **kwargs).values_list("number", flat=True))
    # The case page's precompiled search finds the same.
    by_case = REPEATS_OF_CASE(code=case.code, since=reopen_since(kwargs.get("now")))
    assert {repeat.number for repeat in by_case} == numbers
    return numbers


def test_a_case_at_the_same_address_is_a_possible_repeat():
    earlier = factories.CaseFactory(postcode="7531 AB", house_number="12")
    new = factories.CaseFactory(postcode="7531 AB", house_number="12")
    elsewhere = factories.CaseFactory(postcode="7531 AB", house_number="14")

    assert repeats_of(new) == {earlier.number}
    assert repeats_of(elsewhere) == set()


def test_a_party_living_at_the_new_case_address_is_a_possible_repeat():
    earlier = factories.CaseFactory(postcode="7533 XX", house_number="1")
    factories.PartyFactory(case=earlier, role="B", postcode="7531 AB", house_number="12", phone="", email="")
    new = factories.CaseFactory(postcode="7531 AB", house_number="12")

    assert repeats_of(new) == {earlier.number}


@pytest.mark.parametrize("same", [{"phone": "+31611112222"}, {"email": "anna@example.nl"}])
def test_the_same_person_elsewhere_is_a_possible_repeat(same):
    earlier = factories.CaseFactory(postcode="7533 XX", house_number="1")
    factories.PartyFactory(
        case=earlier,
        role="A",
        postcode="7533 XX",
        house_number="1",
        **{"phone": "+31600000001", "email": "x@example.nl", **same},
    )
    new = factories.CaseFactory(postcode="7531 AB", house_number="12")
    factories.PartyFactory(
        case=new,
        role="A",
        postcode="7531 AB",
        house_number="12",
        **{"phone": "+31600000002", "email": "y@example.nl", **same},
    )

    assert repeats_of(new) == {earlier.number}


def test_a_case_that_matches_in_every_way_is_listed_once():
    person = {"phone": "+31611112222", "email": "anna@example.nl", "postcode": "7531 AB", "house_number": "12"}
    earlier = factories.CaseFactory(postcode="7531 AB", house_number="12")
    factories.PartyFactory(case=earlier, role="A", **person)
    factories.PartyFactory(case=earlier, role="B", **person)
    new = factories.CaseFactory(postcode="7531 AB", house_number="12")
    factories.PartyFactory(case=new, role="A", **person)
    factories.PartyFactory(case=new, role="B", **person)

    # Found by the address (the case's and each party's), the phone number and the email address: one row.
    assert [case.number for case in Case.objects.possible_repeats_of(new)] == [earlier.number]
    assert [case.number for case in REPEATS_OF_CASE(code=new.code, since=reopen_since())] == [earlier.number]


def test_only_open_and_recently_closed_cases_count(settings):
    now = timezone.now()
    recent = factories.CaseFactory(
        postcode="7531 AB",
        house_number="12",
        status=Status.CLOSED,
        received_at=now - timedelta(days=90),
        closed_at=now - timedelta(days=30),
    )
    factories.CaseFactory(
        postcode="7531 AB",
        house_number="12",
        status=Status.CLOSED,
        received_at=now - timedelta(days=400),
        closed_at=now - timedelta(days=300),
    )
    factories.CaseFactory(
        postcode="7531 AB",
        house_number="12",
        status=Status.NOT_SUITABLE,
        received_at=now - timedelta(days=400),
        closed_at=now - timedelta(days=250),
    )
    new = factories.CaseFactory(postcode="7531 AB", house_number="12")

    assert repeats_of(new) == {recent.number}


def test_a_case_without_address_or_contacts_has_no_repeats():
    new = factories.CaseFactory(postcode="", house_number="")
    factories.CaseFactory(postcode="", house_number="")

    assert repeats_of(new) == set()


def test_the_repeat_search_finds_what_a_plain_reading_of_the_rule_finds():
    """Thirty cases drawn from few addresses, phones and emails (some left empty), checked against the
    rule as written: another open or recently closed case sharing an address (the conflict's or a
    party's postcode with house number) or a party's phone number or email address."""
    rng = random.Random(9)
    now = timezone.now()
    places = [("7531 AB", "12"), ("7531 AB", "14"), ("7533 XX", "1"), ("", "3"), ("7522 NB", "")]
    phones, emails = ["", "", "+31611112222", "+31633334444"], ["", "", "anna@example.nl", "bert@example.nl"]
    for _ in range(30):
        status = rng.choice([Status.NEW, Status.IN_MEDIATION, Status.CLOSED, Status.NOT_SUITABLE])
        closed_at = (
            now - timedelta(days=rng.choice([10, 400])) if status in (Status.CLOSED, Status.NOT_SUITABLE) else None
        )
        postcode, number = rng.choice(places)
        case = factories.CaseFactory(
            postcode=postcode,
            house_number=number,
            status=status,
            received_at=now - timedelta(days=500),
            closed_at=closed_at,
        )
        for role in rng.sample(["A", "B"], rng.randint(0, 2)):
            postcode, number = rng.choice(places)
            factories.PartyFactory(
                case=case,
                role=role,
                postcode=postcode,
                house_number=number,
                phone=rng.choice(phones),
                email=rng.choice(emails),
            )
    cases = list(Case.objects.prefetch_related("parties"))
    since = reopen_since(now)

    def keys(case):
        addresses = {(case.postcode, case.house_number)} | {(p.postcode, p.house_number) for p in case.parties.all()}
        return (
            {(postcode, number) for postcode, number in addresses if postcode and number},
            {p.phone for p in case.parties.all() if p.phone},
            {p.email for p in case.parties.all() if p.email},
        )

    for case in cases:
        mine = keys(case)
        expected = {
            other.number
            for other in cases
            if other.pk != case.pk
            and (other.status not in (Status.CLOSED, Status.NOT_SUITABLE) or other.closed_at >= since)
            and any(a & b for a, b in zip(mine, keys(other), strict=True))
        }
        assert repeats_of(case, now=now) == expected, case.number
    assert sum(len(repeats_of(case, now=now)) for case in cases) > 30  # the draw made many repeats


def test_the_service_area_in_words(service_area):
    assert services.service_area_names() == ["stadsdeel Oost"]
    service_area["zuid"].joined_service_on = service_area["oost"].joined_service_on
    service_area["zuid"].save()
    assert services.service_area_names() == ["de stadsdelen Oost en Zuid"]
