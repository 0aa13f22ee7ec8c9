"""The verification page for a pasted or uploaded credential: valid, expired, revoked, not ours, tampered,
in plain words; bad input gets an error summary and a 400, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey

from certificates import services
from certificates.credentials import keys
from certificates.credentials.models import IssuedCredential
from certificates.models import Certificate

URL = "/verify/credential/"


def post(client, **data):
    return client.post(URL, data)


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_the_page_is_where_the_url_says(client, db):
    assert reverse("credentials:check") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "Check a digital credential" in response.text
    assert keys.issuer_did() in response.text


def test_a_genuine_jwt_is_valid_and_shows_what_it_says(client, credential, issued):
    response = post(client, credential=credential.jwt)
    assert response.status_code == 200
    assert "This credential is valid" in response.text
    assert issued.holder_name in response.text
    assert issued.course_title in response.text


def test_the_readable_json_uploaded_as_a_file_is_valid(client, credential):
    upload = SimpleUploadedFile("certificate.json", json.dumps(credential.document, indent=2).encode())
    response = client.post(URL, {"upload": upload})
    assert response.status_code == 200
    assert "This credential is valid" in response.text


def test_the_jwt_in_a_vc2_envelope_is_valid(client, credential):
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "data:application/vc+jwt," + credential.jwt,
        "type": "EnvelopedVerifiableCredential",
    }
    assert "This credential is valid" in post(client, credential=json.dumps(envelope)).text


def test_a_changed_jwt_is_tampered(client, credential):
    header, payload, signature = credential.jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["vc"]["validUntil"] = "2099-01-01T00:00:00Z"
    response = post(client, credential=f"{header}.{_b64(claims)}.{signature}")
    assert response.status_code == 400
    assert "This credential has been tampered with" in response.text
    assert "signature does not match" in response.text


def test_a_changed_json_is_tampered(client, credential):
    document = json.loads(json.dumps(credential.document))
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    response = post(client, credential=json.dumps(document))
    assert response.status_code == 400
    assert "This credential has been tampered with" in response.text
    assert "Someone Else" not in response.text


def test_one_signed_with_a_key_we_never_had_but_naming_us_is_tampered(client, credential):
    impostor = ECKey.generate_key("P-256", private=True)
    claims = json.loads(base64.urlsafe_b64decode(credential.jwt.split(".")[1] + "=="))
    token = jwt.encode({"alg": "ES256", "kid": keys.issuer_did() + "#key-impostor"}, claims, impostor)
    response = post(client, credential=token)
    assert response.status_code == 400
    assert "tampered" in response.text


def test_another_issuers_credential_is_not_ours(client, credential):
    other = ECKey.generate_key("P-256", private=True)
    claims = json.loads(base64.urlsafe_b64decode(credential.jwt.split(".")[1] + "=="))
    claims["iss"] = "did:web:other-provider.example"
    claims["vc"]["issuer"] = {"id": "did:web:other-provider.example", "type": ["Profile"], "name": "Other"}
    token = jwt.encode({"alg": "ES256", "kid": "did:web:other-provider.example#1"}, claims, other)
    response = post(client, credential=token)
    assert response.status_code == 404
    assert "We did not issue this credential" in response.text
    assert credential.certificate.holder_name not in response.text


def test_a_revoked_one_says_revoked(client, credential, issued):
    services.certificate_revoke(certificate=issued, reason="Not your own work.", revoked_by=None)
    response = post(client, credential=credential.jwt)
    assert response.status_code == 200
    assert "This credential has been revoked" in response.text


def test_an_expired_one_says_expired(client, pending_certificate):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=pending_certificate.pk).update(expires_on=yesterday)
    services.certificate_issue(certificate_id=pending_certificate.pk)
    token = IssuedCredential.objects.get(certificate=pending_certificate).jwt
    response = post(client, credential=token)
    assert response.status_code == 200
    assert "This credential has expired" in response.text


def test_after_the_holder_deleted_their_account_it_says_revoked_without_their_name(client, credential, user):
    from accounts import services as account_services

    name = credential.certificate.holder_name
    token = credential.jwt
    account_services.user_delete(user=user)
    response = post(client, credential=token)
    assert "This credential has been revoked" in response.text
    assert "deleted their account" in response.text
    assert name not in response.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "eyJhbGciOi.garbage.x",
        "a.b.c",
        "[]",
        '{"type": "Something"}',
        '{"id": "data:application/vc+jwt,not-a-jwt"}',
        "{not json",
        "x" * 100_001,
        '{"type": ["VerifiableCredential", {}]}',
        '{"type": ["VerifiableCredential", ["OpenBadgeCredential"]], "issuer": "x"}',
        "[" * 40_000 + "]" * 40_000,
        '{"a": ' + "[" * 40_000 + "]" * 40_000 + "}",
        _b64({"alg": "ES256"}) + "." + _b64({"vc": {"type": ["VerifiableCredential", {}]}}) + ".c2ln",
        _b64({"alg": "ES256"})
        + "."
        + base64.urlsafe_b64encode(b"[" * 40_000).rstrip(b"=").decode()
        + ".c2ln",
        _b64({"alg": "ES256"})
        + "."
        + base64.urlsafe_b64encode(b'{"vc": ' + b"[" * 20_000 + b"]" * 20_000 + b"}").rstrip(b"=").decode()
        + ".c2ln",
        _b64({"alg": "none"})
        + "."
        + _b64({"vc": {"type": ["VerifiableCredential", "OpenBadgeCredential"]}})
        + ".",
    ],
)
def test_bad_input_gets_an_error_summary_and_changes_nothing(client, credential, text):
    before = list(IssuedCredential.objects.values_list("pk", "jwt"))
    response = post(client, credential=text)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert "There is a problem" in response.text
    assert list(IssuedCredential.objects.values_list("pk", "jwt")) == before


def test_a_file_that_is_not_text_or_too_big_gets_a_clear_error(client, db):
    binary = SimpleUploadedFile("credential.jwt", b"\xff\xfe\x00\x81" * 10)
    response = client.post(URL, {"upload": binary})
    assert response.status_code == 400
    assert "choose the .jwt or .json file" in response.text
    big = SimpleUploadedFile("credential.json", b"{" + b" " * 100_001)
    response = client.post(URL, {"upload": big})
    assert response.status_code == 400
    assert "too big" in response.text


def test_query_counts_are_pinned(client, credential, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(URL)
    # the credential with its certificate
    with django_assert_num_queries(1):
        response = post(client, credential=credential.jwt)
    assert "valid" in response.text


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.from_regex(r"[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{0,40}", fullmatch=True),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children),
            max_leaves=12,
        ).map(json.dumps),
    )
)
def test_no_pasted_text_gives_a_server_error(client, db, settings, text):
    settings.RATELIMIT_ENABLE = False
    response = post(client, credential=text)
    assert response.status_code in (200, 400, 404)


def test_checks_are_rate_limited_per_address(client, db, settings):
    settings.VERIFY_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert post(client, credential="hello").status_code == 400
    response = post(client, credential="hello")
    assert response.status_code == 429
    assert client.get(URL).status_code == 200  # reading the page is not counted


def test_an_empty_post_gets_the_error_summary(client, db):
    response = client.post(URL)
    assert response.status_code == 400
    assert "Paste a credential or choose a credential file" in response.text


def _ours(**fields) -> dict:
    return {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": keys.issuer_did(), **fields}


@pytest.mark.parametrize(
    "document",
    [
        _ours(id="urn:uuid:\u0000"),  # PostgreSQL refuses NUL in text: never sent to it
        _ours(id="urn:uuid:\ud800"),  # a lone surrogate cannot be encoded for the database
        _ours(id={"a": 1}),
        _ours(id=["x"]),
        _ours(issuer={"id": {"x": 1}}),
    ],
)
def test_a_json_credential_with_odd_fields_is_tampered_or_not_ours_never_a_server_error(
    client, credential, document
):
    response = post(client, credential=json.dumps(document))
    assert response.status_code in (400, 404)
    assert "tampered" in response.text or "We did not issue this credential" in response.text


def test_fields_of_the_wrong_type_in_a_copy_of_a_genuine_credential_never_give_a_server_error(
    client, credential, settings
):
    settings.RATELIMIT_ENABLE = False
    impostor = ECKey.generate_key("P-256", private=True)
    for field in ("credentialSubject", "validUntil", "validFrom", "issuer", "id", "type", "credentialStatus"):
        for odd in (None, 1, "x", [], {}, [{}], {"a": []}):
            document = {**credential.document, field: odd}
            assert post(client, credential=json.dumps(document)).status_code in (400, 404), (field, odd)
            claims = {"iss": keys.issuer_did(), "vc": document}
            token = jwt.encode({"alg": "ES256", "kid": keys.method_id("key-x")}, claims, impostor)
            assert post(client, credential=token).status_code in (400, 404), (field, odd)


def test_the_facts_of_a_signed_credential_are_read_defensively():
    from certificates.credentials.verify import _facts

    odd = {
        "credentialSubject": {
            "identifier": [1, {"identityType": "name", "identityHash": {}}],
            "achievement": 3,
        }
    }
    assert _facts(odd)["holder"] == "" and _facts(odd)["achievement"] == ""
    assert _facts({"credentialSubject": [], "validUntil": 5})["valid_until"] is None


@pytest.mark.parametrize("state", [Certificate.Status.PENDING, Certificate.Status.FAILED])
def test_a_credential_whose_certificate_is_not_issued_says_not_issued(client, credential, state):
    Certificate.objects.filter(pk=credential.certificate_id).update(status=state)
    response = post(client, credential=credential.jwt)
    assert response.status_code == 200
    assert "This credential is not in force" in response.text
    assert "We have not issued the certificate" in response.text
    assert "This credential is valid" not in response.text


def test_a_jwt_with_alg_none_naming_us_is_tampered(client, credential):
    claims = json.loads(base64.urlsafe_b64decode(credential.jwt.split(".")[1] + "=="))
    token = _b64({"alg": "none", "kid": keys.method_id(credential.key_id)}) + "." + _b64(claims) + ".c2ln"
    response = post(client, credential=token)
    assert response.status_code == 400
    assert "This credential has been tampered with" in response.text
