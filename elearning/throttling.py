"""Client address for rate limits: from the proxy header named by CLIENT_IP_HEADER, else REMOTE_ADDR."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    value = request.META.get(settings.CLIENT_IP_HEADER, "") or request.META.get("REMOTE_ADDR", "")
    # X-Forwarded-For lists client, proxy1, proxy2...: the first entry is the visitor as our proxy saw it.
    return value.split(",")[0].strip()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account django-axes counts failures against: the typed email, in lower case so EMAIL@x and
    email@x are one account, and cut to the column's size so a huge value cannot break the log-in page."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    if not value:
        return None
    return str(value).strip().lower()[:254]
