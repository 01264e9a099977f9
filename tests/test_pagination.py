"""page_with_count answers as Django's Paginator.get_page does, with the rows and the total in one query."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buurtbemiddeling.pagination import TOTAL, PrecompiledPages, page_with_count
from cases.models import Case
from tests import factories

pytestmark = pytest.mark.django_db

PER_PAGE = 3


def described(page) -> tuple:
    rows = [row["number"] if isinstance(row, dict) else row.number for row in page]
    return (page.number, page.paginator.count, page.paginator.num_pages, rows, page.has_next(), page.has_previous())


@pytest.fixture
def seven(db):
    factories.CaseFactory.create_batch(7)
    return Case.objects.order_by("number")


@pytest.mark.parametrize(
    "number", [None, "1", "2", "3", 3, "4", "999", "0", "-1", "abc", "", "2.5", "99999999999999999999", "1e3"]
)
@pytest.mark.parametrize("as_dicts", [True, False])
def test_every_page_number_gets_what_get_page_gives(seven, number, as_dicts):
    queryset = seven.values("number") if as_dicts else seven

    expected = described(Paginator(queryset, PER_PAGE).get_page(number))

    assert described(page_with_count(queryset, PER_PAGE, number)) == expected
    # The same from the precompiled pages: page 1 and 2 kept, 3 built as usual.
    pages = PrecompiledPages(lambda: queryset.all(), PER_PAGE, name="seven", pages=2)
    for _ in range(2):
        assert described(pages.page(number)) == expected


def test_precompiled_pages_take_their_parameters(db):
    cases = factories.CaseFactory.create_batch(5)
    pages = PrecompiledPages(
        lambda first: Case.objects.filter(pk__gte=first).order_by("pk").values("number"), 2, name="from", pages=1
    )
    for first in (cases[0], cases[3], cases[0]):
        with CaptureQueriesContext(connection) as queries:
            page = pages.page("1", first=first.pk)
        assert len(queries) == 1
        expected = list(Case.objects.filter(pk__gte=first.pk).order_by("pk").values_list("number", flat=True))
        assert [row["number"] for row in page] == expected[:2]
        assert page.paginator.count == len(expected)


def test_a_page_that_is_there_costs_one_query_and_carries_the_total(seven):
    with CaptureQueriesContext(connection) as queries:
        page = page_with_count(seven.values("number"), PER_PAGE, "2")
        rows = list(page)

    assert len(queries) == 1
    assert [row[TOTAL] for row in rows] == [7, 7, 7]
    assert (page.paginator.count, page.paginator.num_pages, page.start_index(), page.end_index()) == (7, 3, 4, 6)


def test_an_empty_list_is_one_empty_first_page(db):
    page = page_with_count(Case.objects.order_by("number"), PER_PAGE, "1")

    assert (page.number, page.paginator.count, list(page)) == (1, 0, [])
