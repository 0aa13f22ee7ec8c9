"""Helpers for django-axes and the rate limits. The client address itself is in elearning.client_ip."""

from __future__ import annotations

from django.http import HttpRequest

from elearning.client_ip import client_ip

__all__ = ["axes_username", "client_ip"]


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account django-axes counts failures against: the typed email, in lower case so EMAIL@x and
    email@x are one account, and cut to the column's size so a huge value cannot break the log-in page."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    if not value:
        return None
    return str(value).strip().lower()[:254]
