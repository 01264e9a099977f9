"""The real path: Celery worker processes, Redis, PostgreSQL and an SMTP server on 127.0.0.1.

The sweep runs either in a worker (``sweep_notifications.delay()``) or here in the test process
(``sweep_notifications()``, which enqueues after its commit); the sends always run in workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from buurtbemiddeling import tasks
from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Case
from tests import factories
from tests.notifications.conftest import CANARIES, make_case
from tests.notifications.services import REPO_ROOT, database_url, free_port, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
State = Notification.Status


def _settle(seconds: float = 3.0) -> None:
    """Give a second delivery the chance to show up before asserting there was none."""
    time.sleep(seconds)


def test_a_due_reminder_arrives_at_the_smtp_server_exactly_once(start_worker, smtp_server, coordinator):
    case = make_case(received_at=timezone.now() - timedelta(days=10))
    start_worker()

    tasks.sweep_notifications.delay()  # the sweep itself runs in the worker too
    wait_for(lambda: smtp_server.handler.count() >= 1, timeout=30, message="the alert to arrive")
    # More sweeps, as beat would run them: nothing new is scheduled or sent.
    tasks.sweep_notifications.delay()
    tasks.sweep_notifications()
    _settle()

    (received,) = smtp_server.handler.received
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.key) == (State.SENT, 1, f"intake_overdue:{case.pk}:{coordinator.pk}")
    assert received.to == [coordinator.email]
    assert received.notification_id == str(row.pk)
    assert received.subject == f"Intake te laat: zaak {case.number}"
    raw = received.message.as_string()
    for what, canary in CANARIES.items():
        assert canary not in raw, what


def test_a_case_saved_while_the_broker_is_down_is_still_reminded(start_worker, smtp_server, coordinator):
    """Saving a case never touches the broker: it succeeds with Redis unreachable; the sweep,
    run later against a broker that is up again, finds the case and sends the alert once."""
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    script = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from cases.services import CaseData, PartyData, create_case\n"
        "case = create_case(data=CaseData(channel='phone', parties=(PartyData(role='A', name='Canary Anna Aarts'),)),"
        " consent_given=True, received_at=timezone.now() - timedelta(days=10))\n"
        "print(case.number)\n"
    )
    started = time.monotonic()
    saved = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", script],
        cwd=REPO_ROOT,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "buurtbemiddeling.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": dead_broker,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert saved.returncode == 0, saved.stderr
    assert time.monotonic() - started < 20  # no waiting for a broker connection either
    case = Case.objects.get(number=saved.stdout.strip().splitlines()[-1])
    assert not Notification.objects.exists()

    start_worker()
    tasks.sweep_notifications()
    wait_for(lambda: smtp_server.handler.count() >= 1, timeout=30, message="the alert to arrive")
    _settle()
    assert smtp_server.handler.count() == 1
    assert Notification.objects.get().subject == case


def test_an_smtp_server_that_refuses_and_then_accepts_gets_the_email_once(start_worker, smtp_server, coordinator):
    make_case(received_at=timezone.now() - timedelta(days=10))
    smtp_server.handler.refuse_next = 2  # "451 try again later", twice
    start_worker()

    tasks.sweep_notifications()
    row = wait_for(
        lambda: Notification.objects.filter(status=State.SENT).first(), timeout=60, message="the retried send"
    )
    _settle()
    tasks.sweep_notifications()
    _settle(2)

    assert smtp_server.handler.refused == 2
    assert smtp_server.handler.count() == 1
    assert row.attempts == 3
    assert row.last_error == ""


def test_two_dispatchers_at_the_same_time_send_each_email_once(start_worker, smtp_server, coordinator):
    factories.UserFactory(username="coordinator-2", roles=[Role.COORDINATOR])
    for days in range(10, 20):
        make_case(received_at=timezone.now() - timedelta(days=days))
    start_worker(concurrency=3)
    start_worker(concurrency=3)

    # Two sweeps start at the same moment over the same (not yet scheduled, then due) rows.
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def dispatch():
        try:
            barrier.wait(timeout=10)
            tasks.sweep_notifications()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    # And once more by hand, for good measure: a third message for every row.
    for pk in Notification.objects.values_list("pk", flat=True):
        tasks.send_notification.delay(pk)

    expected = 20  # 10 cases x 2 coordinators
    wait_for(
        lambda: Notification.objects.filter(status=State.SENT).count() == expected,
        timeout=60,
        message="all alerts to be sent",
    )
    _settle()
    ids = Counter(smtp_server.handler.ids())
    assert len(ids) == expected
    assert set(ids.values()) == {1}, "an email was sent twice"
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_loses_nothing(start_worker, smtp_server, coordinator, settings):
    for days in range(10, 20):
        make_case(received_at=timezone.now() - timedelta(days=days))
    smtp_server.handler.delay = 0.5  # each send takes half a second: the kill lands mid-batch
    worker = start_worker(concurrency=1)

    tasks.sweep_notifications()
    total = Notification.objects.count()
    assert total == 10
    wait_for(lambda: smtp_server.handler.count() >= 3, timeout=30, message="part of the batch")
    worker.kill()  # SIGKILL: no warm shutdown, no acknowledgements

    cut_off = set(Notification.objects.filter(status=State.SENDING).values_list("pk", flat=True))
    sent_before = Notification.objects.filter(status=State.SENT).count()
    assert len(cut_off) <= 1  # concurrency 1: at most the row that was being sent
    assert sent_before < total, "the kill came too late to test anything"

    # The stale-claim limit has passed (made 0 here instead of waiting 10 minutes): the sweep
    # releases the cut-off row; the restarted worker sends it and everything still pending.
    settings.NOTIFICATION_STALE_CLAIM_MINUTES = 0
    tasks.sweep_notifications()
    settings.NOTIFICATION_STALE_CLAIM_MINUTES = 10
    smtp_server.handler.delay = 0
    start_worker(concurrency=2)

    def all_sent() -> bool:
        tasks.sweep_notifications()  # as beat would, every so often
        return Notification.objects.filter(status=State.SENT).count() == total

    wait_for(all_sent, timeout=60, interval=1, message="every row to be sent after the restart")
    _settle(2)

    deliveries = Counter(int(pk) for pk in smtp_server.handler.ids())
    assert set(deliveries) == set(Notification.objects.values_list("pk", flat=True)), "a reminder was lost"
    duplicates = {pk for pk, times in deliveries.items() if times > 1}
    # At most one duplicate, and only for the row whose send was cut between SMTP accepting it
    # and the worker marking it sent.
    assert duplicates <= cut_off
    assert sum(deliveries.values()) <= total + 1
