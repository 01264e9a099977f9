"""Several statements in one round trip to PostgreSQL (psycopg's pipeline mode).

A page that needs five small queries, none of which depends on another's answer, waits for five
answers one after the other: on the bench's machine each round trip costs 0.3 to 0.6 ms of a
request's time before the query's own work (issue 9). In pipeline mode psycopg sends all of them,
PostgreSQL runs them in order, and the answers come back together::

    parties, events = run_together(Query(CASE_PARTIES, code=code), Query(CASE_EVENTS, code=code))
    _, parties = run_together(Insert(AccessRecord(...)), Query(CASE_PARTIES, code=code))

A ``Query`` is a ``Precompiled`` query with its values; its result is what the call would give. An
``Insert`` is one or more new instances of a model, written as ``bulk_create`` writes them (one
INSERT, no signals, the pk read back and set; ``ignore_conflicts`` as bulk_create's), with None for a
result; a ``Statement`` is SQL with its parameters, and its result the rows it returns (a list of
tuples), or None for SQL that returns none. The statements run in order; in autocommit mode, up to
the end of the pipeline they form one implicit transaction, so that an error in one leaves none of
them done and raises it.

Elsewhere (SQLite, a libpq without pipeline mode) and for a query that cannot be precompiled, the
statements run one after the other with the same results.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler

from .precompiled import Bound, Precompiled


@dataclass(frozen=True, init=False)
class Query:
    """A precompiled query and its values: ``Query(CASE_PARTIES, code=code)``."""

    precompiled: Precompiled
    values: dict[str, Any]

    def __init__(self, precompiled: Precompiled, /, **values):
        object.__setattr__(self, "precompiled", precompiled)
        object.__setattr__(self, "values", values)


@dataclass(frozen=True, init=False)
class Insert:
    """New instances of one model, written in one INSERT: ``Insert(record)``, ``Insert(*parties)``.

    ``ignore_conflicts``: a row that would break a unique constraint is skipped (ON CONFLICT DO
    NOTHING), as with ``bulk_create(ignore_conflicts=True)``; no pk is read back then.
    """

    objs: tuple[Model, ...]
    ignore_conflicts: bool

    def __init__(self, *objs: Model, ignore_conflicts: bool = False):
        if not objs or len({type(obj) for obj in objs}) != 1:
            raise ValueError("Insert takes one or more new instances of one model")
        object.__setattr__(self, "objs", objs)
        object.__setattr__(self, "ignore_conflicts", ignore_conflicts)


@dataclass(frozen=True)
class Statement:
    """SQL with its parameters (an INSERT ... SELECT, an upsert with RETURNING, say)."""

    sql: str
    params: list


def _pipeline_supported(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    import psycopg

    return psycopg.Pipeline.is_supported()


# Makes the commit of the transaction it runs in not wait for the write-ahead log to reach disk.
_NO_WAIT_FOR_FLUSH = Statement("SELECT set_config('synchronous_commit', 'off', true)", [])
# Makes the prepared statements of the transaction it runs in use their generic plan.
_GENERIC_PLANS = Statement("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", [])


def run_together(
    *statements: Query | Insert | Statement,
    using: str = DEFAULT_DB_ALIAS,
    durable: bool = True,
    generic_plans: bool = False,
) -> list:
    """Each statement's result (a Query's list, a Statement's rows, None for an Insert).

    In one round trip where possible.

    ``durable=False``, for writes whose loss in a crash of the database server is acceptable (the case
    page's access record): when the statements are a transaction of their own (one pipeline in
    autocommit on PostgreSQL), that transaction's commit does not wait for the write-ahead log to be
    flushed to disk (synchronous_commit off, for it alone). A crash of PostgreSQL or its machine within
    about 0.6 s (three times wal_writer_delay) may then lose them; it never corrupts or half-applies
    anything. Inside an atomic block the caller's transaction decides, and this is ignored.

    ``generic_plans=True``, for queries whose best plan does not depend on their values (Mijn zaken,
    driven by one mediator's assignments): in that transaction alone, a prepared statement is run with
    its generic plan instead of being planned again for each set of values. PostgreSQL chooses by its
    cost estimates, and planned Mijn zaken's query afresh on every run: 0.70 ms of its CPU, 0.32 ms with
    the generic plan (the same path: the mediator's assignments, then their cases). Not for a query
    whose plan should follow its values (the triage queue's count of one status: 3 ms custom, 23 ms
    generic). Plans only: the results are the same. Ignored inside an atomic block, as ``durable``.
    """
    connection = connections[using]
    if not connection.in_atomic_block and _pipeline_supported(connection):
        prefix = [*([_NO_WAIT_FOR_FLUSH] if not durable else []), *([_GENERIC_PLANS] if generic_plans else [])]
        if prefix:
            return run_together(*prefix, *statements, using=using)[len(prefix) :]
    bound = [item.precompiled.bind(item.values) if isinstance(item, Query) else None for item in statements]
    if not _pipeline_supported(connection) or any(
        b is None for b, item in zip(bound, statements, strict=True) if isinstance(item, Query)
    ):
        return [_run_alone(item, b, using) for b, item in zip(bound, statements, strict=True)]
    inserts = {
        i: _InsertSQL(item.objs, connection, ignore_conflicts=item.ignore_conflicts)
        for i, item in enumerate(statements)
        if isinstance(item, Insert)
    }
    # Django's cursors: the health check, the error wrapping and (in tests) the query log as for any query.
    cursors = [connection.cursor() for _ in statements]
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for i, (cursor, item) in enumerate(zip(cursors, statements, strict=True)):
                if isinstance(item, Query):
                    cursor.execute(bound[i].sql, bound[i].params)
                elif isinstance(item, Insert):
                    cursor.execute(inserts[i].sql, inserts[i].params)
                else:
                    cursor.execute(item.sql, item.params)
        results = []
        for i, (cursor, item) in enumerate(zip(cursors, statements, strict=True)):
            if isinstance(item, Query):
                results.append(item.precompiled.result(bound[i], cursor.fetchall()))
                continue
            if isinstance(item, Insert):
                inserts[i].saved(cursor.fetchall() if inserts[i].returning_fields else [], using)
                results.append(None)
            else:
                results.append(_rows(cursor))
        return results
    finally:
        for cursor in cursors:
            cursor.close()


def _run_alone(item: Query | Insert | Statement, bound: Bound | None, using: str):
    if isinstance(item, Query):
        # Bound already (not bound again by calling the query): its SQL, or the ordinary queryset.
        return item.precompiled.result(bound) if bound is not None else list(item.precompiled.build(**item.values))
    if isinstance(item, Insert):
        type(item.objs[0])._base_manager.using(using).bulk_create(item.objs, ignore_conflicts=item.ignore_conflicts)
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(item.sql, item.params)
        return _rows(cursor)


def _rows(cursor) -> list[tuple] | None:
    """The rows a Statement returned; None when its SQL returns none (no RETURNING, say)."""
    return [tuple(row) for row in cursor.fetchall()] if cursor.description is not None else None


# The INSERT's SQL text, by model, columns, number of rows, conflict handling and database: the same for every
# insert of that shape (see _InsertSQL). Text, the columns read back and their converters: nothing of the rows.
_insert_sql: dict[tuple, tuple[str, list, dict]] = {}


class _InsertSQL:
    """The INSERT that ``bulk_create(objs)`` would send, with the columns it reads back (the pk).

    Django compiles an INSERT afresh for each save; the text only depends on the model, the columns, the
    number of rows and the conflict handling, as long as every value is a plain value with the ``%s``
    placeholder (no expression, no field with a placeholder of its own). For those the text compiled the
    first time is kept (``_insert_sql``), and later inserts of the same shape only prepare their values, as
    Django's compiler does (``pre_save``, then ``get_db_prep_save``): a referral's CPU went from 6.15 to
    5.77 ms (its four inserts). Anything else is compiled by Django every time.
    """

    def __init__(self, objs: tuple[Model, ...], connection, *, ignore_conflicts: bool = False):
        self.objs = objs
        meta = objs[0]._meta
        for obj in objs:  # as QuerySet._prepare_for_bulk_create
            if obj.pk is None:
                obj.pk = meta.pk.get_pk_value_on_save(obj)
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        # As Model._save_table: no generated columns, and no auto pk unless one was set.
        fields = [
            f
            for f in meta.local_concrete_fields
            if not f.generated and not (f is meta.auto_field and any(obj.pk is None for obj in objs))
        ]
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        if on_conflict and not connection.features.supports_ignore_conflicts:
            raise NotSupportedError("This database backend does not support ignoring conflicts.")
        self.connection = connection
        self.table = meta.db_table
        columns = tuple(f.attname for f in fields)
        key = (type(objs[0]), columns, len(objs), on_conflict, connection.vendor, connection.alias)
        params = plain_values(fields, objs, connection)
        if params is not None and key in _insert_sql:
            self.sql, self.returning_fields, self.converters = _insert_sql[key]
            self.params = params
            return
        query = InsertQuery(type(objs[0]), on_conflict=on_conflict)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(connection=connection)
        # Rows as VALUES, not as the arrays that PostgreSQL's compiler UNNESTs for more than one row: that
        # saves planning a long VALUES list, which a prepared statement does not plan again, and psycopg
        # dumps each array in Python (the referral's two parties, 14 columns: 1.1-1.5 ms of its CPU).
        compiler.assemble_as_sql = partial(SQLInsertCompiler.assemble_as_sql, compiler)
        # As bulk_create: a skipped row has nothing to read back, so nothing is read back at all.
        can_return = connection.features.can_return_rows_from_bulk_insert and on_conflict is None
        self.returning_fields = meta.db_returning_fields if can_return else []
        compiler.returning_fields = self.returning_fields
        ((self.sql, compiled_params),) = compiler.as_sql()
        self.params = list(compiled_params)
        self.converters = compiler.get_converters([f.get_col(self.table) for f in self.returning_fields])
        # Kept when the values prepared as above are as many as Django compiled (tests/test_together.py
        # compares them one by one for the shapes the intake writes).
        if params is not None and len(params) == len(self.params):
            _insert_sql[key] = (self.sql, self.returning_fields, self.converters)

    def saved(self, rows: list, using: str) -> None:
        """Mark the instances saved and give them the values read back, as Django's own INSERT does."""
        if rows:
            if self.converters:  # as SQLCompiler.apply_converters
                rows = [list(row) for row in rows]
                for position, (converters, expression) in self.converters.items():
                    for row in rows:
                        for converter in converters:
                            row[position] = converter(row[position], expression, self.connection)
            for obj, row in zip(self.objs, rows, strict=True):
                for value, field in zip(row, self.returning_fields, strict=True):
                    setattr(obj, field.attname, value)
        mark_saved(self.objs, using)


def mark_saved(objs, using: str) -> None:
    """Mark instances written by an INSERT of one's own as saved in ``using``, as Django's own INSERT does."""
    for obj in objs:
        if obj.pk is None:
            # As bulk_create: a row written with ignore_conflicts has no pk read back and stays unsaved.
            continue
        obj._state.adding = False
        obj._state.db = using


def plain_values(fields: list, objs: tuple[Model, ...], connection) -> list | None:
    """The INSERT's values as SQLInsertCompiler prepares them, row by row; None when one needs SQL of its own.

    As the compiler: ``pre_save(obj, add=True)`` (auto_now fields take their time here), then
    ``get_db_prep_save``. A value that is an expression, or a field with its own placeholder, would change
    the SQL text: the caller compiles those the ordinary way.
    """
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None
    params = []
    for obj in objs:
        for f in fields:
            value = f.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return None
            params.append(f.get_db_prep_save(value, connection=connection))
    return params
