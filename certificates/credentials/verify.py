"""The verdict for a credential someone pastes or uploads: valid, expired, revoked, not ours or tampered.

A JWT (or a VC 2.0 EnvelopedVerifiableCredential holding one) is checked by its signature against our
published keys; a plain JSON credential (the readable .json download) is compared with what we signed. Either
way the status (revoked, holder removed) and the dates come from our records and the signed credential."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext
from joserfc import jwt
from joserfc.errors import JoseError

from certificates.models import Certificate

from .keys import ALGORITHM, issuer_did, retired_kids, verification_key_set
from .models import IssuedCredential

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
CREDENTIAL_ID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ENVELOPE_PREFIX = "data:application/vc+jwt,"
MAX_CHARACTERS = 100_000
MAX_DEPTH = 32  # our credentials nest 6 deep; anything far deeper is not one of ours


class NotACredential(ValueError):
    """The text is not a credential at all (bad input, not a verdict)."""


@dataclass
class Verdict:
    state: str  # "valid", "expired", "revoked", "not-issued", "not-ours" or "tampered"
    reason: str = ""
    facts: dict = field(default_factory=dict)  # what the signed credential says, for valid/expired/revoked


def _depth(value) -> int:
    """How deep lists and objects nest (without recursion, so any depth can be measured)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _loads(text: str | bytes, what: str) -> dict:
    """A JSON object from untrusted text: anything else, or anything nested absurdly deep, is not ours."""
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise NotACredential(what) from exc
    if not isinstance(value, dict) or _depth(value) > MAX_DEPTH:
        raise NotACredential(what)
    return value


def _b64_json(part: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError as exc:
        raise NotACredential("not a JWT") from exc
    return _loads(raw, "not a JWT")


def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def _is_open_badge(credential: dict) -> bool:
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    types = [entry for entry in types if isinstance(entry, str)]
    return "VerifiableCredential" in types and bool(
        {"OpenBadgeCredential", "AchievementCredential"} & set(types)
    )


def verify_text(text: str, *, now: dt.datetime | None = None) -> Verdict:
    text = (text or "").strip()
    if not text:
        raise NotACredential("empty")
    if len(text) > MAX_CHARACTERS:
        raise NotACredential("too long")
    if COMPACT_JWS.match(text):
        return _verify_jwt(text, now=now)
    if text.startswith("{"):
        credential = _loads(text, "not a JSON credential")
        envelope = credential.get("id")
        if isinstance(envelope, str) and envelope.startswith(ENVELOPE_PREFIX):
            inner = envelope[len(ENVELOPE_PREFIX) :].strip()
            if COMPACT_JWS.match(inner):
                return _verify_jwt(inner, now=now)
            raise NotACredential("not a JWT")
        return _verify_json(credential, now=now)
    raise NotACredential("neither a JWT nor JSON")


def _verify_jwt(token: str, *, now: dt.datetime | None) -> Verdict:
    header_part, payload_part, _signature = token.split(".")
    header, claims = _b64_json(header_part), _b64_json(payload_part)
    credential = claims.get("vc")
    if not isinstance(credential, dict) or not _is_open_badge(credential):
        raise NotACredential("no Open Badges credential inside")
    if claims.get("iss") != issuer_did() and _issuer_id(credential) != issuer_did():
        return Verdict(
            "not-ours", gettext("It was issued by someone else, so we cannot say whether it is genuine.")
        )
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not kid.startswith(issuer_did() + "#"):
        return Verdict(
            "tampered", gettext("It names us as the issuer, but it was not signed with one of our keys.")
        )
    if kid[len(issuer_did()) + 1 :] in retired_kids():
        return Verdict(
            "tampered",
            gettext(
                "It was signed with a key we have withdrawn, so it no longer counts. The holder can download "
                "it again, signed with our current key, from their certificates page."
            ),
        )
    try:
        verified = jwt.decode(token, verification_key_set(), algorithms=[ALGORITHM])
    except (JoseError, ValueError, KeyError, TypeError):
        return Verdict(
            "tampered", gettext("It names us as the issuer, but its signature does not match its contents.")
        )
    signed = verified.claims.get("vc")
    if (
        not isinstance(signed, dict)
        or claims.get("iss") != issuer_did()
        or _issuer_id(signed) != issuer_did()
    ):
        return Verdict("tampered", gettext("Its contents do not match what we signed."))
    record = _record(signed.get("id"))
    if record is None:
        return Verdict("tampered", gettext("It is signed with our key, but we have no record of issuing it."))
    return _status(record, signed, now=now)


def _record(credential_id) -> IssuedCredential | None:
    """Our record of the credential with that id; only an id of the form we issue is looked up."""
    if not isinstance(credential_id, str) or not CREDENTIAL_ID.match(credential_id):
        return None
    return IssuedCredential.objects.select_related("certificate").filter(credential_id=credential_id).first()


def _canonical(value: dict) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _verify_json(credential: dict, *, now: dt.datetime | None) -> Verdict:
    if not _is_open_badge(credential):
        raise NotACredential("not an Open Badges credential")
    if _issuer_id(credential) != issuer_did():
        return Verdict(
            "not-ours", gettext("It was issued by someone else, so we cannot say whether it is genuine.")
        )
    record = _record(credential.get("id"))
    if record is None:
        return Verdict(
            "tampered", gettext("It names us as the issuer, but we never issued a credential with its id.")
        )
    if not record.document:  # the holder deleted their account: nothing left to compare with
        return _status(record, {}, now=now)
    if _canonical(record.document) != _canonical(credential):
        return Verdict("tampered", gettext("It has been changed since we issued it."))
    return _status(record, record.document, now=now)


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _facts(credential: dict) -> dict:
    """What the (signed) credential says, read defensively: a field of the wrong type reads as missing."""
    subject = _object(credential.get("credentialSubject"))
    achievement = _object(subject.get("achievement"))
    identifiers = subject.get("identifier")
    names = [
        _text(item.get("identityHash"))
        for item in (identifiers if isinstance(identifiers, list) else [])
        if isinstance(item, dict) and item.get("identityType") == "name"
    ]
    until = _parse(credential.get("validUntil"))
    return {
        "holder": names[0] if names else "",
        # validUntil is the midnight after the expiry date: people read "valid through" that date
        "valid_through": timezone.localtime(until - dt.timedelta(seconds=1)).date() if until else None,
        "achievement": _text(achievement.get("name")),
        "version": _text(achievement.get("version")),
        "valid_from": _parse(credential.get("validFrom")),
        "valid_until": until,
    }


def _parse(value) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _status(record: IssuedCredential, credential: dict, *, now: dt.datetime | None) -> Verdict:
    certificate = record.certificate
    facts = _facts(credential) if credential else {}
    if certificate.status == Certificate.Status.REVOKED:
        return Verdict("revoked", gettext("We have revoked the certificate it stands for."), facts)
    if certificate.holder_removed_at is not None:
        return Verdict(
            "revoked", gettext("The holder has deleted their account, so it no longer stands."), {}
        )
    if certificate.status != Certificate.Status.ISSUED:  # being prepared, or it failed: not in force
        return Verdict("not-issued", gettext("We have not issued the certificate it stands for."))
    until = facts.get("valid_until")
    if until is None or (now or timezone.now()) >= until:
        return Verdict(
            "expired",
            gettext("It was genuine, but its validity has ended: the holder needs to renew."),
            facts,
        )
    return Verdict(
        "valid", gettext("It is genuine, we issued it, and it has not been revoked or expired."), facts
    )
