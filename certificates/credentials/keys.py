"""The issuer's signing keys: ES256 (P-256) keys generated once into CREDENTIAL_KEYS_DIR (like the secret key
under var/). Every key not retired is published (JWKS and did:web) so older credentials verify.

Which key signs: a new key is published at once but signs only once it is older than PUBLIC_SECONDS, the time
verifiers may cache the published set, so nobody holding a cached set meets a credential it cannot check;
until then the previous key signs. (The very first key, or the only key left after a retirement, signs at
once: there is no other.) A retired key (`rotate_credential_key --retire <kid>`, after a leak) leaves the
published set at once and never signs again; what it signed is re-signed with the current key.

One JSON file per key, {"created": ISO time, "jwk": private JWK}, mode 0600; a retired key's file moves to
retired/ with only its public half. Files are read on each use, so a key rotated or retired by one process
(`manage.py rotate_credential_key`) is used and published by all at once."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
PUBLIC_SECONDS = 300  # verifiers may cache the published keys this long (the JWKS and DID document's max-age)
KID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class SigningKey:
    kid: str  # short name, the file's stem; published as "<did>#<kid>"
    created: str
    key: ECKey


def issuer_did() -> str:
    """did:web for SITE_URL: its host, the port percent-encoded, as the did:web method says. SITE_URL must
    have no path (system check credentials.E001): the document is served at /.well-known/did.json only."""
    return "did:web:" + quote(urlsplit(settings.SITE_URL).netloc, safe="")


def check_site_url(app_configs=None, **kwargs) -> list:
    """System check: the issuer is did:web on SITE_URL's host, whose document is served at
    /.well-known/did.json; a SITE_URL with a path would name a DID whose document nobody serves."""
    from django.core.checks import Error

    path = urlsplit(settings.SITE_URL).path
    if path.strip("/"):
        return [
            Error(
                f"SITE_URL has a path ({path!r}): the Open Badges issuer is did:web on the host alone, so "
                "serve the site at the root of its host and set SITE_URL to https://host (no path).",
                id="credentials.E001",
            )
        ]
    return []


def method_id(kid: str) -> str:
    return f"{issuer_did()}#{kid}"


def _folder() -> Path:
    return Path(settings.CREDENTIAL_KEYS_DIR)


def _read(path: Path) -> SigningKey | None:
    try:
        data = json.loads(path.read_text())
        return SigningKey(kid=path.stem, created=data["created"], key=ECKey.import_key(data["jwk"]))
    except (OSError, ValueError, KeyError):
        return None  # a half-written or foreign file is not a key


def all_keys() -> list[SigningKey]:
    """Every published (not retired) key, oldest first."""
    folder = _folder()
    if not folder.exists():
        return []
    keys = [key for path in folder.glob("*.json") if (key := _read(path)) is not None]
    return sorted(keys, key=lambda k: (k.created, k.kid))


def generate_key() -> SigningKey:
    """A new key, published at once; it signs once it is older than PUBLIC_SECONDS (see signing_key)."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    kid = f"key-{created[:10]}-{secrets.token_hex(4)}"
    key = ECKey.generate_key("P-256", private=True)
    body = json.dumps({"created": created, "jwk": key.as_dict(private=True)})
    path = folder / f"{kid}.json"
    temporary = folder / f".{kid}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(body)
    os.replace(temporary, path)  # readers never see half a key
    return SigningKey(kid=kid, created=created, key=key)


def _created(key: SigningKey) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(key.created.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)  # an unreadable time: long settled


def signing_key(*, now: dt.datetime | None = None) -> SigningKey:
    """The newest key published for longer than PUBLIC_SECONDS; if none is that old yet, the oldest key (the
    first, or the only one left after a retirement). The first key is generated on first use."""
    keys = all_keys()
    if not keys:
        return generate_key()
    settled = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=PUBLIC_SECONDS)
    ready = [key for key in keys if _created(key) <= settled]
    return ready[-1] if ready else keys[0]


def _retired_folder() -> Path:
    return _folder() / "retired"


def retired_kids() -> set[str]:
    folder = _retired_folder()
    return {path.stem for path in folder.glob("*.json")} if folder.exists() else set()


def retire_key(kid: str) -> SigningKey:
    """Withdraw a key: it leaves the published set and never signs again. Only its public half is kept, under
    retired/, so the check page can say a credential was signed with a withdrawn key. Raises LookupError for
    a kid that is not a published key."""
    kid = kid.rsplit("#", 1)[-1]  # the kid, or the verification method "<did>#<kid>"
    path = _folder() / f"{kid}.json"
    key = _read(path) if KID.match(kid) else None
    if key is None:
        raise LookupError(kid)
    folder = _retired_folder()
    folder.mkdir(parents=True, exist_ok=True)
    retired_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {"created": key.created, "retired": retired_at, "jwk": key.key.as_dict(private=False)}
    (folder / f"{kid}.json").write_text(json.dumps(body))
    path.unlink()  # the private key is gone: nothing can sign with it again
    return key


def public_jwk(key: SigningKey) -> dict:
    jwk = key.key.as_dict(private=False)
    jwk.update({"kid": method_id(key.kid), "alg": ALGORITHM, "use": "sig"})
    return jwk


def public_key_set() -> dict:
    """The published JWKS: every key not retired, the kid being the did:web verification method."""
    return {"keys": [public_jwk(key) for key in all_keys()]}


def verification_key_set() -> KeySet:
    return KeySet.import_key_set(public_key_set())


def did_document() -> dict:
    did = issuer_did()
    methods = [
        {
            "id": method_id(key.kid),
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": public_jwk(key),
        }
        for key in all_keys()
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
