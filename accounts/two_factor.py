"""Two-step verification: who must have it, whether this session has passed it, and the writes (set-up,
recovery codes, reset by someone else, signing out everywhere).

A session that passed the second step carries SESSION_KEY (the device's persistent id), so pages check it
with no query. Every change to a user's second factors rotates the user's security stamp, which is part of
the session hash: every other session of the account ends (Django checks the hash on each request)."""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from elearning.language import user_language

from .models import RecoveryCodeDevice, TwoFactorReset, User

SESSION_KEY = "two_factor_device"
PRIVILEGED_KEY = "two_factor_privileged"  # set with SESSION_KEY: this session may see others' data
PENDING_KEY = "two_factor_pending"  # a password that was right, waiting for the second step
LAST_SEEN_KEY = "privileged_last_seen"  # accounts.middleware: the idle time-out of privileged sessions


_REQUIREMENTS: list[Callable[[User], bool]] = []


def register_requirement(check: Callable[[User], bool]) -> None:
    """Another app says who must use two-step verification (organisations: managers), from its ready()."""
    if check not in _REQUIREMENTS:
        _REQUIREMENTS.append(check)


def user_must_use(user: User) -> bool:
    return bool(user.is_staff or any(check(user) for check in _REQUIREMENTS))


def is_required(request: HttpRequest) -> bool:
    return request.user.is_authenticated and user_must_use(request.user)


def manage_url() -> str:
    return reverse("accounts:two_factor")


def is_verified(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.session.get(SESSION_KEY))


def mark_verified(request: HttpRequest, device) -> None:
    request.session.cycle_key()  # a new session key on each rise in privilege: no session fixation
    request.session[SESSION_KEY] = device.persistent_id
    if user_must_use(request.user):
        request.session[PRIVILEGED_KEY] = True
        request.session[LAST_SEEN_KEY] = int(time.time())


def second_step_redirect(request: HttpRequest, *, user: User, backend: str, next_url: str):
    """A right first step (a password, or the organisation's sign-in) for an account with a second factor is
    not yet a log-in: the user id waits in a new session for the second step, which logs in."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "at": int(time.time())}
    query = urlencode({"next": next_url})
    return HttpResponseRedirect(f"{reverse('accounts:two_factor_verify')}?{query}")


def has_second_factor(user: User) -> bool:
    """A confirmed authenticator app or passkey (recovery codes alone do not count)."""
    return any(not isinstance(d, RecoveryCodeDevice) for d in devices_for_user(user, confirmed=True))


def required_redirect(request: HttpRequest, *, reason: str) -> HttpResponseRedirect | None:
    """None when the session has passed the second step; else where to go to pass it (or set it up)."""
    if is_verified(request):
        return None
    name = "accounts:two_factor_verify" if has_second_factor(request.user) else "accounts:two_factor_setup"
    query = urlencode({"next": request.get_full_path(), "why": reason})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys(user: User) -> list:
    from django_otp_webauthn.models import WebAuthnCredential

    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def has_passkey(user: User) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def totp_secret_text(device: TOTPDevice) -> str:
    """The key to type into an app that cannot scan: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recent_resets(*, user: User) -> list[TwoFactorReset]:
    resets = list(TwoFactorReset.objects.filter(user=user).select_related("reset_by")[:5])
    for reset in resets:
        reset.via_text = via_text(reset.via)
    return resets


ORGANISATION_PREFIX = "the organisation "


def via_text(via: str) -> str:
    """Where a reset was done, in the active language: the audit row keeps the English words."""
    if via == "the admin":
        return gettext("the admin")
    if via.startswith(ORGANISATION_PREFIX):
        return gettext("the organisation %(name)s") % {"name": via.removeprefix(ORGANISATION_PREFIX)}
    return via


def sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> None:
    """Every session of the user ends, except the one in `request` (when it is the user's own)."""
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])
    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


def totp_unconfirmed(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: one unconfirmed device per user, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with a code from it. Returns the new recovery codes (to be shown once), or None when
    the code is wrong. Other authenticator apps of the user are removed; other sessions end."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_generate(user=user)
    sign_out_everywhere(user=user, request=request)
    mark_verified(request, device)
    return codes


def recovery_codes_generate(*, user: User) -> list[str]:
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    return device.generate()


def recovery_codes_left(*, user: User) -> int:
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    return device.remaining() if device else 0


def verify_token(*, user: User, token: str):
    """The device the code belongs to (authenticator app or an unused recovery code), or None."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if not hasattr(device, "verify_token"):
            continue
        if isinstance(device, TOTPDevice):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                continue
        if device.verify_token(token):
            return device
    return None


def _remove_devices(user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


@transaction.atomic
def two_factor_turn_off(*, request: HttpRequest, user: User) -> None:
    _remove_devices(user)
    request.session.pop(SESSION_KEY, None)
    sign_out_everywhere(user=user, request=request)


def strip_credentials(*, user: User) -> None:
    """Whoever else may hold a way into the account loses it: the password, every second factor and every
    session go (single sign-on proved the address belongs to someone other than who registered it)."""
    with transaction.atomic():
        _remove_devices(user)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        sign_out_everywhere(user=user)


def two_factor_reset(*, user: User, reset_by: User, via: str, reason: str) -> TwoFactorReset:
    """Someone else removes the user's second factors (a lost phone): all their sessions end, an audit row
    is kept and the owner is told by email, so a reset they did not ask for does not go unnoticed."""
    with transaction.atomic():
        _remove_devices(user)
        sign_out_everywhere(user=user)
        audit = TwoFactorReset.objects.create(user=user, reset_by=reset_by, via=via, reason=reason)
    with translation.override(user_language(user)):  # the owner's language, not the resetter's
        context = {"user": user, "reset_by": reset_by, "via": via_text(via), "site_url": settings.SITE_URL}
        send_mail(
            subject=gettext("Your two-step verification was reset"),
            message=render_to_string("accounts/email/two_factor_reset.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return audit
