"""A Redis cache that degrades instead of failing: when Redis is unreachable, reads miss, writes are dropped,
and a warning is logged at most once a minute per process. Nothing in this project keeps data only in the
cache, so an outage costs speed, never a page:

- sessions (`cached_db`) are read from and written to the database, which is always the reference;
- cached unit blocks are rendered again;
- rate limits (django-ratelimit) cannot count, and fail *open*: `RATELIMIT_FAIL_OPEN` lets requests through
  while the cache is down (log-in lock-outs still hold: django-axes counts failures in the database);
- organisations' boxes of local contacts are read from the database (a change made during an outage reaches
  members whose boxes Redis kept from before it within the hour those entries live);
- nothing else reads the cache.

After a failure the backend skips Redis for `RETRY_AFTER_SECONDS`, so a request made during an outage does not
wait for one connection attempt per cache call.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
RETRY_AFTER_SECONDS = 2.0
CACHE_ERRORS = (RedisError, OSError)


class _Health:
    """Per process: when Redis last failed and when that was last logged."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failed_at: float | None = None
        self.warned_at: float | None = None
        self.failures = 0

    def down_recently(self) -> bool:
        failed_at = self.failed_at
        return failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_SECONDS

    def failed(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.failed_at = now
            self.failures += 1
            if self.warned_at is not None and now - self.warned_at < WARN_EVERY_SECONDS:
                return
            self.warned_at = now
            failures, self.failures = self.failures, 0
        log.warning(
            "Cache unavailable (%s: %s: %s); serving without it: sessions from the database, rate limits "
            "not enforced (%d failed cache call(s) since the last warning)",
            operation,
            type(exc).__name__,
            exc,
            failures,
        )

    def ok(self) -> None:
        if self.failed_at is not None:
            with self.lock:
                if self.failed_at is not None:
                    self.failed_at = None
                    log.warning("Cache available again")


health = _Health()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a redis.Redis object (a dict of some 200 response callbacks) on every cache
    call; this one builds it once per connection pool (issue 20: two thirds of a rate-limit check). A
    redis.Redis is safe to share between threads, each command takes a connection from the pool, and the
    pool starts afresh in a forked process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class DegradingRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose calls never raise for a Redis outage."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _guard(self, operation: str, call, fallback):
        if health.down_recently():
            return fallback
        try:
            result = call()
        except CACHE_ERRORS as exc:
            health.failed(operation, exc)
            return fallback
        health.ok()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "add", lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None):
        return self._guard(
            "get", lambda: super(DegradingRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard("set", lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "touch", lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guard("delete", lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._guard("get_many", lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guard(
            "incr", lambda: super(DegradingRedisCache, self).incr(key, delta, version), missing
        )
        if value is missing:
            # What incr says for a key it cannot find; django-ratelimit then applies RATELIMIT_FAIL_OPEN.
            raise ValueError(f"Key '{key}' not found: the cache is unavailable")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many", lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        self._guard("delete_many", lambda: super(DegradingRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._guard("clear", lambda: super(DegradingRedisCache, self).clear(), False)
