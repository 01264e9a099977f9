"""The steering group on the demo data: the report, the first convenant year, the XLSX download."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import log_in
from tests.browser.journeys.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_steering_group_reads_and_exports_the_report(demo, page, screens, tmp_path):
    log_in(page, "stuurgroep", DEMO_PASSWORD)
    page.wait_for_url("**/partners/stuurgroep/")
    screens.check(page, "report", readme="report")

    page.get_by_label("Periode", exact=True).select_option("convenant_year")
    page.get_by_label("Convenantjaar", exact=True).fill("1")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**period=convenant_year**")
    assert "21 februari 2014" in page.locator("p.lead").inner_text()
    screens.check(page, "report-first-convenant-year")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX) downloaden").click()
    download = download_info.value
    assert download.suggested_filename == "convenant-rapportage-20140221-20150220.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert any(row[:2] == ("Ontvangen zaken", "Totaal") for row in rows)
