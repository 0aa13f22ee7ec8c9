"""Issued credentials checked by an independent verifier against the running server: the issuer's keys and
status list fetched over HTTP from the live server, two JOSE libraries, the 1EdTech OB 3.0 JSON schema and
our own-free Bitstring Status List decoding. Including after a key rotation, a revocation and an erasure."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.management import call_command

from accounts import services as account_services
from certificates import services
from certificates.credentials import keys
from certificates.credentials.models import IssuedCredential
from tests.certificates.credentials import verifier
from tests.certificates.credentials.conftest import issue_for
from tests.certificates.credentials.test_keys_and_reissue import age_key
from tests.elearning.factories import UserFactory


@pytest.fixture
def on_live_server(live_server, settings):
    """The credentials name the live server as their issuer (did:web on SITE_URL)."""
    settings.SITE_URL = live_server.url
    return live_server


def test_an_issued_credential_verifies_with_only_what_the_issuer_publishes(
    on_live_server, pending_certificate
):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    token = IssuedCredential.objects.get(certificate=certificate).jwt

    claims = verifier.verify(token)
    credential = claims["vc"]
    host = on_live_server.url.split("//")[1].replace(":", "%3A")
    assert claims["iss"] == credential["issuer"]["id"] == f"did:web:{host}"
    assert claims["jti"] == credential["id"] and credential["id"].startswith("urn:uuid:")
    verifier.check_schema(credential)
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"])
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["version"] == certificate.version_label
    assert credential["credentialSubject"]["result"][0]["value"] == str(certificate.cpd_minutes)
    assert credential["validUntil"] > credential["validFrom"]
    assert claims["exp"] > claims["nbf"]

    revoked, headers = verifier.status_bit(credential)
    assert revoked is False
    max_age = int(headers["Cache-Control"].split("max-age=")[1])
    assert 0 < max_age <= 300  # the stated cache time (README): revocation reaches verifiers within it


def test_the_status_bit_flips_when_the_certificate_is_revoked(on_live_server, pending_certificate, user):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    credential = verifier.verify(IssuedCredential.objects.get(certificate=certificate).jwt)["vc"]
    assert verifier.status_bit(credential)[0] is False  # fetched, and now cached by the server

    services.certificate_revoke(
        certificate=certificate, reason="The answers were not your own.", revoked_by=None
    )

    assert verifier.status_bit(credential)[0] is True  # at once: the server dropped its cached copy


def test_after_a_key_rotation_old_and_new_credentials_both_verify(
    on_live_server, pending_certificate, sample_course
):
    first = services.certificate_issue(certificate_id=pending_certificate.pk)
    call_command("rotate_credential_key")
    age_key(keys.all_keys()[-1].kid, keys.PUBLIC_SECONDS + 1)  # past the public cache time: it signs
    second = issue_for(UserFactory(certificate_name="Second Holder"), sample_course)

    old, new = (IssuedCredential.objects.get(certificate=c) for c in (first, second))
    assert old.key_id != new.key_id
    old_header, _ = verifier.unverified(old.jwt)
    new_header, _ = verifier.unverified(new.jwt)
    assert old_header["kid"] != new_header["kid"]
    for credential in (old, new):
        claims = verifier.verify(credential.jwt)
        verifier.check_schema(claims["vc"])
        assert verifier.status_bit(claims["vc"])[0] is False  # the list, signed by the new key, verifies too
    document = verifier.resolve(verifier.unverified(old.jwt)[1]["iss"])
    assert {old_header["kid"], new_header["kid"]} <= set(document["assertionMethod"])
    body, _ = verifier.fetch(on_live_server.url + "/.well-known/jwks.json")
    assert {old_header["kid"], new_header["kid"]} <= {key["kid"] for key in json.loads(body)["keys"]}


def test_a_holder_who_deletes_their_account_flips_the_bit_and_the_stored_credential_is_wiped(
    on_live_server, pending_certificate, user
):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    record = IssuedCredential.objects.get(certificate=certificate)
    credential = verifier.verify(record.jwt)["vc"]
    assert verifier.status_bit(credential)[0] is False

    account_services.user_delete(user=user)

    assert verifier.status_bit(credential)[0] is True
    record.refresh_from_db()
    assert record.jwt == "" and record.document == {}  # it named the holder


def test_a_tampered_credential_fails_the_independent_check(on_live_server, pending_certificate):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    token = IssuedCredential.objects.get(certificate=certificate).jwt
    header, payload, signature = token.split(".")
    claims = verifier.unverified(token)[1]
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Exception, match="(?i)signature"):
        verifier.verify(f"{header}.{forged}.{signature}")


def test_an_expired_credential_fails_the_independent_check(on_live_server, pending_certificate):
    import datetime as dt

    from joserfc.errors import ExpiredTokenError

    from certificates.models import Certificate

    yesterday = dt.date.today() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=pending_certificate.pk).update(expires_on=yesterday)
    services.certificate_issue(certificate_id=pending_certificate.pk)
    token = IssuedCredential.objects.get(certificate=pending_certificate).jwt
    with pytest.raises(ExpiredTokenError):
        verifier.verify(token)


def test_the_1edtech_schema_is_at_hand():
    """The schema is fetched reference data kept in the project's shared/schemas/ (or $CSE_SHARED_DIR), not in
    this repository; without it the schema checks above are left out, and this says so."""
    if verifier.SCHEMA is None:
        pytest.skip(f"the 1EdTech OB 3.0 schema is not at {verifier.SCHEMA_PATH}: schema checks left out")
    assert verifier.SCHEMA["$id"].endswith("ob_v3p0_achievementcredential_schema.json")
