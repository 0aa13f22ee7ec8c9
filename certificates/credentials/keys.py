"""The issuer's signing keys: ES256 (P-256) keys generated once into CREDENTIAL_KEYS_DIR (like the secret key
under var/), the newest one signs, every one stays published (JWKS and did:web) so older credentials verify.

One JSON file per key, {"created": ISO time, "jwk": private JWK}, mode 0600. Files are read on each use, so
a key rotated by one process (`manage.py rotate_credential_key`) is used and published by all at once."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"


@dataclass(frozen=True)
class SigningKey:
    kid: str  # short name, the file's stem; published as "<did>#<kid>"
    created: str
    key: ECKey


def issuer_did() -> str:
    """did:web for SITE_URL: the host (its port percent-encoded) and any path, as the did:web method says."""
    parts = urlsplit(settings.SITE_URL)
    did = "did:web:" + quote(parts.netloc, safe="")
    path = [segment for segment in parts.path.split("/") if segment]
    return ":".join([did, *path])


def did_document_url() -> str:
    parts = urlsplit(settings.SITE_URL)
    path = parts.path.strip("/")
    suffix = f"/{path}/did.json" if path else "/.well-known/did.json"
    return f"{parts.scheme}://{parts.netloc}{suffix}"


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
    """Every key, oldest first."""
    folder = _folder()
    if not folder.exists():
        return []
    keys = [key for path in folder.glob("*.json") if (key := _read(path)) is not None]
    return sorted(keys, key=lambda k: (k.created, k.kid))


def generate_key() -> SigningKey:
    """A new key, which becomes the signing key at once; the older ones stay published."""
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


def signing_key() -> SigningKey:
    """The newest key; the first is generated on first use."""
    keys = all_keys()
    return keys[-1] if keys else generate_key()


def public_jwk(key: SigningKey) -> dict:
    jwk = key.key.as_dict(private=False)
    jwk.update({"kid": method_id(key.kid), "alg": ALGORITHM, "use": "sig"})
    return jwk


def public_key_set() -> dict:
    """The published JWKS: every key ever used, the kid being the did:web verification method."""
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
