"""Querysets compiled to SQL once per process, then run with new values for their parameters.

Django builds a queryset and compiles it to SQL on every request. For the busiest pages' queries
that took longer than the database took to answer them (issue 9: 0.5 to 1.5 ms a query, against
0.1 to 0.7 ms in PostgreSQL). A ``Precompiled`` query is an ordinary queryset, written as a function
of its parameters::

    open_cases = Precompiled(lambda mediator: Case.objects.filter(assignments__mediator=mediator).values(...))
    rows = open_cases(mediator=42)

The first call on a database connection builds the queryset twice with stand-in values, compiles
both, and keeps the SQL, the places the stand-ins went, and Django's compiler (which columns come
back and how they are converted). Every later call puts this call's values in those places, runs
the SQL, and hands the rows to Django's own iterables: the result is what the queryset would give,
model instances (with select_related, annotations, prefetch_related) or ``values()`` dicts.

What may vary:
- Parameters are ints, strings, UUIDs, dates and datetimes: values that cannot change the SQL's shape
  (None would make ``IS NULL``, a list an ``IN`` of its own length). A value of another kind (a bool,
  say), or one the queryset refuses with the stand-in (a string for a UUID field), runs the queryset
  the ordinary way.
- The build function must depend on its parameters alone: no ``timezone.now()`` inside (pass it in).
  Two compilations with different stand-ins must give the same SQL, or the first call raises.
- With ``settings.PRECOMPILED_QUERIES_CHECK`` (on in the tests) every call also compiles the ordinary
  queryset and requires the same SQL and parameters, so the whole test suite checks the substitution.
"""

from __future__ import annotations

import copy
import uuid
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE, MULTI
from django.utils import timezone

# Per database connection (thread-local in Django): key -> _Compiled. Weak, so a closed thread's go.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stand_in(value: Any, index: int, variant: int):
    """A value of ``value``'s kind that no real parameter has; None for an unsupported kind."""
    kind = type(value)
    if kind is int:
        # In range of a 32-bit integer column: Django turns an out-of-range comparison into no SQL at all.
        return -1_900_000_000 - 1000 * variant - index
    if kind is uuid.UUID:
        return uuid.UUID(int=0xB0B0_0000_0000_4000_8000_0000_0000_0000 + 1000 * variant + index)
    if kind is datetime:
        tz = value.tzinfo and UTC
        return datetime(1903, 4, 5, 6, 7, 8, tzinfo=tz) + timedelta(days=variant, microseconds=index + 1)
    if kind is date:
        return date(1903, 4, 5) + timedelta(days=100 * variant + index)
    if kind is str:
        return f"\x1fstand-in {variant}.{index}\x1f"
    return None


def _same_kind(value: Any, stand_in: Any) -> bool:
    if type(value) is not type(stand_in):
        return False
    return not isinstance(value, datetime) or (value.tzinfo is None) == (stand_in.tzinfo is None)


def _transforms(connection) -> list[Callable[[Any], Any]]:
    """How Django may have turned a parameter into what the database driver gets."""
    ops = connection.ops
    return [
        lambda value: value,
        lambda value: value.hex if isinstance(value, uuid.UUID) else None,
        lambda value: ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else None,
        lambda value: ops.adapt_datefield_value(value) if type(value) is date else None,
    ]


class _Compiled:
    __slots__ = ("compiler", "converters", "params", "queryset", "slots", "sql", "stand_ins")

    def __init__(self, queryset, compiler, sql, params, slots, stand_ins):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots  # [(position in params, parameter name, transform)]
        self.stand_ins = stand_ins
        # What SQLCompiler.results_iter asks for every time: the same columns, so the same converters.
        self.converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])


class Bound:
    """One call's SQL and parameters (``Precompiled.bind``)."""

    __slots__ = ("compiled", "params")

    def __init__(self, compiled: _Compiled, params: list):
        self.compiled = compiled
        self.params = params

    @property
    def sql(self) -> str:
        return self.compiled.sql


class _BoundQuery:
    """The stand-in queryset's Query, whose compiler runs the kept SQL with one call's parameters.

    With ``rows``, the rows that SQL gave (fetched together with other statements,
    buurtbemiddeling.together), the compiler hands those on instead of running it.
    """

    def __init__(self, compiled: _Compiled, params: list, rows: list | None = None):
        self._compiled = compiled
        self._params = params
        self._rows = rows

    def __getattr__(self, name):
        return getattr(self._compiled.queryset.query, name)

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled = self._compiled
        compiler = copy.copy(compiled.compiler)
        sql, params = compiled.sql, tuple(self._params)
        compiler.as_sql = lambda with_limits=True, with_col_aliases=False: (sql, params)
        compiler.get_converters = lambda expressions: compiled.converters
        if self._rows is not None:
            compiler.execute_sql = _fetched(self._rows)
        return compiler


