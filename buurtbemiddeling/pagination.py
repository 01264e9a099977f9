"""A page of a list and the list's length in one query."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Func, IntegerField, QuerySet, Subquery

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
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 0
    # Past any real list, and an OFFSET the database would refuse: Django's answer (its last page).
    if not 1 <= wanted <= MAX_PAGE_NUMBER:
        return paginator.get_page(number)
    offset = (wanted - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Subquery(_count_of(queryset))})[offset : offset + per_page])
    if not rows:
        return paginator.get_page(number)
    first = rows[0]
    # Paginator.count is a cached property: set, it is not asked of the database.
    paginator.count = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
    return Page(rows, wanted, paginator)


def _count_of(queryset: QuerySet) -> QuerySet:
    """``SELECT COUNT(*) FROM ... WHERE ...`` of ``queryset``, without its ordering, as a subquery.

    A plain function, not an aggregate, so that Django adds no GROUP BY: one row, the count. COUNT(*)
    rather than COUNT(pk): it reads no column, so the database may answer it from an index on the filter
    alone.
    """
    return queryset.order_by().annotate(**{TOTAL: Func(template="COUNT(*)", output_field=IntegerField())}).values(TOTAL)
