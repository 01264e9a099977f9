"""The report inside Django admin, and the CSV export actions (no party or contact data)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.models import Case
from mediators.models import Mediator
from partners.models import Organisation
from tests import factories

from .conftest import CANARY

REPORT = "/admin/partners/organisation/rapportage/"


@pytest.fixture
def case_viewer(db):
    user = factories.UserFactory(username="staf-zaken", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_case", content_type__app_label="cases"))
    return user


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="beheerder", is_staff=True, is_superuser=True)


def test_the_admin_report_lives_under_the_admin():
    assert reverse("admin:partners_report") == REPORT


def test_staff_who_may_view_cases_get_the_report_and_its_exports(client, case_viewer, year_2025):
    client.force_login(case_viewer)

    page = client.get(REPORT, {"period": "year", "year": "2025"})
    xlsx = client.get(REPORT, {"period": "year", "year": "2025", "format": "xlsx"})

    assert page.status_code == 200
    assert page.context["report"].received == 7
    assert CANARY not in page.content.decode()
    assert xlsx["Content-Disposition"].startswith("attachment;")


def test_the_admin_index_links_to_the_report(client, case_viewer):
    client.force_login(case_viewer)

    assert REPORT in client.get(reverse("admin:index")).content.decode()


def test_staff_without_the_case_permission_are_refused(client, db):
    client.force_login(factories.UserFactory(username="technisch-beheer", is_staff=True))

    assert client.get(REPORT).status_code == 403
    assert REPORT not in client.get(reverse("admin:index")).content.decode()


def test_non_staff_go_to_the_admin_login(client, coordinator):
    client.force_login(coordinator)

    response = client.get(REPORT)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def _export(client, model, action):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    pks = [str(pk) for pk in model.objects.values_list("pk", flat=True)]
    response = client.post(url, {"action": action, "_selected_action": pks})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_case_export_holds_no_party_data(client, superuser, year_2025):
    client.force_login(superuser)

    rows = _export(client, Case, "export")

    assert len(rows) == 1 + Case.objects.count()
    assert len(rows[0]) == 11
    text = "\n".join(";".join(row) for row in rows)
    assert CANARY not in text and "Hengelosestraat" not in text and "7521" not in text
    assert "Velve-Lindenhof" in text


def test_the_mediator_export_has_no_phone_or_postcode(client, superuser, year_2025):
    client.force_login(superuser)

    rows = _export(client, Mediator, "export")

    text = "\n".join(";".join(row) for row in rows)
    assert len(rows) == 1 + Mediator.objects.count()
    assert "+31687654321" not in text and "7511" not in text


def test_the_organisation_export(client, superuser, year_2025):
    client.force_login(superuser)

    rows = _export(client, Organisation, "export")

    assert {row[0] for row in rows[1:]} == {"Ons Huis", "Domijn"}
