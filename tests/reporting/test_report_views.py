"""The report page and its exports: who may see them, what they hold, and their query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories

from .conftest import CANARY

URL = "/partners/rapportage/"
YEAR_2025 = {"period": "year", "year": "2025"}


def test_the_report_lives_at_its_dutch_address():
    assert reverse("partners:report") == URL


@pytest.mark.parametrize("persona", ["coordinator", "steering_member"])
def test_coordinator_and_steering_group_get_the_report(client, request, year_2025, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL, YEAR_2025)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<caption>" in html
    assert 'style="' not in html
    assert "Velve-Lindenhof" in html and "Ons Huis" in html
    assert response.context["report"].received == 7
    assert 'media="print"' in html and "css/print.css" in html


@pytest.mark.parametrize("persona", ["referrer", "unassigned_mediator", "assigned_mediator"])
@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_mediators_and_referrers_get_404(client, request, db, persona, export):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL, {"format": export} if export else {})

    assert response.status_code == 404


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_anonymous_visitors_go_to_login(client, db, export):
    response = client.get(URL, {"format": export} if export else {})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_steering_group_lands_on_the_report(client, steering_member, year_2025):
    client.force_login(steering_member)

    response = client.get(reverse("partners:steering_home"), YEAR_2025)

    assert response.status_code == 200
    assert response.context["report"].received == 7


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_no_party_name_appears_in_the_report_or_its_exports(client, steering_member, year_2025, export):
    client.force_login(steering_member)

    response = client.get(URL, {**YEAR_2025, **({"format": export} if export else {})})

    assert response.status_code == 200
    body = response.content
    if export == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        body = "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row).encode()
    assert CANARY.encode() not in body
    assert b"Canary" not in body


def test_the_csv_export_is_an_attachment_named_after_the_period(client, steering_member, year_2025):
    client.force_login(steering_member)

    response = client.get(URL, {**YEAR_2025, "format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="convenant-rapportage-20250101-20251231.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Ontvangen zaken", "Totaal", "7"] in rows


def test_the_xlsx_export_holds_the_figures_of_the_page(client, steering_member, year_2025):
    client.force_login(steering_member)
    page = client.get(URL, YEAR_2025).context["report"]

    response = client.get(URL, {**YEAR_2025, "format": "xlsx"})

    assert response["Content-Disposition"] == 'attachment; filename="convenant-rapportage-20250101-20251231.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {(section, item): value for section, item, value in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("Ontvangen zaken", "Totaal")] == page.received == 7
    assert values[("Oplossingspercentage", "Opgelost (%)")] == 75.0
    assert values[("Geschiktheid", "Geschikt")] == page.suitable == 4
    assert values[("Per wijk", "Velve-Lindenhof")] == 2
    assert values[("Bemiddelaarspool", "Trainingsuren")] == 5.5


def test_a_convenant_year_runs_from_the_start_of_the_convenant(client, coordinator, year_2025):
    client.force_login(coordinator)

    response = client.get(URL, {"period": "convenant_year", "convenant_year": "2"})

    report = response.context["report"]
    assert (report.start.isoformat(), report.end.isoformat()) == ("2015-02-21", "2016-02-20")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ("2026-01-01", "2026-12-31")),
        ({"period": "month", "year": "2025", "month": "12"}, ("2025-12-01", "2025-12-31")),
        ({"period": "quarter", "year": "2025", "quarter": "2"}, ("2025-04-01", "2025-06-30")),
        ({"period": "custom", "start": "2025-03-01", "end": "2025-03-15"}, ("2025-03-01", "2025-03-15")),
        ({"period": "custom", "start": "2025-03-15", "end": "2025-03-01"}, ("2026-01-01", "2026-12-31")),
    ],
)
def test_the_period_choice(client, coordinator, year_2025, params, expected):
    client.force_login(coordinator)

    report = client.get(URL, params).context["report"]

    assert (report.start.isoformat(), report.end.isoformat()) == expected


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, YEAR_2025).status_code == 200
    return len(queries)


def test_the_report_page_takes_the_same_queries_at_two_sizes(client, coordinator, year_2025):
    client.force_login(coordinator)
    client.get(URL)  # the first request after login saves the session: not what is measured
    # user with groups (roles), the session coming from the cache; the report (15 on PostgreSQL, 17 on SQLite:
    # see test_convenant_report); the convenant options of the period form.
    expected = 1 + (15 if connection.vendor == "postgresql" else 17) + 1
    factories.CaseFactory.create_batch(1, channel="phone")
    assert _page_queries(client) == expected
    factories.CaseFactory.create_batch(50, channel="phone")
    assert _page_queries(client) == expected
