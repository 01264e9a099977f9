"""Test settings: SQLite in memory by default, PostgreSQL and Redis when their URLs are set."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, EMAIL_URL, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not EMAIL_URL:
    # With EMAIL_URL set (the Celery worker that integration tests start), base.py's SMTP
    # settings stay; pytest itself always swaps in locmem (django.test.utils).
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
DATABASES["default"]["CONN_MAX_AGE"] = 0
CACHES = {
    "default": (
        {"BACKEND": "buurtbemiddeling.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The tests run in one process, so a local-memory cache is shared enough for the rate limit.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "nl"
# Every precompiled query (buurtbemiddeling.precompiled) is compared with the ordinary queryset's SQL.
PRECOMPILED_QUERIES_CHECK = True
