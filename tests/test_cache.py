"""buurtbemiddeling.cache: Django's Redis cache backend, sharing one redis client per connection pool."""

from __future__ import annotations

import os
import threading

import pytest

from buurtbemiddeling.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), {"KEY_PREFIX": "test-cache-client"})
    yield cache
    cache.delete_many(["a", "counter", "n"])


def test_every_call_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("any key") is client


def test_it_is_still_a_working_cache(redis_cache):
    assert redis_cache.get("a") is None
    redis_cache.set("a", {"figures": [1, 2]}, 30)
    assert redis_cache.get("a") == {"figures": [1, 2]}
    assert redis_cache.add("a", "other", 30) is False
    redis_cache.set("counter", 1, 30)
    assert redis_cache.incr("counter") == 2
    assert redis_cache.get_many(["a", "counter", "missing"]) == {"a": {"figures": [1, 2]}, "counter": 2}
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_threads_sharing_the_client_each_get_their_own_answers(redis_cache):
    """The shared client takes a connection from its pool per command, so answers do not cross."""
    redis_cache.set("n", 0, 30)
    failures = []

    def work(number):
        key = f"thread-{number}"
        for value in range(50):
            redis_cache.set(key, (number, value), 30)
            if redis_cache.get(key) != (number, value):
                failures.append((number, value))
            redis_cache.incr("n")
        redis_cache.delete(key)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert redis_cache.get("n") == 8 * 50
