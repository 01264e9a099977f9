"""buurtbemiddeling.precompiled: a queryset compiled once gives what the queryset gives, for any values."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from buurtbemiddeling.precompiled import Precompiled
from cases.models import Case, Party
from tests import factories

pytestmark = pytest.mark.django_db


def _values(pk):
    return (
        Case.objects.filter(pk__gte=pk).values("number", organisation=F("referring_organisation__name")).order_by("pk")
    )


def test_values_rows_are_the_querysets_for_each_value():
    cases = [factories.CaseFactory(referring_organisation=factories.OrganisationFactory()) for _ in range(3)]
    query = Precompiled(_values)
    for case in (*cases, cases[0]):  # the last: back to a value used before, from the kept SQL
        assert query(pk=case.pk) == list(_values(case.pk))
    assert [row["number"] for row in query(pk=cases[1].pk)] == [cases[1].number, cases[2].number]
    assert query(pk=cases[2].pk + 1) == []


def test_model_instances_with_select_related_annotations_and_prefetch():
    case = factories.CaseFactory(referring_organisation=factories.OrganisationFactory(name="Domijn"))
    factories.PartyFactory(case=case, name="Anna")
    factories.PartyFactory(case=case, name="Bert", role=Party.Role.B)
    other = factories.CaseFactory()

    def build(code):
        return (
            Case.objects.filter(code=code)
            .select_related("referring_organisation")
            .annotate(n_parties=Count("parties"))
            .prefetch_related("parties")
        )

    query = Precompiled(build)
    query(code=other.code)  # compiled with the first call; the second runs the kept SQL
    with CaptureQueriesContext(connection) as queries:
        (found,) = query(code=case.code)
        assert found.referring_organisation.name == "Domijn"  # loaded with the case
        assert found.n_parties == 2
        assert sorted(party.name for party in found.parties.all()) == ["Anna", "Bert"]
    assert len(queries) == 2  # the case (with its organisation), the parties
    assert found == case
    assert query(code=uuid.uuid4()) == []


def test_datetime_and_date_parameters():
    now = timezone.now()
    old = factories.CaseFactory(received_at=now - timedelta(days=10))
    new = factories.CaseFactory(received_at=now - timedelta(hours=1))
    query = Precompiled(lambda since, day: Case.objects.filter(received_at__gte=since, received_at__date__lte=day))
    assert {c.pk for c in query(since=now - timedelta(days=2), day=timezone.localdate())} == {new.pk}
    assert {c.pk for c in query(since=now - timedelta(days=20), day=timezone.localdate())} == {old.pk, new.pk}
    assert query(since=now - timedelta(days=20), day=(now - timedelta(days=30)).date()) == []


def test_a_value_that_could_change_the_sql_runs_the_ordinary_queryset():
    case = factories.CaseFactory()
    query = Precompiled(lambda organisation: Case.objects.filter(referring_organisation=organisation))
    assert query(organisation=None) == [case]  # IS NULL, not "= %s"
    assert query(organisation=True) == []  # a bool is not an int here
    organisation = factories.OrganisationFactory()
    assert query(organisation=organisation.pk) == []
    assert query(organisation=None) == [case]


def test_sql_that_changes_with_a_value_is_refused():
    # An IN list whose length depends on the value: the two stand-ins give lists of different lengths.
    query = Precompiled(lambda n: Case.objects.filter(pk__in=[n, 7][: 1 + n // 1000 % 2]))
    with pytest.raises(ImproperlyConfigured, match="SQL changes"):
        query(n=1)


def test_a_parameter_derived_from_a_value_is_refused():
    query = Precompiled(lambda pk: Case.objects.filter(pk=pk + 1))
    with pytest.raises(ImproperlyConfigured, match="derived"):
        query(pk=1)


def test_the_check_catches_a_build_that_reads_more_than_its_parameters():
    factories.CaseFactory()
    state = {"number": "0"}  # read by the build function, as timezone.now() would be: not a parameter

    def build(pk):
        return Case.objects.filter(pk__gte=pk, number__gt=state["number"])

    query = Precompiled(build)
    assert len(query(pk=1)) == 1
    state["number"] = "Z"  # the kept SQL still has "0"
    with override_settings(PRECOMPILED_QUERIES_CHECK=False):
        assert len(query(pk=1)) == 1  # unchecked: the stale value, which is why the tests check
    with pytest.raises(AssertionError, match="precompiled gives"):
        query(pk=1)


def test_time_zone_of_the_connection_is_part_of_the_key():
    late = factories.CaseFactory(received_at=timezone.now().replace(hour=23, minute=30, second=0))
    query = Precompiled(lambda day: Case.objects.filter(pk=late.pk, received_at__date=day).values_list("pk", flat=True))
    utc_day = late.received_at.date()
    for _ in range(2):  # each time zone's SQL kept apart, also when it is used again
        with override_settings(TIME_ZONE="UTC"):
            assert query(day=utc_day) == [late.pk]
        with override_settings(TIME_ZONE="Pacific/Kiritimati"):  # UTC+14: 23:30 UTC is the next day there
            assert query(day=utc_day + timedelta(days=1)) == [late.pk]
            assert query(day=utc_day) == []


def test_string_parameters():
    case = factories.CaseFactory(postcode="7511 AB", house_number="12")
    factories.CaseFactory(postcode="7511 AB", house_number="14")
    query = Precompiled(lambda postcode, number: Case.objects.filter(postcode=postcode, house_number=number))
    assert query(postcode="7511 AB", number="12") == [case]
    assert query(postcode="7511 AB", number="13") == []
    assert query(postcode="7511 AB", number="12") == [case]


def test_a_string_where_the_stand_in_is_refused_runs_the_ordinary_queryset():
    case = factories.CaseFactory()
    query = Precompiled(lambda code: Case.objects.filter(code=code))
    assert query(code=str(case.code)) == [case]  # the first call: a string for a UUID field
    assert query(code=case.code) == [case]
    assert query(code=str(case.code)) == [case]
    with pytest.raises(ValidationError):
        query(code="not a code")  # what the queryset says


def test_the_suite_checks_every_precompiled_call():
    from django.conf import settings

    assert settings.PRECOMPILED_QUERIES_CHECK is True
