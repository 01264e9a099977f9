"""A coordinator filters the dashboard, opens the report for the first convenant year, downloads it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from buurtbemiddeling.roles import Role
from partners.models import Convenant
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

AMS = ZoneInfo("Europe/Amsterdam")


def test_a_coordinator_filters_the_dashboard_and_downloads_the_convenant_report(page, screenshot, tmp_path):
    factories.UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    Convenant.objects.create(
        title="Convenant Buurtbemiddeling Enschede",
        signed_on=date(2014, 2, 10),
        starts_on=date(2014, 2, 21),
        ends_on=date(2017, 2, 20),
        area="Stadsdeel Oost",
    )
    oost = factories.NeighbourhoodFactory(name="Velve-Lindenhof", stadsdeel="Oost")
    noord = factories.NeighbourhoodFactory(name="Boswinkel", stadsdeel="Noord")
    in_oost = factories.CaseFactory(neighbourhood=oost, received_at=datetime(2014, 3, 3, 10, tzinfo=AMS))
    in_noord = factories.CaseFactory(neighbourhood=noord, received_at=datetime(2014, 4, 7, 10, tzinfo=AMS))

    log_in(page, "coordinator", factories.PASSWORD)
    page.wait_for_url("**/zaken/coordinatie/")

    csp_violations = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text)
    )
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/zaken/dashboard/")
    page.wait_for_function("() => window.htmx !== undefined")
    # A marker on the window survives only if the results refresh without a full page load (htmx).
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Stadsdeel", exact=True).select_option("Oost")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**stadsdeel=Oost**")
    page.get_by_role("table", name="Gevonden zaken").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert csp_violations == []
    screenshot("dashboard-oost")
    results = page.get_by_role("table", name="Gevonden zaken")
    assert results.get_by_role("link", name=in_oost.number).count() == 1
    assert results.get_by_role("link", name=in_noord.number).count() == 0

    page.get_by_role("link", name="Convenantrapportage").click()
    page.wait_for_url("**/partners/rapportage/")
    page.get_by_label("Periode", exact=True).select_option("convenant_year")
    page.get_by_label("Convenantjaar", exact=True).fill("1")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**period=convenant_year**")
    screenshot("report-first-convenant-year")
    assert "21 februari 2014" in page.locator("p.lead").inner_text()
    assert "20 februari 2015" in page.locator("p.lead").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX) downloaden").click()
    download = download_info.value
    assert download.suggested_filename == "convenant-rapportage-20140221-20150220.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = {(section, item): value for section, item, value in load_workbook(path).active.iter_rows(values_only=True)}
    assert rows[("Ontvangen zaken", "Totaal")] == 2
    assert rows[("Per stadsdeel", "Oost")] == 1