def _fetched(rows: list):
    """SQLCompiler.execute_sql for rows already fetched: the one chunk of them (MULTI, as iterables ask)."""

    def execute_sql(result_type=MULTI, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE):
        if result_type != MULTI:
            raise NotImplementedError(f"rows fetched beforehand are only handed on as {MULTI!r}, not {result_type!r}")
        return iter([rows])

    return execute_sql


class Precompiled:
    """A queryset, built by ``build(**parameters)``, compiled once per connection; see the module."""

    def __init__(self, build: Callable[..., QuerySet], *, name: str = "", using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.name = name or getattr(build, "__qualname__", repr(build))
        self.using = using

    def __repr__(self) -> str:
        return f"<Precompiled {self.name}>"

    def __call__(self, **values) -> list:
        bound = self.bind(values)
        if bound is None:
            return list(self.build(**values))
        return self.result(bound)

    def bind(self, values: dict) -> Bound | None:
        """This call's SQL and parameters; None when it must run as an ordinary queryset."""
        connection = connections[self.using]
        compiled = self._compiled_for(connection, values)
        if compiled is None or not all(
            _same_kind(values[name], compiled.stand_ins[name]) for name in compiled.stand_ins
        ):
            return None
        params = list(compiled.params)
        for position, name, transform in compiled.slots:
            params[position] = transform(values[name])
        if getattr(settings, "PRECOMPILED_QUERIES_CHECK", False):
            self._check(connection, compiled, params, values)
        return Bound(compiled, params)

    def result(self, bound: Bound, rows: list | None = None) -> list:
        """What the queryset gives: its rows fetched now, or ``rows`` already fetched with ``bound.sql``."""
        # A copy of the stand-in queryset that shares its Query: _chain() would clone the Query, only for
        # it to be replaced. (copy.copy would evaluate the queryset: QuerySet.__getstate__ fetches.)
        template = bound.compiled.queryset
        queryset = object.__new__(type(template))
        queryset.__dict__.update(template.__dict__)
        queryset._query = _BoundQuery(bound.compiled, bound.params, rows)
        return list(queryset)

    def _compiled_for(self, connection, values: dict) -> _Compiled | None:
        per_connection = _compiled.setdefault(connection, {})
        # Functions of dates and times name the current time zone in the SQL (a parameter, on some databases).
        key = (
            self,
            tuple((name, type(value)) for name, value in sorted(values.items())),
            timezone.get_current_timezone_name(),
            connection.timezone_name,
            settings.USE_TZ,
        )
        if key in per_connection:
            return per_connection[key]
        stand_ins = [
            {name: _stand_in(value, i, variant) for i, (name, value) in enumerate(sorted(values.items()))}
            for variant in (0, 1)
        ]
        if any(stand_in is None for stand_in in stand_ins[0].values()):
            # An unsupported kind of value: not cached, so that a later call with a supported one compiles.
            return None
        try:
            first, second = (self._compile(connection, s) for s in stand_ins)
        except ImproperlyConfigured:
            raise
        except Exception:  # noqa: BLE001 - the stand-ins refused (a str where a UUID goes): run it ordinarily
            per_connection[key] = None
            return None
        if first[2] != second[2] or len(first[3]) != len(second[3]):
            raise ImproperlyConfigured(f"{self}: the SQL changes with its parameters' values.")
        slots = []
        transforms = _transforms(connection)
        for position, (a, b) in enumerate(zip(first[3], second[3], strict=True)):
            if a == b:
                continue
            slot = next(
                (
                    (position, name, transform)
                    for name in stand_ins[0]
                    for transform in transforms
                    if transform(stand_ins[0][name]) == a and transform(stand_ins[1][name]) == b
                ),
                None,
            )
            if slot is None:
                raise ImproperlyConfigured(
                    f"{self}: parameter {position} is derived from a value in an unsupported way."
                )
            slots.append(slot)
        queryset, compiler, sql, params = first
        compiled = per_connection[key] = _Compiled(queryset, compiler, sql, tuple(params), slots, stand_ins[0])
        return compiled

    def _compile(self, connection, stand_ins: dict):
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, list(params)

    def _check(self, connection, compiled: _Compiled, params: list, values: dict) -> None:
        sql, expected = self.build(**values).query.get_compiler(connection=connection).as_sql()
        if (sql, list(expected)) != (compiled.sql, params):
            raise AssertionError(
                f"{self} precompiled gives\n{compiled.sql}\n{params}\nbut the queryset gives\n{sql}\n{list(expected)}"
            )
