"""The visitor's address, the one way every limit counts it (django-axes log-in lock-outs and the
django-ratelimit limits alike).

With no proxy in front (TRUSTED_PROXY_HOPS=0, the default) it is REMOTE_ADDR and every header is ignored.
Behind N proxies that each append the address they saw to X-Forwarded-For (or the header named by
CLIENT_IP_HEADER), the visitor is the N-th entry counted from the right: entries further left were written
by the visitor and prove nothing. A missing, short or malformed header falls back to REMOTE_ADDR."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        header = request.META.get(settings.CLIENT_IP_HEADER, "") or ""
        entries = [entry.strip() for entry in header.split(",")]
        if header.strip() and len(entries) >= hops:
            chosen = _valid(entries[-hops])
            if chosen:
                return chosen
    return _valid(remote) or remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the same address, or None when there is none at all."""
    return client_ip(request) or None
