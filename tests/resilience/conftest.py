"""Fixtures for the fault tests: a private Redis that a test may stop and start."""

from __future__ import annotations

import pytest

from tests.resilience.redis_server import RedisServer


@pytest.fixture
def private_redis(tmp_path):
    try:
        server = RedisServer(tmp_path / "redis")
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    (tmp_path / "redis").mkdir(exist_ok=True)
    server.start()
    yield server
    server.close()


@pytest.fixture
def cache_on_private_redis(private_redis, settings):
    """The default cache (and so cached sessions and rate limits) on the private Redis, through the same
    configuration production uses; Django drops its cache connections when CACHES changes."""
    from elearning.config import cache_config

    settings.CACHES = {"default": cache_config(private_redis.url(0))}
    return private_redis
