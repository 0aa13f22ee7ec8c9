"""Counting limits in the cache (django-ratelimit's fixed windows), for the places where a decorator cannot
say what counts: only failed log-ins, only sign-ups, only invitation look-ups. Keys are the client address
from elearning.client_ip, or a value such as an email address; the counters are shared through Redis."""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import get_usage


def _usage(request: HttpRequest, *, group: str, value: str, rate: str, increment: bool) -> dict | None:
    return get_usage(
        request, group=group, key=lambda _group, _request: value, rate=rate, method=ALL, increment=increment
    )


def limit_reached(request: HttpRequest, *, group: str, value: str, rate: str) -> bool:
    """True once `rate` (e.g. "50/15m") hits have been counted for `value` in this window."""
    usage = _usage(request, group=group, value=value, rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def limit_hit(request: HttpRequest, *, group: str, value: str, rate: str) -> bool:
    """Count one hit; True when this hit goes over the limit."""
    usage = _usage(request, group=group, value=value, rate=rate, increment=True)
    return usage is not None and usage["should_limit"]
