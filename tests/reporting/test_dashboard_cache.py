"""The dashboard's key figures and mediator workload are cached under the data generation: the same
page with and without the cache, and never older than the last committed write.

These tests commit (transaction=True): inside a test's transaction there is no generation and the
cache is not used at all (buurtbemiddeling.generation).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation

from buurtbemiddeling import generation
from buurtbemiddeling.roles import Role
from cases import dashboard
from cases.models import Status
from cases.services.lifecycle import change_status
from mediators.models import Assignment
from tests import factories

from .conftest import local

URL = "/zaken/dashboard/"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(frozen):
    cache.clear()
    coordinator = factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    busy = factories.MediatorFactory(user__first_name="Zeno", user__last_name="Druk")
    quiet = factories.MediatorFactory(user__first_name="Anna", user__last_name="Rustig")
    factories.AssignmentFactory(mediator=busy, role="lead", status="accepted", case__status=Status.IN_MEDIATION)
    today = timezone.localdate()
    quiet.absences.create(starts_on=today, ends_on=today + timedelta(days=10), reason="Vakantie")
    quiet.availability.create(weekday=1, part="morning")
    case = factories.CaseFactory(status=Status.NEW, received_at=local(2026, 6, 2, 10))
    return {"coordinator": coordinator, "busy": busy, "quiet": quiet, "case": case}


def _sections(html: str) -> str:
    """The key figures and the workload table of a page (the rest holds per-request values)."""
    figures = re.search(r'<section aria-labelledby="figures-heading">.*?</section>', html, re.S).group(0)
    workload = re.search(r'<section aria-labelledby="workload-heading">.*?</section>', html, re.S).group(0)
    return figures + workload


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _computes(monkeypatch) -> list[str]:
    """Record each time the aggregates are computed rather than read from the cache."""
    calls = []
    key_figures, workload = dashboard.key_figures, dashboard.mediator_workload
    monkeypatch.setattr(dashboard, "key_figures", lambda **kw: calls.append("figures") or key_figures(**kw))
    monkeypatch.setattr(dashboard, "mediator_workload", lambda **kw: calls.append("workload") or workload(**kw))
    return calls


def test_the_page_is_the_same_with_and_without_the_cache(client, data, monkeypatch):
    client.force_login(data["coordinator"])
    calls = _computes(monkeypatch)

    computed = _sections(_page(client))
    from_cache = _sections(_page(client))
    assert calls == ["figures", "workload"], "the second page came from the cache"
    monkeypatch.setattr(generation, "current", lambda *a, **kw: None)  # no generation: no cache
    without_cache = _sections(_page(client))

    assert from_cache == computed == without_cache
    assert "Zeno Druk" in computed and "afwezig tot" in computed


def test_the_cached_figures_are_translated_when_read(client, data):
    client.force_login(data["coordinator"])
    today = timezone.localdate()
    with translation.override("nl"):
        dutch = dashboard.dashboard_aggregates(today=today).figures.open_by_status
    with translation.override("en"):
        english = dashboard.dashboard_aggregates(today=today).figures.open_by_status

    assert ("Nieuw", 1) in dutch and ("New", 1) in english


def test_a_status_change_shows_at_once(client, data, monkeypatch):
    client.force_login(data["coordinator"])
    today = timezone.localdate()
    before = dashboard.dashboard_aggregates(today=today).figures
    assert dict(before.open_counts)[Status.NEW] == 1

    change_status(case=data["case"], new_status=Status.INTAKE, actor=data["coordinator"])

    after = dashboard.dashboard_aggregates(today=today).figures
    assert Status.NEW not in dict(after.open_counts)
    assert dict(after.open_counts)[Status.INTAKE] == 1
    assert after == dashboard.key_figures(today=today)


def test_an_assignment_shows_at_once_in_the_workload(client, data):
    client.force_login(data["coordinator"])
    today = timezone.localdate()
    before = dashboard.dashboard_aggregates(today=today).workload
    assert [(row.pk, row.open_cases) for row in before] == [(data["busy"].pk, 1), (data["quiet"].pk, 0)]

    for _ in range(2):
        factories.AssignmentFactory(
            mediator=data["quiet"], role="lead", status=Assignment.Status.PROPOSED, case__status=Status.MATCHING
        )

    after = dashboard.dashboard_aggregates(today=today).workload
    assert [(row.pk, row.open_cases) for row in after] == [(data["quiet"].pk, 2), (data["busy"].pk, 1)]
    assert after == dashboard.mediator_workload(today=today)


def test_a_renamed_mediator_shows_at_once(client, data):
    client.force_login(data["coordinator"])
    assert "Zeno Druk" in _page(client)

    user = data["busy"].user
    user.last_name = "Bezig"
    user.save(update_fields=["last_name"])

    page = _page(client)
    assert "Zeno Bezig" in page and "Zeno Druk" not in page


def test_another_day_is_another_key(data, monkeypatch):
    calls = _computes(monkeypatch)
    dashboard.dashboard_aggregates(today=local(2026, 6, 15, 12).date())
    dashboard.dashboard_aggregates(today=local(2026, 6, 16, 12).date())

    assert calls == ["figures", "workload", "figures", "workload"]


def test_a_new_neighbourhood_is_offered_at_once(client, data):
    client.force_login(data["coordinator"])
    assert "Velve-Lindenhof" not in _page(client)

    factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost")

    page = _page(client)
    assert "Velve-Lindenhof (Oost)" in page and '<option value="Oost">Oost</option>' in page


def _queue(client):
    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="work-queue")
    assert response.status_code == 200
    return response.context["queue"]


def test_the_work_queue_is_the_same_with_and_without_the_cache(client, data, monkeypatch):
    client.force_login(data["coordinator"])
    computed, from_cache = _queue(client), _queue(client)
    monkeypatch.setattr(generation, "current", lambda *a, **kw: None)

    assert computed == from_cache == _queue(client)
    assert computed.new_cases == 1


def test_a_new_case_and_an_answered_proposal_show_at_once_in_the_work_queue(client, data):
    client.force_login(data["coordinator"])
    assert (_queue(client).new_cases, _queue(client).open_proposals) == (1, 0)

    factories.CaseFactory(status=Status.NEW, received_at=local(2026, 6, 14, 10))
    proposal = factories.AssignmentFactory(
        mediator=data["quiet"], role="lead", status=Assignment.Status.PROPOSED, case__status=Status.MATCHING
    )
    queue = _queue(client)
    assert (queue.new_cases, queue.oldest_new, queue.open_proposals) == (2, local(2026, 6, 2, 10), 1)

    Assignment.objects.filter(pk=proposal.pk).update(status=Assignment.Status.ACCEPTED)
    assert _queue(client).open_proposals == 0


def test_a_meeting_without_an_outcome_shows_when_it_ends_without_any_write(client, data):
    from cases.models import Meeting

    client.force_login(data["coordinator"])
    Meeting.objects.create(
        case=data["case"], kind="intake_a", starts_at=local(2026, 6, 15, 12, 1), ends_at=local(2026, 6, 15, 12, 10)
    )
    assert _queue(client).outcomes_not_recorded == 0  # at 12:00 (frozen): still to come

    with time_machine.travel(local(2026, 6, 15, 12, 11), tick=False):
        queue = _queue(client)

    assert (queue.outcomes_not_recorded, queue.oldest_outcome_missing) == (1, local(2026, 6, 15, 12, 1))


def test_a_failed_notification_shows_at_once(client, data):
    from buurtbemiddeling.models import Notification

    client.force_login(data["coordinator"])
    assert _queue(client).failed_notifications == 0

    Notification.objects.create(
        kind=Notification.Kind.DAILY_DIGEST, key="digest-test", due_at=timezone.now(), status=Notification.Status.FAILED
    )

    assert _queue(client).failed_notifications == 1
