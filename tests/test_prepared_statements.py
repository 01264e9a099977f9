"""On PostgreSQL, a query the app runs again and again is prepared once per connection (buurtbemiddeling.env).

Read from PostgreSQL's own pg_prepared_statements: the statements this connection has prepared.
"""

from __future__ import annotations

import pytest
from django.db import connection

from buurtbemiddeling import env
from cases.models import Case, Status

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_run_often_is_prepared_and_still_answers_with_its_own_parameters():
    def triage_count(status):
        return Case.objects.filter(status=status, number__startswith="prepared-test").count()

    before = [sql for sql in prepared_statements() if "prepared-test" in sql or "cases_case" in sql]
    for _ in range(env.PREPARE_THRESHOLD + 1):
        assert triage_count(Status.NEW) == 0
    prepared = [sql for sql in prepared_statements() if "cases_case" in sql and sql not in before]
    assert prepared, "the query was not prepared"
    # The parameters are bound, not written into the statement: one prepared statement serves every value.
    assert all("prepared-test" not in sql for sql in prepared)
    assert triage_count(Status.CLOSED) == 0
