"""Settings come from the environment and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from buurtbemiddeling import env

ROOT = Path(__file__).resolve().parent.parent
# What a real start-up would not have: the test run's own services and flags.
_NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _start(settings_module: str, **environ: str) -> subprocess.CompletedProcess:
    """Load Django with the given settings in a fresh interpreter, as start-up would."""
    clean = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    clean.update(environ, DJANGO_SETTINGS_MODULE=settings_module, VAR_DIR=str(ROOT / "var" / "test-settings"))
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgres//missing-colon",
        "mysql://user@host/db",
        "postgres://user@/no-host",
        "postgres://user@host:notaport/db",
        "postgres://user@host:5432/",
    ],
)
def test_a_malformed_database_url_stops_start_up_naming_the_variable(url):
    result = _start("buurtbemiddeling.settings.local", DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "started" not in result.stdout


def test_a_bad_boolean_stops_start_up_naming_the_variable():
    result = _start("buurtbemiddeling.settings.local", DEBUG="flase")
    assert result.returncode != 0
    assert "DEBUG='flase' is not a boolean" in result.stderr


def test_the_embedded_default_starts_with_no_variables():
    result = _start("buurtbemiddeling.settings.local")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _start("buurtbemiddeling.settings.production", ALLOWED_HOSTS="bemiddeling.example.nl")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start("buurtbemiddeling.settings.production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check():
    environ = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    environ.update(
        DJANGO_SETTINGS_MODULE="buurtbemiddeling.settings.production",
        SECRET_KEY="kJ8#mQ2$vL9@pX4!nR7&wT1*zY6^bH3%cF5(dG0)eA-sU_iO+Zx4Lq",
        ALLOWED_HOSTS="bemiddeling.example.nl",
        VAR_DIR=str(ROOT / "var" / "test-settings"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class TestReaders:
    @pytest.mark.parametrize(("raw", "expected"), [("1", True), ("Yes", True), ("off", False), ("", False)])
    def test_booleans(self, monkeypatch, raw, expected):
        monkeypatch.setenv("SOME_FLAG", raw)
        assert env.get_bool("SOME_FLAG", not expected) is expected

    def test_a_missing_boolean_takes_the_default(self, monkeypatch):
        monkeypatch.delenv("SOME_FLAG", raising=False)
        assert env.get_bool("SOME_FLAG", True) is True

    def test_integers_fail_with_the_name(self, monkeypatch):
        monkeypatch.setenv("SOME_NUMBER", "ten")
        with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
            env.get_int("SOME_NUMBER", 1)

    def test_lists_are_comma_separated(self, monkeypatch):
        monkeypatch.setenv("SOME_LIST", "a.example, b.example,,")
        assert env.get_list("SOME_LIST") == ["a.example", "b.example"]

    def test_a_postgres_url_is_parsed(self, monkeypatch):
        monkeypatch.setenv("SOME_DB", "postgres://bb:geheim@db.internal:5433/bemiddeling")
        config = env.get_database("SOME_DB", "/tmp/x.sqlite3")
        assert config["ENGINE"] == "buurtbemiddeling.postgresql"
        assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
            "db.internal",
            5433,
            "bemiddeling",
            "bb",
        )

    def test_postgres_statements_are_prepared_unless_switched_off(self, monkeypatch):
        monkeypatch.setenv("SOME_DB", "postgres://bb:geheim@db.internal:5433/bemiddeling")
        monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
        assert env.get_database("SOME_DB", "/tmp/x.sqlite3")["OPTIONS"] == {
            "server_side_binding": True,
            "prepare_threshold": env.PREPARE_THRESHOLD,
        }
        monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
        assert "server_side_binding" not in env.get_database("SOME_DB", "/tmp/x.sqlite3").get("OPTIONS", {})
        monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "sometimes")
        with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARED_STATEMENTS"):
            env.get_database("SOME_DB", "/tmp/x.sqlite3")

    def test_no_database_url_is_sqlite(self, monkeypatch):
        monkeypatch.delenv("SOME_DB", raising=False)
        assert env.get_database("SOME_DB", "/tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"

    def test_a_bad_redis_url_names_the_variable(self, monkeypatch):
        monkeypatch.setenv("REDIS_URL", "localhost:6379")
        with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
            env.get_url("REDIS_URL", schemes={"redis"})
