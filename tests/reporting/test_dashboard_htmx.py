"""The dashboard's parts refresh without a full page load: htmx, served by the app itself."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from cases.models import Status
from tests import factories

from .conftest import local

URL = "/zaken/dashboard/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cases(db, frozen):
    oost = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost")
    noord = factories.NeighbourhoodFactory(name="Boswinkel", stadsdeel="Noord")
    in_oost = factories.CaseFactory(status=Status.INTAKE, neighbourhood=oost, received_at=local(2026, 6, 2, 10))
    in_noord = factories.CaseFactory(status=Status.NEW, neighbourhood=noord, received_at=local(2026, 6, 3, 10))
    return {"oost": in_oost, "noord": in_noord}


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def test_an_htmx_request_gets_only_the_filtered_results(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, {"stadsdeel": "Oost"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html and 'id="work-queue"' not in html
    assert [case.code for case in response.context["results"]] == [cases["oost"].code]
    assert cases["oost"].number in html and cases["noord"].number not in html
    assert "<table" in html
    assert 'style="' not in html


def test_an_htmx_request_without_matches_gets_the_empty_state(client, coordinator, cases):
    client.force_login(coordinator)

    html = client.get(URL, {"stadsdeel": "Oost", "q": "niemand"}, **HTMX).content.decode()

    assert "empty-state" in html and "<html" not in html


def test_a_request_without_htmx_gets_the_full_page_with_the_same_results(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, {"stadsdeel": "Oost"})

    html = response.content.decode()
    assert "<html" in html and "<form" in html and 'id="work-queue"' in html
    assert 'id="dashboard-results"' in html
    assert [case.code for case in response.context["results"]] == [cases["oost"].code]
    assert cases["oost"].number in html and cases["noord"].number not in html
    # htmx comes from the app, only on this page, without its injected styles; the form degrades to a GET.
    assert static("vendor/htmx/htmx.min.js") in html
    assert "includeIndicatorStyles" in html
    assert 'data-hx-get="/zaken/dashboard/"' in html and 'data-hx-target="#dashboard-results"' in html
    assert 'data-hx-push-url="true"' in html and 'method="get"' in html
    assert 'style="' not in html


def test_a_history_restore_gets_the_full_page(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, {"stadsdeel": "Oost"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)

    assert "<html" in response.content.decode()


def test_the_work_queue_refreshes_on_its_own(client, coordinator, cases):
    client.force_login(coordinator)

    response = client.get(URL, HTTP_HX_TARGET="work-queue", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="queue-heading"' in html
    assert response.context["queue"].new_cases == 1
    assert 'data-hx-trigger="every 60s"' in client.get(URL).content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_dashboard_varies_on_the_htmx_header(client, coordinator, cases, headers):
    client.force_login(coordinator)

    response = client.get(URL, {"stadsdeel": "Oost"}, **headers)

    assert "hx-request" in _vary(response)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_other_pages_do_not_load_htmx(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cases:coordinator_home"))

    assert response.status_code == 200
    assert "htmx" not in response.content.decode()


def test_htmx_is_served_by_the_app():
    found = finders.find("vendor/htmx/htmx.min.js")

    assert found is not None
    with open(found, encoding="utf-8") as script:
        assert "htmx" in script.read(200)


@pytest.mark.parametrize("persona", ["referrer", "steering_member"])
def test_others_get_404_on_the_htmx_part_too(client, request, db, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL, {"stadsdeel": "Oost"}, **HTMX).status_code == 404
    assert client.get(URL, HTTP_HX_TARGET="work-queue", **HTMX).status_code == 404
