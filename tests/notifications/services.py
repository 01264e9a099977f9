"""Real services for the integration tests: an SMTP server in this process, Celery workers as
subprocesses against real Redis and the pytest PostgreSQL database.

Every wait is a poll loop with a deadline; every process started here is killed at teardown.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.header
import email.message
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

WORKER_START_TIMEOUT = 30
REPO_ROOT = Path(settings.BASE_DIR)


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    notification_id: str | None
    to: list[str]
    subject: str
    message: email.message.Message


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that records what it accepts and can refuse or dawdle on request."""

    refuse_next: int = 0  # answer "451 try again later" to this many messages first
    delay: float = 0.0  # seconds between receiving a message and answering 250
    received: list[Received] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.refuse_next, self.delay, self.refused = 0, 0.0, 0
            self.received.clear()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content)
            # Recorded when the data is in, before the reply: a client that dies while waiting for
            # the 250 has delivered its message all the same (the at-most-one-duplicate case).
            self.received.append(
                Received(
                    notification_id=message["X-Buurtbemiddeling-Notification"],
                    to=list(envelope.rcpt_tos),
                    subject=str(email.header.make_header(email.header.decode_header(message["Subject"]))),
                    message=message,
                )
            )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def ids(self) -> list[str]:
        with self.lock:
            return [item.notification_id for item in self.received]


@pytest.fixture(scope="session")
def _smtp_controller():
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller):
    """A real SMTP server on 127.0.0.1, emptied for each test; ``.handler`` records and refuses."""
    _smtp_controller.handler.reset()
    yield _smtp_controller
    _smtp_controller.handler.reset()


def database_url() -> str:
    """The URL of the database pytest is using right now (the test database)."""
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db["PASSWORD"]:
        credentials += f":{db['PASSWORD']}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def purge_broker() -> None:
    """Empty the default queue and the unacked messages a killed worker may have left behind."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    client.close()


class WorkerProcess:
    """``celery -A buurtbemiddeling worker`` in its own process group, logging to a file."""

    def __init__(self, *, env: dict[str, str], concurrency: int):
        self.name = f"test-{uuid.uuid4().hex[:8]}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"{self.name}-", suffix=".log", delete=False)  # noqa: SIM115
        celery = str(Path(sys.executable).with_name("celery"))
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "buurtbemiddeling",
                "worker",
                "--loglevel=INFO",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                f"--hostname={self.name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool children too
        )
        wait_for(self._ready, timeout=WORKER_START_TIMEOUT, interval=0.2, message=f"worker {self.name} to start")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"worker exited with {self.process.returncode}:\n{self.output()[-3000:]}")
        return " ready." in self.output()

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, no acks, nothing cleaned up."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture
def start_worker(transactional_db, smtp_server):
    """Start real Celery workers against Redis, the test database and ``smtp_server``.

    Needs PostgreSQL (a second process cannot see an in-memory SQLite) and Redis: mark the test
    with ``postgres`` and ``redis``. Retries wait about a second here instead of a minute.
    """
    purge_broker()
    workers: list[WorkerProcess] = []
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "buurtbemiddeling.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "NOTIFICATION_RETRY_BASE_SECONDS": "1",
        "NOTIFICATION_RETRY_MAX_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }

    def start(*, concurrency: int = 2, **extra_env: str) -> WorkerProcess:
        worker = WorkerProcess(env=env | extra_env, concurrency=concurrency)
        workers.append(worker)
        return worker

    yield start
    # Before transactional_db truncates the tables: no worker may hold a connection then.
    for worker in workers:
        worker.stop()
    purge_broker()
