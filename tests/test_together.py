"""buurtbemiddeling.together: statements sent together give what they give one by one."""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessRecord
from audit.services import access_record
from buurtbemiddeling import together
from buurtbemiddeling.models import Notification
from buurtbemiddeling.notifications import schedule
from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.together import Insert, Query, Statement, run_together
from cases.models import Case, CaseEvent, Party
from tests import factories

pytestmark = pytest.mark.django_db

PARTIES = Precompiled(lambda case: Party.objects.filter(case_id=case).select_related("case").order_by("pk"))
NUMBERS = Precompiled(lambda since: Case.objects.filter(pk__gte=since).values("pk", "number").order_by("pk"))
# Divides by its parameter in PostgreSQL, for every case: 0 makes the statement fail there.
DIVIDED = Precompiled(
    lambda by: Case.objects.annotate(
        share=ExpressionWrapper(F("pk") / Value(by), output_field=IntegerField())
    ).values_list("share", flat=True)
)


@pytest.fixture
def cases():
    made = [factories.CaseFactory() for _ in range(3)]
    for case in made:
        factories.PartyFactory(case=case, name=f"A van {case.number}")
        factories.PartyFactory(case=case, name=f"B van {case.number}", role=Party.Role.B)
    return made


def test_each_result_is_the_one_of_its_query_alone(cases, coordinator):
    first, second, _ = cases
    record = access_record(coordinator, action=AccessRecord.Action.CASE_PAGE, case=first)

    with CaptureQueriesContext(connection) as queries:
        written, parties, numbers, other_parties = run_together(
            Insert(record),
            Query(PARTIES, case=first.pk),
            Query(NUMBERS, since=second.pk),
            Query(PARTIES, case=second.pk),
        )

    assert written is None
    assert len(queries) == 4
    assert [(p.pk, p.name, p.case.number) for p in parties] == [
        (p.pk, p.name, p.case.number) for p in PARTIES(case=first.pk)
    ]
    assert [p.pk for p in parties] == list(first.parties.order_by("pk").values_list("pk", flat=True))
    assert numbers == NUMBERS(since=second.pk) == [{"pk": c.pk, "number": c.number} for c in cases[1:]]
    assert [p.name for p in other_parties] == [f"A van {second.number}", f"B van {second.number}"]
    stored = AccessRecord.objects.get()
    assert (stored.user, stored.case, stored.action, stored.at is not None) == (
        coordinator,
        first,
        AccessRecord.Action.CASE_PAGE,
        True,
    )
    assert not record._state.adding


def test_no_statements_no_rows_and_an_empty_result(cases):
    assert run_together() == []
    assert run_together(Query(PARTIES, case=cases[-1].pk + 1000)) == [[]]


@pytest.mark.postgres  # SQLite divides by zero into NULL
def test_an_error_is_raised_as_djangos_and_the_connection_goes_on(cases):
    with pytest.raises(DataError), transaction.atomic():
        run_together(Query(PARTIES, case=cases[0].pk), Query(DIVIDED, by=0))

    (shares,) = run_together(Query(DIVIDED, by=1))
    assert sorted(shares) == sorted(case.pk for case in cases)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_statements_are_one_round_trip_and_one_implicit_transaction(coordinator):
    case = factories.CaseFactory()
    # The INSERT is sent first, the failing query after it: one by one (autocommit) the record would
    # stay; in one pipeline they are one implicit transaction, and the error takes the INSERT with it.
    with pytest.raises(DataError):
        run_together(
            Insert(access_record(coordinator, action=AccessRecord.Action.CASE_PAGE, case=case)),
            Query(DIVIDED, by=0),
        )
    assert not AccessRecord.objects.exists()

    run_together(Insert(access_record(coordinator, action=AccessRecord.Action.CASE_PAGE, case=case)))
    assert AccessRecord.objects.count() == 1


def test_inserts_get_their_pks_and_a_statement_runs_in_its_place(cases):
    case = cases[0]
    notes = [
        CaseEvent(case=case, kind=CaseEvent.Kind.NOTE, text=f"Notitie {n}", created_at=timezone.now())
        for n in (1, 2, 3)
    ]
    table = connection.ops.quote_name(Case._meta.db_table)

    with CaptureQueriesContext(connection) as queries:
        results = run_together(
            Insert(*notes),
            Statement(f"UPDATE {table} SET description = %s WHERE id = %s", ["Bijgewerkt", case.pk]),  # noqa: S608
            Query(PARTIES, case=case.pk),
        )

    # Three rows of VALUES, not the arrays PostgreSQL's bulk_create would UNNEST (psycopg dumps those in Python).
    assert "UNNEST" not in queries[0]["sql"] and queries[0]["sql"].count("), (") == 2

    assert results[:2] == [None, None] and len(results[2]) == 2
    stored = list(CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE).order_by("pk"))
    assert [(note.pk, note.text) for note in notes] == [(row.pk, row.text) for row in stored]
    assert all(not note._state.adding and note._state.db == "default" for note in notes)
    case.refresh_from_db()
    assert case.description == "Bijgewerkt"


