"""Django's Redis cache backend, with one redis client per connection pool instead of one per call.

django.core.cache.backends.redis builds a new ``redis.Redis`` for every cache call (get_client), and
each one builds its table of some 170 response callbacks: about 60 µs, paid by every page for its
session and again for each cached figure. A ``redis.Redis`` is safe to share between threads (it
takes a connection from its pool per command), so one per pool is kept. Everything else is Django's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # connection pool -> its redis.Redis

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
