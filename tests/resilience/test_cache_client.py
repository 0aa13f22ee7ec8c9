"""Issue 20: the Redis cache builds one redis.Redis client per connection pool, not one per call; the shared
client must come back by itself after the server restarts."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from elearning.cache import health


@pytest.fixture(autouse=True)
def _fresh_health():
    health.failed_at = health.warned_at = None
    yield
    health.failed_at = health.warned_at = None


@pytest.mark.timeout(60)
def test_one_client_serves_every_call_and_survives_a_restart(cache_on_private_redis):
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("issue-20", "before")
    assert cache.get("issue-20") == "before" and cache._cache.get_client() is client

    cache_on_private_redis.stop()
    assert cache.get("issue-20", "missed") == "missed"  # an outage degrades, as before
    cache_on_private_redis.start()
    health.failed_at = None  # skip the retry pause rather than wait it out

    cache.set("issue-20", "after")  # the same client, on a new connection from its pool
    assert cache.get("issue-20") == "after" and cache._cache.get_client() is client
