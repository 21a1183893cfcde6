"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and redis-py fills a table of
some 170 reply handlers each time it does: a vote reads its session and its rate limit from the
cache, and those builds were a tenth of its Python time (bench/bench_votes.py). A `redis.Redis`
is safe to share between threads (each command takes a connection from the pool), so one per
pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_in_window(self, key: str, window: int) -> int:
        """Count one more under `key`, which lives `window` seconds from its first count: one
        round trip (Django's `add` then `incr` take three), for the rate limits
        (samskab.core.ratelimit)."""
        key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])
