"""Celery tasks of the cases app. Thin: the work is in cases.services.retention."""

from __future__ import annotations

from celery import shared_task

from .services.retention import anonymise_expired_cases as run_retention


@shared_task(ignore_result=True)
def anonymise_expired_cases() -> int:
    """Nightly (beat): anonymise cases closed longer than RETENTION_MONTHS ago. Returns the count."""
    return run_retention().anonymised
