"""Sign-up throttles (elearning.limits): SIGN_UP_RATE_PER_IP sign-ups from one client address and
SIGN_UP_RATE_PER_EMAIL for one email address (so nobody floods an inbox with verification or "someone tried"
emails), and a few verification links an hour per account."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from elearning.client_ip import client_ip
from elearning.limits import limit_hit, limit_reached

IP_GROUP = "sign-up-ip"
EMAIL_GROUP = "sign-up-email"
RESEND_GROUP = "verify-email-resend"
RESEND_RATE = "3/h"


def _email(request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()[:254]


def limited(request: HttpRequest) -> bool:
    """True when this client address, or the address typed, has used up its sign-ups for now."""
    if limit_reached(request, group=IP_GROUP, value=client_ip(request), rate=settings.SIGN_UP_RATE_PER_IP):
        return True
    email = _email(request)
    return bool(email) and limit_reached(
        request, group=EMAIL_GROUP, value=email, rate=settings.SIGN_UP_RATE_PER_EMAIL
    )


def count(request: HttpRequest, *, email: str) -> None:
    """Count one sign-up (new or existing address alike, so the counts say nothing either)."""
    limit_hit(request, group=IP_GROUP, value=client_ip(request), rate=settings.SIGN_UP_RATE_PER_IP)
    limit_hit(request, group=EMAIL_GROUP, value=email.strip().lower(), rate=settings.SIGN_UP_RATE_PER_EMAIL)


def resend_limited(request: HttpRequest) -> bool:
    return limit_hit(request, group=RESEND_GROUP, value=str(request.user.pk), rate=RESEND_RATE)
