"""The data generation (buurtbemiddeling.generation): triggers on every covered table, a value that
moves with every committed write and never inside a transaction, and the cache keyed on it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import connection, transaction

from buurtbemiddeling import generation
from cases.models import Case, Status
from mediators.models import Mediator
from tests import factories


@pytest.mark.django_db
def test_every_covered_table_has_the_trigger():
    tables = generation.covered_tables()
    assert {"cases_case", "cases_caseevent", "cases_case_conflict_types", "mediators_assignment", "auth_user"} <= set(
        tables
    )
    missing = set(tables) - generation.installed_tables()
    assert not missing, f"Tables without the generation trigger (run migrate): {sorted(missing)}"


@pytest.mark.django_db
def test_installing_twice_changes_nothing():
    before = generation.installed_tables()
    generation.install_triggers()
    assert generation.installed_tables() == before


@pytest.mark.django_db
def test_inside_a_transaction_there_is_no_generation_and_the_cache_is_not_used():
    # A test's transaction (like any open one) may hold writes not counted yet.
    assert connection.in_atomic_block
    assert generation.current() is None
    calls = []
    assert generation.cached("test:inside", lambda: calls.append(1) or len(calls)) == 1
    assert generation.cached("test:inside", lambda: calls.append(1) or len(calls)) == 2


@pytest.mark.django_db(transaction=True)
def test_every_committed_write_moves_the_generation():
    case = factories.CaseFactory()
    first = generation.current()
    assert first is not None
    assert generation.current() == first, "reading does not move it"

    Case.objects.filter(pk=case.pk).update(status=Status.INTAKE)  # a bulk update, no signals
    second = generation.current()
    assert second != first

    factories.MediatorFactory()
    third = generation.current()
    assert third not in (first, second)

    Mediator.objects.all().delete()
    assert generation.current() not in (first, second, third)


@pytest.mark.django_db(transaction=True)
def test_a_login_does_not_move_it_but_a_changed_name_does():
    user = factories.UserFactory()
    before = generation.current()
    # What a login writes: last_login (django.contrib.auth's user_logged_in receiver), and a
    # password hash upgraded to the preferred hasher.
    update_last_login(None, user)
    user.set_password(factories.PASSWORD)
    user.save(update_fields=["password"])
    user.refresh_from_db()
    assert user.last_login is not None
    assert generation.current() == before, "last_login and the password hash do not count"

    user.first_name = "Renamed"
    user.save(update_fields=["first_name"])
    assert generation.current() != before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_does_not_move_it():
    factories.CaseFactory()
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Case.objects.update(status=Status.INTAKE)
        raise RuntimeError("roll back")
    assert generation.current() == before

    with transaction.atomic():
        factories.CaseFactory()
        factories.CaseFactory()
    after = generation.current()
    assert after != before
    if connection.vendor == "postgresql":
        # Bumped at commit, once, however many rows; SQLite's row triggers bump per row.
        epoch, value = before.split(".")
        assert after == f"{epoch}.{int(value) + 1}"


@pytest.mark.django_db(transaction=True)
def test_cached_values_live_until_the_next_write():
    cache.clear()
    factories.CaseFactory()
    calls = []

    def count_cases():
        calls.append(1)
        return Case.objects.count()

    assert generation.cached("test:cases", count_cases) == 1
    assert generation.cached("test:cases", count_cases) == 1
    assert len(calls) == 1, "the second read came from the cache"

    factories.CaseFactory()
    assert generation.cached("test:cases", count_cases) == 2
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_cache_costs_speed_not_the_answer(monkeypatch):
    factories.CaseFactory()

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    assert generation.cached("test:broken", Case.objects.count) == 1
