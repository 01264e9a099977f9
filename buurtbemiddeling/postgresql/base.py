"""Django's PostgreSQL backend, with a health check that costs no round trip while the connection is quiet.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection before each request uses it, by sending
``SELECT 1`` and waiting for the answer: on the case page one of its four round trips, about 0.2 ms of
processor time for the system calls and libpq's work, on every page that reads the database (issue 9).

A server that ends a connection says so on the socket: its error message ("terminating connection
due to administrator command"), then the end of the stream, or a reset. Between two requests an idle
connection receives nothing else from the server (nothing here LISTENs). So the check looks at the
socket first, without waiting: nothing to read means the server has not ended the connection, and it
is used as it is; anything to read, or a transaction left open, and Django's own ``SELECT 1`` decides.
What neither check can see is a network that silently drops packets; ``SELECT 1`` would then hang too.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

__all__ = ["DatabaseWrapper"]


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status == TransactionStatus.IDLE and not _has_input(connection):
            return True
        return super().is_usable()


def _has_input(connection) -> bool:
    """Whether the server sent anything (a message, the end of the stream, a reset) that nobody read."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True
