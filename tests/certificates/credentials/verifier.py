"""An independent verifier, as a licensing authority's system would be: it knows only the credential, fetches
the issuer's did:web document and the status list over HTTP, and checks them with two JOSE libraries
(joserfc and jwcrypto), the 1EdTech Open Badges 3.0 JSON schema and its own Bitstring Status List decoder.
It imports nothing from the application."""

from __future__ import annotations

import base64
import gzip
import json
import os
import urllib.request
from pathlib import Path
from urllib.parse import unquote

from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey
from joserfc.jwt import JWTClaimsRegistry
from jsonschema import Draft201909Validator
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

# 1EdTech's own schema file is reference data, kept beside the guide in the project's shared/ folder (not in
# this repository): $CSE_SHARED_DIR (default: the shared/ folder beside this repository)/schemas/
# ob_v3p0_achievementcredential_schema.json, its source and licence beside it.
SHARED_DIR = Path(os.environ.get("CSE_SHARED_DIR") or Path(__file__).resolve().parents[4] / "shared")
SCHEMA_PATH = SHARED_DIR / "schemas" / "ob_v3p0_achievementcredential_schema.json"
# Where shared/ lacks it (a checkout away from the project's shared folder), the schema check is left out and
# test_the_1edtech_schema_is_at_hand says so as a skip; every other check still runs.
SCHEMA = json.loads(SCHEMA_PATH.read_text()) if SCHEMA_PATH.is_file() else None


def fetch(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test's own live server
        return response.read(), dict(response.headers)


def did_web_url(did: str) -> str:
    """did:web → the document's URL. HTTPS by the method; plain HTTP only for this machine's loopback."""
    assert did.startswith("did:web:"), did
    host, *path = did[len("did:web:") :].split(":")
    host = unquote(host)
    scheme = "http" if host.split(":")[0] in {"localhost", "127.0.0.1"} else "https"
    return (
        f"{scheme}://{host}/{'/'.join(path)}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"
    )


def resolve(did: str) -> dict:
    body, _headers = fetch(did_web_url(did))
    document = json.loads(body)
    assert document["id"] == did
    return document


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def unverified(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    return json.loads(_b64(header)), json.loads(_b64(payload))


def verify(token: str, *, require_exp: bool = True) -> dict:
    """Verify a VC-JWT by its issuer's published keys alone, and its time claims (exp, nbf); returns its
    claims. Raises if it does not (joserfc's ExpiredTokenError for an expired one)."""
    header, claims = unverified(token)
    document = resolve(claims["iss"])
    methods = {method["id"]: method for method in document["verificationMethod"]}
    assert header["kid"] in document["assertionMethod"], "the key is not one the issuer asserts with"
    public = methods[header["kid"]]["publicKeyJwk"]
    assert "d" not in public, "a private key was published"
    # joserfc's own verify
    verified = joserfc_jwt.decode(token, ECKey.import_key(public), algorithms=["ES256"])
    # and a second implementation, jwcrypto (raises InvalidJWSSignature)
    signed = jwcrypto_jws.JWS()
    signed.deserialize(token)
    signed.verify(jwcrypto_jwk.JWK(**public), alg="ES256")
    assert json.loads(signed.payload) == verified.claims
    options = {"exp": {"essential": True}} if require_exp else {}
    JWTClaimsRegistry(leeway=5, **options).validate(verified.claims)  # exp, nbf, iat
    return verified.claims


def check_schema(credential: dict) -> None:
    """The credential matches the 1EdTech OB 3.0 schema (when the schema is at hand: see SCHEMA)."""
    if SCHEMA is not None:
        assert schema_errors(credential) == []


def schema_errors(credential: dict) -> list[str]:
    assert SCHEMA is not None, f"the 1EdTech schema is not at {SCHEMA_PATH}"
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(credential)]


def status_bit(credential: dict) -> tuple[bool, dict]:
    """The credential's bit on its issuer's published Bitstring Status List (signature checked too)."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    body, headers = fetch(entry["statusListCredential"])
    claims = verify(body.decode("ascii"), require_exp=False)  # a status list has no end
    status_list = claims["vc"]
    assert claims["iss"] == credential["issuer"]["id"]
    assert "BitstringStatusListCredential" in status_list["type"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u"), "multibase base64url"
    bits = gzip.decompress(_b64(encoded[1:]))
    assert len(bits) * 8 >= 131072, "the spec's minimum list size"
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8))), headers
