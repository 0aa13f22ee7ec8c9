"""Test helpers for two-step verification: give a user a confirmed authenticator app, read its current code,
and log a test client in as if the user had passed both steps (the session flag the real verify page sets).

Staff and managers must pass the second step before the admin or any member data; tests that only need a
staff or manager session use `login_verified(client, user)` instead of `client.force_login(user)`."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def give_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the app shows now; the next one if now's was already used (django-otp accepts each once,
    and one step ahead: a second log-in within 30 seconds)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        totp.time = totp.time + device.step
    return f"{totp.token():0{device.digits}d}"


def login_verified(client, user):
    user.refresh_from_db()  # a change of second factors rotates the security stamp the session hash uses
    device = give_totp(user)
    client.force_login(user)
    session = client.session
    session[two_factor.SESSION_KEY] = device.persistent_id
    if two_factor.user_must_use(user):
        session[two_factor.PRIVILEGED_KEY] = True
        session[two_factor.LAST_SEEN_KEY] = int(time.time())
    session.save()
    return client
