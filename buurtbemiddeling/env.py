"""Strict readers for settings taken from the environment.

Every reader fails loudly, naming the variable, instead of silently falling back:
a typo in production (``DEBUG=flase``) must stop start-up, not flip a behaviour.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def get_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def get_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use one of true/false, yes/no, on/off, 1/0.")


def get_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


_RATE = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)?([smhd])$")


def get_rate(name: str, default: str) -> str:
    """A rate such as ``5/h`` or ``20/10m``: a count per period of seconds, minutes, hours or days."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate; use e.g. 5/h, 20/10m or 100/d.")
    return value


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


# psycopg's own default: a statement is prepared at its fifth run on a connection.
PREPARE_THRESHOLD = 5


def get_database(name: str, default_sqlite_path) -> dict:
    """Parse DATABASE_URL; without it, SQLite at ``default_sqlite_path``."""
    raw = os.environ.get(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # Wait for a writer instead of failing at once: web, worker and beat
            # share the file in the embedded default.
            "OPTIONS": {"timeout": 20},
        }
    parts = urlsplit(raw)
    if parts.scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must look like postgres://user:password@host:5432/name "
            f"(scheme {parts.scheme or 'missing'!r} is not supported)."
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # noqa: BLE001 - any parse error becomes a clear start-up error
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
    if parts.scheme != "sqlite":
        if not parts.hostname or not parts.path.strip("/"):
            raise ImproperlyConfigured(
                f"{name} must name a host and a database, "
                "e.g. postgres://user:password@127.0.0.1:5432/buurtbemiddeling."
            )
        try:
            parts.port  # noqa: B018 - urlsplit raises ValueError on a bad port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port.") from None
        # Django's backend with a health check that needs no round trip while the connection is quiet.
        config["ENGINE"] = "buurtbemiddeling.postgresql"
        if get_bool("DATABASE_PREPARED_STATEMENTS", True):
            # Parameters bound by the server (psycopg's server-side binding) rather than written into the
            # SQL text, so that psycopg prepares a statement it has run PREPARE_THRESHOLD times on this
            # connection: PostgreSQL then skips planning it again, which cost more than executing many of
            # our page queries (0.5 ms of 1 ms for the triage queue's). Django leaves both off because
            # PgBouncer in transaction mode before 1.21 cannot keep prepared statements: set
            # DATABASE_PREPARED_STATEMENTS=false behind one.
            config.setdefault("OPTIONS", {}).update(
                {"server_side_binding": True, "prepare_threshold": PREPARE_THRESHOLD}
            )
    config.setdefault("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def get_url(name: str, *, schemes: set[str]) -> str | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a valid URL; expected a scheme of {sorted(schemes)} and a host."
        )
    return raw
