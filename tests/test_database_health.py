"""A kept PostgreSQL connection is checked before a request uses it, without a round trip while it is quiet.

buurtbemiddeling.postgresql: the check reads the socket; Django's SELECT 1 only when the server sent
something. Both tests talk to a real PostgreSQL: one ends the connection from the server side, as a
restart or an administrator would; the other reads what the server last saw from pg_stat_activity.
"""

from __future__ import annotations

import select
import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def kept_connection():
    """A second connection to the test database, kept between requests as CONN_MAX_AGE=60 keeps it."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    yield wrapper
    wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def between_requests(wrapper) -> None:
    """What Django does for each database when a request ends and the next begins (close_old_connections)."""
    wrapper.close_if_unusable_or_obsolete()


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it(kept_connection):
    pid = backend_pid(kept_connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    # The server's goodbye reaches the socket, as it would between two requests.
    poller = select.poll()
    poller.register(kept_connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server never closed the connection"

    between_requests(kept_connection)
    assert backend_pid(kept_connection) != pid


def test_a_quiet_connection_is_used_without_a_round_trip(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement before the check'")
    pid = backend_pid(kept_connection)
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement before the check'")

    between_requests(kept_connection)
    kept_connection.close_if_health_check_failed()

    assert kept_connection.health_check_done
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        assert cursor.fetchone()[0] == "SELECT 'the last statement before the check'"
    assert backend_pid(kept_connection) == pid
