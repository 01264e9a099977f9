"""A page of a list and the list's length in one query."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.core.paginator import Page, Paginator
from django.db.models import Func, IntegerField, QuerySet, Subquery

from .precompiled import Precompiled

TOTAL = "paginator_total"
MAX_PAGE_NUMBER = 2**31


def page_with_count(queryset: QuerySet, per_page: int, number) -> Page:
    """What ``Paginator(queryset, per_page).get_page(number)`` gives, from one query instead of two.

    Every row of the page carries the length of the whole list, from an uncorrelated subquery that the
    database counts once (PostgreSQL: an InitPlan), so the paginator needs no COUNT query of its own;
    each row (a dict of a ``values()`` queryset, or a model) gets it as ``paginator_total``. Not a
    window function: COUNT(*) OVER () would join every row of the list, not just the page's. Only a
    page that is not there (past the end, not a number, an empty list) costs more: it gets Django's
    own answer.
    """
    return _page(
        number,
        per_page,
        lambda offset: list(with_total(queryset)[offset : offset + per_page]),
        lambda: Paginator(queryset, per_page),
    )


class PrecompiledPages:
    """``page_with_count`` of the list ``build(**values)``, whose first pages are compiled once per process.

    For the busiest lists (the triage queue): building and compiling the page's query took longer than
    PostgreSQL took to answer it (buurtbemiddeling.precompiled). The offset is part of the SQL, so each
    page is a query of its own: the first ``pages`` are kept, later ones are built as usual.
    """

    def __init__(self, build: Callable[..., QuerySet], per_page: int, *, name: str, pages: int = 10):
        self.build = build
        self.per_page = per_page
        self._pages = [
            Precompiled(partial(self._rows, offset=n * per_page), name=f"{name}, page {n + 1}") for n in range(pages)
        ]

    def _rows(self, offset: int, **values) -> QuerySet:
        return with_total(self.build(**values))[offset : offset + self.per_page]

    def page(self, number, **values) -> Page:
        def rows_at(offset: int) -> list:
            n = offset // self.per_page
            if n < len(self._pages):
                return self._pages[n](**values)
            return list(self._rows(offset, **values))

        return _page(number, self.per_page, rows_at, lambda: Paginator(self.build(**values), self.per_page))


def _page(number, per_page: int, rows_at: Callable[[int], list], paginator: Callable[[], Paginator]) -> Page:
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 0
    # Past any real list, and an OFFSET the database would refuse: Django's answer (its last page).
    if not 1 <= wanted <= MAX_PAGE_NUMBER:
        return paginator().get_page(number)
    rows = rows_at((wanted - 1) * per_page)
    if not rows:
        return paginator().get_page(number)
    first = rows[0]
    # A paginator over the page's rows, told the length of the whole list. Paginator.count is a cached
    # property: set, it is not asked of the object list.
    found = Paginator(rows, per_page)
    found.count = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
    return Page(rows, wanted, found)


def with_total(queryset: QuerySet) -> QuerySet:
    """``queryset`` with the length of the whole list on every row, as ``paginator_total``."""
    return queryset.annotate(**{TOTAL: Subquery(_count_of(queryset))})


def _count_of(queryset: QuerySet) -> QuerySet:
    """``SELECT COUNT(*) FROM ... WHERE ...`` of ``queryset``, without its ordering, as a subquery.

    A plain function, not an aggregate, so that Django adds no GROUP BY: one row, the count. COUNT(*)
    rather than COUNT(pk): it reads no column, so the database may answer it from an index on the filter
    alone.
    """
    return queryset.order_by().annotate(**{TOTAL: Func(template="COUNT(*)", output_field=IntegerField())}).values(TOTAL)
