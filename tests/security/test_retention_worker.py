"""The retention task on the real path: a Celery worker process, Redis and PostgreSQL.

The worker runs with RETENTION_MONTHS=1 from its environment; an expired case (closed two months
ago) loses every canary from every table, a case closed two weeks ago keeps them all.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import tasks
from cases.models import Case, Status
from tests.notifications.services import wait_for
from tests.security.canaries import Canaries, all_stored_text, tables_containing
from tests.security.test_retention import make_case

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_worker_anonymises_the_expired_case_and_only_that(start_worker, coordinator):
    now = timezone.now()
    expired, recent = Canaries("QZWX"), Canaries("QZWR")
    old = make_case(
        expired, coordinator=coordinator, received_at=now - timedelta(days=90), closed_at=now - timedelta(days=62)
    )
    new = make_case(
        recent, coordinator=coordinator, received_at=now - timedelta(days=30), closed_at=now - timedelta(days=14)
    )
    assert tables_containing("QZWX")
    start_worker(concurrency=1, RETENTION_MONTHS="1")

    tasks.anonymise_expired_cases.delay()
    wait_for(
        lambda: Case.objects.filter(pk=old.pk, anonymised_at__isnull=False).exists(),
        timeout=30,
        message="the worker to anonymise the case",
    )

    assert tables_containing("QZWX") == {}
    stored = all_stored_text()
    assert [value for value in recent.values() if value not in stored] == []
    assert Case.objects.get(pk=new.pk).anonymised_at is None
    assert Case.objects.get(pk=old.pk).status == Status.CLOSED
