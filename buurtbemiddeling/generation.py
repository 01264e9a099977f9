"""The data generation: a value that changes with every committed write, to cache aggregates by.

The convenant report and the dashboard's figures aggregate tens of thousands of cases. Between two
writes they do not change, so they may be cached: under a key that holds the data generation, a
cached value can never be older than the data (no time-to-live that might show something stale).

How the generation moves: database triggers on every table of the cases, mediators and partners
apps, and on auth_user (names and activity of users appear in figures), bump the one row of
``buurtbemiddeling.DataGeneration`` on each INSERT, UPDATE, DELETE or TRUNCATE, whoever writes:
a view, a task, a bulk update, the admin, a manual SQL fix. They are (re)installed after every
``migrate`` (``install_triggers``, a post_migrate receiver), so a new table is covered as soon as
it exists; a test checks that every covered table has them.

- PostgreSQL: a row-level constraint trigger DEFERRABLE INITIALLY DEFERRED, so the bump runs at
  commit, once per transaction (a transaction-local setting remembers it was done). The row lock
  on the generation row is thus the last lock a transaction takes and is held only while it
  commits: writers queue for it briefly but can never deadlock on it. TRUNCATE (tests' flush) has
  a statement trigger of its own. A consequence for migrations: PostgreSQL refuses to ALTER a table
  whose rows the same transaction wrote ("pending trigger events"), so a data migration and a schema
  change of the same table go in two migrations (mediators 0006 and 0007 do).
- SQLite (the embedded default): row triggers; SQLite has one writer at a time anyway.

Reading: ``current()`` is one primary-key SELECT. Inside a transaction it returns None, and
``cached`` computes without the cache: the transaction may hold writes of its own that are not
committed, so not yet counted (a test's transaction never commits at all).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

T = TypeVar("T")

COVERED_APPS = ("cases", "mediators", "partners")
COVERED_MODELS = ("auth.User", "auth.User_groups")
# Every login writes last_login (and may rehash the password): those columns would empty every
# cache at each login while no figure shows them. The user table's UPDATE trigger fires only for
# an UPDATE that sets one of the other columns.
NOT_COVERED_COLUMNS = {"auth_user": ("last_login", "password")}
TRIGGER = "buurtbemiddeling_generation"
TRUNCATE_TRIGGER = "buurtbemiddeling_generation_truncate"
FUNCTION = "buurtbemiddeling_bump_generation"
# A cached value is dropped a day after it was computed at the latest; usually a write makes it
# unreachable (a new key) well before that.
CACHE_SECONDS = 24 * 60 * 60
_MISSING = object()


def _table() -> str:
    from buurtbemiddeling.models import DataGeneration

    return DataGeneration._meta.db_table


def covered_tables() -> list[str]:
    """The tables whose writes move the generation: every model of the covered apps (many-to-many
    tables included) and the user table, sorted."""
    tables = set()
    for app_label in COVERED_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    for label in COVERED_MODELS:
        tables.add(apps.get_model(label)._meta.db_table)
    return sorted(tables)


# The SQL below is built from identifiers only (the model's table, this module's names): no input.


def _postgresql_function(table: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608  # nosec B608
        "BEGIN "
        "IF current_setting('buurtbemiddeling.generation_bumped', true) IS DISTINCT FROM 'on' THEN "
        "PERFORM set_config('buurtbemiddeling.generation_bumped', 'on', true); "
        f"INSERT INTO {table} (id, epoch, value) VALUES (1, md5(random()::text), 1) "
        f"ON CONFLICT (id) DO UPDATE SET value = {table}.value + 1; "
        "END IF; "
        "RETURN NULL; "
        "END $$"
    )


def _sqlite_bump(table: str) -> str:
    return (
        f"INSERT INTO {table} (id, epoch, value) VALUES (1, lower(hex(randomblob(16))), 1) "  # noqa: S608  # nosec B608
        "ON CONFLICT (id) DO UPDATE SET value = value + 1;"
    )


def _update_event(connection, table: str) -> str:
    """``UPDATE``, or ``UPDATE OF <columns>`` for a table with columns that do not count."""
    skipped = NOT_COVERED_COLUMNS.get(table)
    if not skipped:
        return "UPDATE"
    with connection.cursor() as cursor:
        columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
    return "UPDATE OF " + ", ".join(connection.ops.quote_name(name) for name in columns if name not in skipped)


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create (or recreate) the bump triggers on every covered table; idempotent."""
    connection = connections[using]
    table = connection.ops.quote_name(_table())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_postgresql_function(table))
            for name in covered_tables():
                quoted = connection.ops.quote_name(name)
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} "
                    f"AFTER INSERT OR {_update_event(connection, name)} OR DELETE ON {quoted} "
                    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
                )
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {quoted} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
        elif connection.vendor == "sqlite":
            bump = _sqlite_bump(table)
            for name in covered_tables():
                quoted = connection.ops.quote_name(name)
                for kind, event in (
                    ("insert", "INSERT"),
                    ("update", _update_event(connection, name)),
                    ("delete", "DELETE"),
                ):
                    trigger = connection.ops.quote_name(f"{TRIGGER}_{name}_{kind}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                    cursor.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {quoted} BEGIN {bump} END")
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            raise NotImplementedError(f"No generation triggers for {connection.vendor}.")


def installed_tables(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables that carry the bump trigger(s) now (the coverage test reads it)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"])
        return {row[0] for row in cursor.fetchall()}


def install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver (connected for this app, which is migrated with all others by then)."""
    install_triggers(using)


def current(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The committed data generation, or None inside a transaction (see the module docstring)."""
    connection = connections[using]
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT epoch, value FROM {connection.ops.quote_name(_table())} WHERE id = 1")  # noqa: S608  # nosec B608 - a table name from the model, no input
        row = cursor.fetchone()
    # No row: nothing was ever written to a covered table; an empty database is cheap to count.
    return f"{row[0]}.{row[1]}" if row else None


def cached(key: str, compute: Callable[[], T], *, timeout: int = CACHE_SECONDS) -> T:
    """``compute()``, cached under ``key`` and the current generation.

    ``key`` must name everything else the value depends on: its parameters, and the language if
    the value holds translated text. The value must be picklable and hold no data of the person
    asking (it is shared by everyone who asks with the same key). A cache that fails is skipped.
    """
    generation = current()
    if generation is None:
        return compute()
    full_key = f"generation:{generation}:{key}"
    try:
        value = cache.get(full_key, _MISSING)
    except Exception:  # a broken cache costs speed, never the page
        logger.warning("Cache unavailable for %s; computing without it.", key.split(":", 1)[0], exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            cache.set(full_key, value, timeout)
        except Exception:
            logger.warning("Cache unavailable for %s; not stored.", key.split(":", 1)[0], exc_info=True)
    return value
