"""Email verification by a signed link, and the sign-up emails.

The link carries the account id and its address, signed with SECRET_KEY (django.core.signing, timestamped):
it stops working after EMAIL_VERIFICATION_DAYS, and when the address changes. Following it marks the address
verified (the certificate emails that waited for it then go) and logs the holder in, since only someone who
can read that mailbox has it; it does nothing more once the address is verified."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from elearning.language import CODES, user_language

from .models import User
from .signals import email_verified

log = logging.getLogger(__name__)
SALT = "accounts.email-verification"


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=SALT, compress=True)


def user_from_verification_token(token: str) -> User | None:
    """The account the link was made for, or None when it is forged, expired, or the address has changed."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFICATION_DAYS * 24 * 60 * 60)
    except (signing.BadSignature, ValueError, TypeError, OverflowError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or user.email.lower() != data.get("e"):
        return None
    return user


def verification_url(user: User) -> str:
    return settings.SITE_URL + reverse("accounts:verify_email", args=[verification_token(user)])


def user_email_mark_verified(*, user: User) -> bool:
    """Record the address as verified (once) and tell the other apps; True when it was not verified before."""
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
        user.refresh_from_db(fields=["email_verified_at"])
        if changed:
            email_verified.send(sender=User, user=user)
    return bool(changed)


def mail_language(user: User) -> str:
    """The language of an email the holder asked for on a page: their own choice, else that page's."""
    if getattr(user, "language", "") in CODES:
        return user_language(user)
    current = translation.get_language() or ""
    return current if current in CODES else settings.LANGUAGE_CODE


def _send(*, user: User, subject: str, template: str, context: dict) -> None:
    """Sent at once (the account is already saved), in the holder's language; a mail server that is down is
    logged, not a 500: the holder can ask for the link again from their account page."""
    try:
        with translation.override(mail_language(user)):
            send_mail(
                subject=gettext(subject),
                message=render_to_string(template, {"site_url": settings.SITE_URL, "user": user, **context}),
                from_email=None,
                recipient_list=[user.email],
            )
    except Exception:  # any SMTP or connection failure
        log.exception("Could not send %s", template)


def send_verification_email(*, user: User) -> None:
    _send(
        user=user,
        subject=gettext_noop("Confirm your email address for CSE awareness training"),
        template="accounts/email/verify.txt",
        context={"url": verification_url(user), "days": settings.EMAIL_VERIFICATION_DAYS},
    )


def send_sign_up_attempt_email(*, user: User) -> None:
    """Someone tried to sign up with an address that already has an account: tell its owner, and say
    nothing different on the page."""
    _send(
        user=user,
        subject=gettext_noop("Someone tried to sign up with your email address"),
        template="accounts/email/sign_up_attempt.txt",
        context={
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        },
    )
