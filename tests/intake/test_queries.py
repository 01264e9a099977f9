"""Query counts of the intake and triage lists stay the same however many rows they show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent
from tests import factories

pytestmark = pytest.mark.django_db


def make_new_cases(count, *, organisation=None):
    hood = factories.NeighbourhoodFactory(name="Velve-Lindenhof")
    now = timezone.now()
    for n in range(count):
        case = factories.CaseFactory(
            received_at=now - timedelta(days=n),
            neighbourhood=hood,
            referring_organisation=organisation,
            channel="partner_referral" if organisation else "web_form",
            partner_reference=f"REF-{n}-{count}" if organisation else "",
        )
        factories.CaseEventFactory(case=case, kind=CaseEvent.Kind.CREATED, milestone=CaseEvent.Milestone.RECEIVED)


@pytest.mark.parametrize("count", [2, 7])
def test_the_triage_queue(client, django_assert_num_queries, coordinator, organisation, count):
    make_new_cases(count, organisation=organisation)
    client.force_login(coordinator)
    # (the session comes from the cache) user with groups, the page of cases with their wijk and referring
    # organisation, each row carrying the length of the queue for the paginator (COUNT(*) OVER ()).
    with django_assert_num_queries(2):
        response = client.get(reverse("cases:triage"))
    assert response.content.decode().count("REF-") == 0  # the queue shows no references
    assert response.content.decode().count("intake-starten/") == count


@pytest.mark.parametrize("count", [2, 7])
def test_the_coordinator_home(client, django_assert_num_queries, coordinator, count):
    make_new_cases(count)
    client.force_login(coordinator)
    # (the session comes from the cache) user with groups, the first ten of the queue, the count of the queue,
    # the count of failed notifications, and the matching panel (cases in matching with their
    # free slots, new volunteer applications).
    with django_assert_num_queries(6):
        response = client.get(reverse("cases:coordinator_home"))
    assert response.content.decode().count("intake-starten/") == count


@pytest.mark.parametrize("count", [2, 7])
def test_my_referrals(client, django_assert_num_queries, referrer, organisation, count):
    make_new_cases(count, organisation=organisation)
    client.force_login(referrer)
    # (the session comes from the cache) user with groups, the count for the paginator, the page of cases with
    # their latest milestone (a subquery, not a query per row).
    with django_assert_num_queries(3):
        response = client.get(reverse("cases:referrals"))
    assert response.content.decode().count("REF-") == count
    assert response.content.decode().count("milestone-received") == count


@pytest.mark.parametrize("events", [1, 6])
def test_the_coordinators_case_page(client, django_assert_num_queries, coordinator, referred_case, events):
    for _ in range(events):
        factories.CaseEventFactory(case=referred_case)
    client.force_login(coordinator)
    # (the session comes from the cache) user with groups, the case with its wijk, referring organisation and
    # referrer, its parties with their landlord, the repeat signal, the mediators' assignments (the link that the
    # mediators app includes), the conflict types, the events with their actor; the access record (one INSERT).
    with django_assert_num_queries(8):
        client.get(reverse("cases:detail", kwargs={"code": referred_case.code}))