def test_an_insert_takes_instances_of_one_model():
    with pytest.raises(ValueError, match="one model"):
        Insert()
    with pytest.raises(ValueError, match="one model"):
        Insert(AccessRecord(action="x"), CaseEvent(kind=CaseEvent.Kind.NOTE))


def test_a_statement_gives_the_rows_it_returns_and_none_when_it_returns_none(cases):
    table = connection.ops.quote_name(Case._meta.db_table)
    ordered = sorted(cases, key=lambda case: case.pk)

    update = f"UPDATE {table} SET description = %s WHERE id = %s"  # noqa: S608 - the model's table
    returned, updated, selected = run_together(
        Statement(update + " RETURNING id, description", ["Eén", ordered[0].pk]),
        Statement(update, ["Twee", ordered[1].pk]),
        Statement(f"SELECT id FROM {table} WHERE id >= %s ORDER BY id", [ordered[1].pk]),  # noqa: S608
    )

    assert returned == [(ordered[0].pk, "Eén")]
    assert updated is None
    assert selected == [(ordered[1].pk,), (ordered[2].pk,)]
    assert list(Case.objects.order_by("pk").values_list("description", flat=True)[:2]) == ["Eén", "Twee"]


def test_an_insert_that_ignores_conflicts_skips_a_row_that_exists_and_writes_the_others(cases, coordinator):
    def row(key):
        return Notification(kind=Notification.Kind.MILESTONE, recipient=coordinator, key=key, due_at=timezone.now())

    schedule([row("together:1")])
    rows = [row("together:1"), row("together:2")]

    assert run_together(Insert(*rows, ignore_conflicts=True), Query(PARTIES, case=cases[0].pk))[0] is None

    assert sorted(Notification.objects.values_list("key", flat=True)) == ["together:1", "together:2"]
    # As with bulk_create(ignore_conflicts=True): nothing is read back, so the instances stay unsaved.
    assert all(r.pk is None and r._state.adding for r in rows)
    with pytest.raises(IntegrityError), transaction.atomic():
        run_together(Insert(row("together:2")))


