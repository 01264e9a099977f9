"""The nightly task deletes expired sessions from the database and keeps the live ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from buurtbemiddeling import tasks

pytestmark = pytest.mark.django_db


def _session(expiry) -> str:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(expiry)
    store.create()
    return store.session_key


def test_expired_sessions_are_deleted_and_live_ones_kept():
    expired = _session(timezone.now() - timedelta(minutes=1))
    live = _session(timezone.now() + timedelta(hours=1))
    assert Session.objects.filter(session_key__in=[expired, live]).count() == 2

    tasks.clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_the_cleanup_is_in_the_beat_schedule_at_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]
    assert entry["task"] == "buurtbemiddeling.tasks.clear_expired_sessions"
    assert entry["schedule"].hour == {3}
