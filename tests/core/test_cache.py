"""The shared cache (Redis in production) counts rate limits in one round trip and still
refuses the vote, idea or comment over the limit, and forgets the count when its window ends."""

from __future__ import annotations

import time

import pytest
from django.utils.translation import override

from samskab.core import ratelimit
from samskab.core.cache import RedisCache
from tests.production.ops import REDIS, need_redis


@pytest.fixture
def redis_cache(monkeypatch):
    need_redis()
    cache = RedisCache(REDIS, {"KEY_PREFIX": f"test-cache-{time.time_ns()}"})
    # The cache the rate limits use, for this test only.
    monkeypatch.setattr(ratelimit, "cache", cache)
    yield cache
    cache.clear()


def test_counts_in_a_window_and_forgets_after_it(redis_cache):
    assert [redis_cache.count_in_window("k", 1) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("k") == 3
    time.sleep(1.3)
    assert redis_cache.count_in_window("k", 1) == 1


def test_the_limit_holds_with_redis(redis_cache, monkeypatch):
    monkeypatch.setitem(ratelimit.LIMITS, "vote", (3, 60))
    for _ in range(3):
        ratelimit.check_rate(7, "vote")
    with override("da"), pytest.raises(ratelimit.RateLimited, match="Vent"):
        ratelimit.check_rate(7, "vote", "Vent et par minutter.")
    # Another person is counted on their own.
    ratelimit.check_rate(8, "vote")


def test_one_client_is_kept_per_pool(redis_cache):
    client = redis_cache._cache.get_client("k", write=True)
    assert redis_cache._cache.get_client("k", write=True) is client
    assert redis_cache._cache.get_client("k") is client  # one server: reads go there too