SYNCHRONOUS_COMMIT = Statement("SELECT current_setting('synchronous_commit')", [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_not_durable_the_pipelines_own_commit_does_not_wait_for_the_disk_and_nothing_else_changes(coordinator):
    case = factories.CaseFactory()
    record = access_record(coordinator, action=AccessRecord.Action.CASE_PAGE, case=case)

    with CaptureQueriesContext(connection) as queries:
        written, setting, parties = run_together(
            Insert(record), SYNCHRONOUS_COMMIT, Query(PARTIES, case=case.pk), durable=False
        )

    assert (written, setting, parties) == (None, [("off",)], [])
    assert "set_config('synchronous_commit', 'off', true)" in queries[0]["sql"]
    assert AccessRecord.objects.filter(pk=record.pk).exists()
    # For that transaction alone: the next statements commit as always.
    assert run_together(SYNCHRONOUS_COMMIT) == [[("on",)]]
    assert run_together(SYNCHRONOUS_COMMIT, durable=True) == [[("on",)]]


# The INSERT's SQL kept per shape (_InsertSQL) -------------------------------------------------


def _a_case(cases, coordinator):
    seeded = cases[0]
    case = Case(
        number="2099-0001",
        channel=seeded.channel,
        referring_organisation=seeded.referring_organisation,
        referred_by=coordinator,
        partner_reference="REF-1",
        description="Geluid, 's nachts.",
        street="Proefstraat",
        house_number="12",
        postcode="7531 AB",
        neighbourhood=seeded.neighbourhood,
        consent_given=True,
        consent_at=timezone.now(),
        consent_recorded_by=coordinator,
        received_at=timezone.now(),
        as_submitted={"party_a": {"name": "Anna"}, "conflict_types": ["noise-people"]},
    )
    return (case,)


def _two_parties(cases, coordinator, case=None):
    case = case or cases[0]
    return (
        Party(case=case, role=Party.Role.A, name="Anna", phone="+31612345678", interpreter_needed=True),
        Party(case=case, role=Party.Role.B, name="Bert", email="bert@example.nl"),
    )


def _an_event(cases, coordinator):
    return (CaseEvent(case=cases[0], actor=coordinator, created_at=timezone.now(), kind=CaseEvent.Kind.NOTE),)


def _a_notification(cases, coordinator):
    return (
        Notification(
            kind=Notification.Kind.MILESTONE,
            recipient=coordinator,
            subject_id=cases[0].pk,
            payload={"milestone": "received", "n": 1},
            key=f"test:{cases[0].pk}",
            due_at=timezone.now(),
        ),
    )


@pytest.mark.parametrize("ignore_conflicts", [False, True])
@pytest.mark.parametrize("make", [_a_case, _two_parties, _an_event, _a_notification])
def test_an_insert_of_a_kept_shape_has_the_sql_and_values_django_compiles(
    make, ignore_conflicts, cases, coordinator, monkeypatch
):
    # One moment for both (auto_now fields take the time when the values are prepared).
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    together._insert_sql.clear()
    objs = make(cases, coordinator)

    compiled = together._InsertSQL(objs, connection, ignore_conflicts=ignore_conflicts)
    assert len(together._insert_sql) == 1  # compiled by Django, and kept
    kept = together._InsertSQL(objs, connection, ignore_conflicts=ignore_conflicts)

    def values(insert):
        # psycopg's Jsonb has no equality of its own: compare what it wraps.
        return [getattr(value, "obj", value) for value in insert.params]

    assert kept.sql == compiled.sql
    assert values(kept) == values(compiled)
    assert kept.returning_fields == compiled.returning_fields
    assert ("ON CONFLICT" in kept.sql or "OR IGNORE" in kept.sql) == ignore_conflicts


def test_inserts_of_a_kept_shape_are_written_and_read_back_as_before(cases, coordinator):
    together._insert_sql.clear()
    first, second = (_two_parties(cases, coordinator, case=factories.CaseFactory()) for _ in range(2))
    for parties in (first, second):  # compiled, then from the kept SQL
        run_together(Insert(*parties))
    # In one round trip on PostgreSQL; elsewhere run_together leaves inserts to bulk_create.
    assert len(together._insert_sql) == (1 if connection.vendor == "postgresql" else 0)
    assert all(party.pk is not None and not party._state.adding for party in first + second)
    stored = {row.pk: (row.name, row.phone, row.interpreter_needed) for row in Party.objects.all()}
    for party in first + second:
        assert stored[party.pk] == (party.name, party.phone, party.interpreter_needed)


def test_a_value_given_as_sql_is_compiled_every_time_and_not_kept(cases):
    together._insert_sql.clear()
    by_sql = CaseEvent(case=cases[0], kind=CaseEvent.Kind.NOTE, created_at=Now(), text="nu")
    plain = CaseEvent(case=cases[0], kind=CaseEvent.Kind.NOTE, created_at=timezone.now(), text="nu")

    with_sql = together._InsertSQL((by_sql,), connection)
    assert not together._insert_sql
    kept = together._InsertSQL((plain,), connection)
    assert with_sql.sql != kept.sql and len(with_sql.params) == len(kept.params) - 1
    # The shape kept is the plain one: a second value as SQL is not given the kept text.
    assert (
        together._InsertSQL((CaseEvent(case=cases[0], kind="note", created_at=Now()),), connection).sql == with_sql.sql
    )

    run_together(Insert(by_sql), Insert(plain))
    assert CaseEvent.objects.filter(pk__in=[by_sql.pk, plain.pk], text="nu").count() == 2


PLAN_CACHE_MODE = Statement("SELECT current_setting('plan_cache_mode')", [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_generic_plans_hold_for_the_pipelines_own_transaction_only_and_change_no_result(cases):
    first = cases[0]
    expected = PARTIES(case=first.pk)

    with CaptureQueriesContext(connection) as queries:
        setting, parties = run_together(PLAN_CACHE_MODE, Query(PARTIES, case=first.pk), generic_plans=True)

    assert setting == [("force_generic_plan",)]
    assert [(p.pk, p.name) for p in parties] == [(p.pk, p.name) for p in expected]
    assert "set_config('plan_cache_mode', 'force_generic_plan', true)" in queries[0]["sql"]
    # The next statements are planned as PostgreSQL chooses again.
    assert run_together(PLAN_CACHE_MODE) == [[("auto",)]]
    # With durable=False as well: both settings, in that one transaction.
    sync, mode = run_together(SYNCHRONOUS_COMMIT, PLAN_CACHE_MODE, durable=False, generic_plans=True)
    assert (sync, mode) == ([("off",)], [("force_generic_plan",)])
    assert run_together(SYNCHRONOUS_COMMIT, PLAN_CACHE_MODE) == [[("on",)], [("auto",)]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("setting", "option", "as_always"),
    [(SYNCHRONOUS_COMMIT, {"durable": False}, "on"), (PLAN_CACHE_MODE, {"generic_plans": True}, "auto")],
    ids=["not durable", "generic plans"],
)
def test_inside_a_transaction_the_option_is_left_to_the_callers_transaction(cases, setting, option, as_always):
    with transaction.atomic():
        (during,) = run_together(setting, **option)
        (still,) = run_together(setting)

    assert during == still == [(as_always,)]
