"""Client secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key from SSO_SECRET_KEY, or derived from
SECRET_KEY when that is unset. A secret can instead stay out of the database: name an environment variable."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.SSO_SECRET_KEY
    if not key:
        digest = hashlib.sha256(f"sso-client-secrets:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The stored client secret cannot be read with this SSO_SECRET_KEY.") from exc
