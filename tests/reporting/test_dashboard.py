"""The coordinator dashboard: key figures, work queue, search and filters, access, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases.dashboard import key_figures, work_queue
from cases.dashboard_forms import Select
from cases.models import Agreement, Meeting, Outcome, Status
from mediators.models import Assignment
from tests import factories

from .conftest import CANARY, local

URL = "/zaken/dashboard/"


@pytest.fixture
def cases(db, frozen):
    oost = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost")
    noord = factories.NeighbourhoodFactory(name="Boswinkel", stadsdeel="Noord")
    ons_huis = factories.OrganisationFactory(name="Ons Huis")
    d1 = factories.CaseFactory(
        status=Status.INTAKE,
        neighbourhood=oost,
        received_at=local(2026, 6, 2, 10),
        first_contact_at=local(2026, 6, 4, 10),
        referring_organisation=ons_huis,
        channel="partner_referral",
        partner_reference="OH-2026-77",
    )
    factories.PartyFactory(case=d1, role="A", name=CANARY, street="Canarystraat")
    d2 = factories.CaseFactory(status=Status.NEW, neighbourhood=noord, received_at=local(2025, 6, 10, 10))
    factories.CaseFactory(
        status=Status.CLOSED,
        outcome=Outcome.RESOLVED_JOINT_MEETING,
        neighbourhood=noord,
        received_at=local(2026, 1, 5, 9),
        first_contact_at=local(2026, 1, 14, 9),
        matched_at=local(2026, 1, 20, 9),
        closed_at=local(2026, 3, 2, 9),
    )
    factories.CaseFactory(
        status=Status.NOT_SUITABLE,
        received_at=local(2026, 2, 2, 9),
        first_contact_at=local(2026, 2, 3, 9),
        closed_at=local(2026, 2, 4, 9),
    )
    factories.CaseFactory(
        status=Status.CLOSED,
        outcome=Outcome.NO_CONTACT,
        received_at=local(2026, 3, 2, 9),
        first_contact_at=local(2026, 3, 3, 9),
        closed_at=local(2026, 3, 10, 9),
    )
    d6 = factories.CaseFactory(
        status=Status.MATCHING,
        neighbourhood=oost,
        received_at=local(2026, 5, 4, 9),
        first_contact_at=local(2026, 5, 5, 9),
    )
    d7 = factories.CaseFactory(status=Status.FOLLOW_UP, received_at=local(2026, 4, 1, 9))
    factories.AssignmentFactory(case=d6, status=Assignment.Status.PROPOSED, proposed_at=local(2026, 6, 15, 11))
    Meeting.objects.create(case=d6, kind="intake_a", starts_at=local(2026, 6, 17, 10), ends_at=local(2026, 6, 17, 11))
    Meeting.objects.create(case=d1, kind="intake_a", starts_at=local(2026, 6, 10, 10), ends_at=local(2026, 6, 10, 11))
    Agreement.objects.create(case=d7, follow_up_on=date(2026, 6, 1), created_at=local(2026, 4, 20, 9))
    return {"d1": d1, "d2": d2, "d6": d6}


def test_the_key_figures(cases):
    figures = key_figures(today=date(2026, 6, 15))

    # The labels are translated when read (one cached value serves every language).
    with translation.override("en"):
        assert figures.open_by_status == [("Follow-up", 1), ("Intake", 1), ("Matching", 1), ("New", 1)]
    with translation.override("nl"):
        assert figures.open_by_status[-1] == ("Nieuw", 1)
    assert (figures.received_this_month, figures.received_same_month_last_year) == (1, 1)
    # Closed in the last 12 months: one resolved, one without contact; not suitable is left out.
    assert (figures.closed_last_12_months, figures.resolved_last_12_months) == (2, 1)
    assert figures.resolution_rate == pytest.approx(0.5)
    # [1, 1, 1, 2, 9] days to first contact.
    assert figures.median_days_to_first_contact == pytest.approx(1.0)
    assert (figures.intakes_within_deadline, figures.intakes_with_contact) == (4, 5)


def test_the_work_queue(cases):
    queue = work_queue(now=timezone.now())

    assert (queue.new_cases, queue.oldest_new) == (1, local(2025, 6, 10, 10))
    assert (queue.waiting_for_duo, queue.oldest_waiting_for_duo) == (1, local(2026, 5, 4, 9))
    assert (queue.open_proposals, queue.oldest_proposal) == (1, local(2026, 6, 15, 11))
    assert queue.meetings_this_week == 1
    assert (queue.outcomes_not_recorded, queue.oldest_outcome_missing) == (1, local(2026, 6, 10, 10))
    assert (queue.follow_ups_due, queue.oldest_follow_up) == (1, date(2026, 6, 1))
    assert queue.failed_notifications == 0


@pytest.mark.parametrize("q", ["Canary Piet", "canarystraat", "OH-2026-77"])
def test_the_coordinator_finds_a_case_by_party_address_or_reference(client, coordinator, cases, q):
    client.force_login(coordinator)

    response = client.get(URL, {"q": q})

    assert [case.code for case in response.context["results"]] == [cases["d1"].code]
    assert reverse("cases:detail", args=[cases["d1"].code]) in response.content.decode()


def test_the_coordinator_finds_a_case_by_number(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, {"q": cases["d2"].number})

    assert [case.code for case in response.context["results"]] == [cases["d2"].code]


def test_the_coordinator_filters_by_stadsdeel(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, {"stadsdeel": "Oost"})

    assert {case.code for case in response.context["results"]} == {cases["d1"].code, cases["d6"].code}
    assert 'style="' not in response.content.decode()


def test_the_dashboard_without_filters_lists_no_cases(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["results"] is None
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("persona", ["referrer", "unassigned_mediator", "assigned_mediator", "steering_member"])
def test_others_get_404_on_the_dashboard(client, request, db, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 404


def test_anonymous_visitors_go_to_login_from_the_dashboard(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"stadsdeel": "Oost", "q": "straat"}).status_code == 200
    return len(queries)


def _add_cases(count, neighbourhood):
    for index in range(count):
        case = factories.CaseFactory(
            status=Status.MATCHING,
            neighbourhood=neighbourhood,
            received_at=local(2026, 6, 1, 9) + timedelta(minutes=index),
            first_contact_at=local(2026, 6, 2, 9),
        )
        factories.PartyFactory(case=case)


def test_the_dashboard_takes_the_same_queries_at_two_sizes(client, coordinator, cases):
    client.force_login(coordinator)
    client.get(URL)  # the first request after login saves the session: not what is measured
    oost = cases["d1"].neighbourhood
    # user with groups (the session comes from the cache); open by status; counts this month / last year (and on
    # PostgreSQL the 12 months' five-working-day share); closed and resolved in 12 months; the lead time to first
    # contact; intake pairs (SQLite only); work queue (cases; proposals; meetings this week; nazorg: one statement on
    # PostgreSQL; meetings without an outcome; failed notifications: another); form: districts, neighbourhoods,
    # organisations, conflict types; validating stadsdeel -- none; results (1); mediator workload (mediators with
    # their counts, their weekly availability, their coming absences). Inside the test's transaction there is no data
    # generation, so nothing comes from the cache (tests/reporting/test_dashboard_cache.py).
    postgresql = connection.vendor == "postgresql"
    expected = 1 + 1 + 1 + 1 + 1 + (0 if postgresql else 1) + (2 if postgresql else 6) + 4 + 1 + 3
    _add_cases(4, oost)
    assert _dashboard_queries(client) == expected
    _add_cases(50, oost)
    assert _dashboard_queries(client) == expected


def test_the_dashboard_shows_the_busiest_active_mediators_first(client, coordinator, db):
    from mediators.models import Mediator

    busy = factories.MediatorFactory(user__first_name="Zeno", user__last_name="Druk")
    quiet = factories.MediatorFactory(user__first_name="Anna", user__last_name="Rustig")
    factories.MediatorFactory(user__first_name="Piet", user__last_name="Gestopt", status=Mediator.Status.STOPPED)
    for role in ("lead", "co"):
        factories.AssignmentFactory(mediator=busy, role=role, status="accepted", case__status="in_mediation")
    today = timezone.localdate()
    quiet.absences.create(starts_on=today, ends_on=today + timedelta(days=10), reason="Vakantie")
    client.force_login(coordinator)

    response = client.get(URL)

    workload = response.context["workload"]
    assert [m.pk for m in workload] == [busy.pk, quiet.pk]
    assert workload[0].open_cases == 2
    page = response.content.decode()
    assert "Zeno Druk" in page and "Gestopt" not in page
    assert "afwezig tot" in page


@pytest.mark.parametrize("value", [None, "", "b", ["a", "c"]])
def test_the_filter_select_writes_the_same_html_as_djangos(value):
    choices = [
        ("", "---------"),
        ("a", "Tom & Jerry"),
        ("Group <1>", [("b", "<b>"), ("c", 'C "quoted"')]),
        (4, gettext_lazy("Search")),
        ("s", mark_safe("<i>safe</i>")),  # nosec B308 B703 - a constant
        (None, "None"),
    ]
    attrs = {"class": "form-select", "id": "id_x", "required": True, "disabled": False, "data-x": 'a"b'}

    ours = Select(choices=choices).render("x", value, attrs)

    assert ours == forms.Select(choices=choices).render("x", value, attrs)
