"""VC-JWT as Open Badges 3.0 describes it: the credential in the `vc` claim, with iss, jti, nbf, exp and iat;
signed ES256 by the newest issuer key (joserfc), the header's kid naming the did:web verification method."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from joserfc import jwt

from .keys import ALGORITHM, SigningKey, issuer_did, method_id, signing_key


def _stamp(text: str) -> int:
    return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp())


def sign(claims: dict, key: SigningKey) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": method_id(key.kid)}
    return jwt.encode(header, claims, key.key, algorithms=[ALGORITHM])


def sign_credential(credential: dict, key: SigningKey) -> str:
    claims = {
        "iss": issuer_did(),
        "jti": credential["id"],
        "nbf": _stamp(credential["validFrom"]),
        "exp": _stamp(credential["validUntil"]),
        "iat": int(timezone.now().timestamp()),
        "vc": credential,
    }
    return sign(claims, key)


def sign_status_list(*, url: str, encoded_list: str, ttl_seconds: int) -> str:
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
            "ttl": ttl_seconds * 1000,
        },
    }
    claims = {"iss": issuer_did(), "jti": url, "nbf": int(now.timestamp()), "iat": int(now.timestamp())}
    return sign({**claims, "vc": credential}, signing_key())
