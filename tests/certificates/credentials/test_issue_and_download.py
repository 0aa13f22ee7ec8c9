"""Issuing the credential with the certificate (once, in the outbox's transaction), the email's attachments,
the learner's downloads, renewal, and what personal data a credential holds."""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
import stat
import threading

import pytest
from django.core.management import call_command

from certificates import services
from certificates.credentials import keys, status
from certificates.credentials.models import IssuedCredential
from certificates.models import Certificate
from tests.certificates.credentials import verifier
from tests.certificates.helpers import attachments, sent_messages


def test_issuing_twice_keeps_one_credential(pending_certificate):
    services.certificate_issue(certificate_id=pending_certificate.pk)
    first = IssuedCredential.objects.get()
    services.certificate_issue(certificate_id=pending_certificate.pk)
    assert list(IssuedCredential.objects.values_list("pk", "jwt")) == [(first.pk, first.jwt)]


def test_a_run_that_failed_after_the_credential_finishes_without_a_second_one(pending_certificate, settings):
    settings.EMAIL_BACKEND = "tests.certificates.helpers.DownEmailBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):  # the mail server is down: the task would retry
        services.certificate_issue(certificate_id=pending_certificate.pk)
    halfway = IssuedCredential.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    services.certificate_issue(certificate_id=pending_certificate.pk)
    assert list(IssuedCredential.objects.values_list("pk", flat=True)) == [halfway.pk]
    (message,) = sent_messages()
    assert attachments(message, "application/vc+jwt") == [halfway.jwt.encode()]


def test_the_email_attaches_the_jwt_and_the_json(credential):
    (message,) = sent_messages()
    assert attachments(message, "application/vc+jwt") == [credential.jwt.encode()]
    (readable,) = attachments(message, "application/json")
    assert json.loads(readable) == credential.document
    assert len(attachments(message)) == 1  # the PDF as before


def test_the_learner_downloads_both_files_others_cannot(
    learner_client, client, other_user, credential, issued
):
    jwt_url = f"/certificates/{issued.code}/credential.jwt"
    response = learner_client.get(jwt_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert f'filename="certificate-{issued.code}.jwt"' in response["Content-Disposition"]
    assert response.content == credential.jwt.encode()
    response = learner_client.get(f"/certificates/{issued.code}/credential.json")
    assert json.loads(response.content) == credential.document
    assert learner_client.get(f"/certificates/{issued.code}/credential.exe").status_code == 404

    client.force_login(other_user)
    assert client.get(jwt_url).status_code == 404
    client.logout()
    assert client.get(jwt_url).status_code == 302  # to log in


def test_the_certificates_page_links_the_downloads(learner_client, issued):
    page = learner_client.get("/certificates/").text
    assert f"/certificates/{issued.code}/credential.jwt" in page
    assert f"/certificates/{issued.code}/credential.json" in page


def test_a_revoked_certificates_credential_cannot_be_downloaded(learner_client, credential, issued):
    services.certificate_revoke(certificate=issued, reason="Not your own work.", revoked_by=None)
    assert learner_client.get(f"/certificates/{issued.code}/credential.jwt").status_code == 404


def test_a_certificate_issued_before_credentials_gets_one_on_download(learner_client, issued):
    IssuedCredential.objects.all().delete()
    response = learner_client.get(f"/certificates/{issued.code}/credential.jwt")
    assert response.status_code == 200
    assert IssuedCredential.objects.get().jwt == response.content.decode()


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def test_the_credential_holds_the_name_and_a_salted_hash_of_the_email_nothing_more(credential, user):
    _header, claims = verifier.unverified(credential.jwt)
    everything = list(_strings(claims)) + list(_strings(credential.document))
    local_part = user.email.split("@")[0]
    for text in everything:
        assert user.email.lower() not in text.lower()
        assert local_part.lower() not in text.lower()
    assert "email" not in {key.lower() for key in everything}  # no email field, in any object
    subject = claims["vc"]["credentialSubject"]
    assert set(subject) == {"type", "identifier", "achievement", "result"}
    name, email = subject["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": user.certificate_name.strip(),
    }
    assert email["identityType"] == "emailAddress" and email["hashed"] is True
    salted = (user.email.strip().lower() + email["salt"]).encode()
    assert email["identityHash"] == "sha256$" + hashlib.sha256(salted).hexdigest()
    assert len(email["salt"]) >= 32
    issuer = claims["vc"]["issuer"]
    assert set(issuer) == {"id", "type", "name", "url"}  # the provider, no person
    assert "sub" not in claims


def test_each_credential_gets_its_own_salt(credential, another_issued):
    other = IssuedCredential.objects.get(certificate=another_issued)
    salts = {c.document["credentialSubject"]["identifier"][1]["salt"] for c in (credential, other)}
    assert len(salts) == 2


def test_keys_are_generated_once_private_to_the_owner_and_rotation_keeps_the_old(settings, db):
    first = keys.signing_key()
    assert keys.signing_key().kid == first.kid  # once
    path = settings.CREDENTIAL_KEYS_DIR / f"{first.kid}.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    call_command("rotate_credential_key")
    assert keys.signing_key().kid == first.kid  # the new key signs only after the public cache time
    second = keys.all_keys()[-1]
    assert second.kid != first.kid
    published = {key["kid"] for key in keys.public_key_set()["keys"]}
    assert published == {keys.method_id(first.kid), keys.method_id(second.kid)}
    assert all("d" not in key for key in keys.public_key_set()["keys"])


def test_the_bitstring_is_gzip_base64url_with_index_zero_as_the_first_bit():
    encoded = status.encode_bits([0, 9, 131071])
    bits = status.decode_bits(encoded)
    assert encoded.startswith("u") and "=" not in encoded
    assert len(bits) == 16384
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert [i for i in (0, 1, 8, 9, 131071) if status.bit_is_set(bits, i)] == [0, 9, 131071]


def test_a_bit_is_drawn_free_on_the_newest_list_and_a_full_list_opens_the_next(credential, monkeypatch):
    taken = credential.status_index
    draws = iter([taken, taken, 7])  # the credential's own bit twice, then a free one
    monkeypatch.setattr(status.secrets, "randbelow", lambda _bits: next(draws))
    assert status.allocate() == (1, 7)
    monkeypatch.setattr(status, "FILL_LIMIT", 1)  # list 1 now counts as full
    monkeypatch.setattr(status.secrets, "randbelow", lambda _bits: taken)
    assert status.allocate() == (2, taken)


def test_the_status_list_is_public_and_cached_for_the_stated_time(client, credential, settings):
    response = client.get(f"/credentials/status/{credential.status_list}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Cache-Control"] == f"public, max-age={status.http_cache_seconds()}"
    assert status.http_cache_seconds() + status.server_cache_seconds() == settings.CREDENTIAL_STATUS_MAX_AGE
    assert client.get("/credentials/status/999").status_code == 404


def test_public_documents_query_counts_are_pinned(client, credential, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/.well-known/did.json").status_code == 200
        assert client.get("/.well-known/jwks.json").status_code == 200
    status.invalidate()
    # the withdrawn bits, once (the highest list number is cached, the signed list too): no DISTINCT per hit
    with django_assert_num_queries(1):
        client.get(f"/credentials/status/{credential.status_list}")
        client.get(f"/credentials/status/{credential.status_list}")


def test_the_issue_task_on_a_real_worker_issues_one_credential(
    empty_queue, sample_course, user, client, celery_worker
):
    from tests.certificates.helpers import pass_the_last_quiz, sample_course_up_to_the_last_quiz, wait_for

    client.force_login(user)
    sample_course_up_to_the_last_quiz(client)
    pass_the_last_quiz(client)
    certificate = wait_for(
        lambda: Certificate.objects.filter(learner=user, status=Certificate.Status.ISSUED).first(),
        timeout=30,
        what="the worker to issue the certificate",
    )
    record = IssuedCredential.objects.get(certificate=certificate)
    assert verifier.unverified(record.jwt)[1]["jti"] == record.credential_id
    (message,) = sent_messages()
    assert attachments(message, "application/vc+jwt") == [record.jwt.encode()]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_makes_one_credential(settings):
    from django.db import connection

    from tests.certificates.factories import CertificateFactory

    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (set DATABASE_URL): SQLite ignores SELECT ... FOR UPDATE.")
    settings.CERTIFICATE_RENDER_DELAY_SECONDS = 0.5  # the second run arrives while the first holds the lock
    certificate = CertificateFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            barrier.wait(timeout=10)
            services.certificate_issue(certificate_id=certificate.pk)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert IssuedCredential.objects.filter(certificate=certificate).count() == 1
    (message,) = sent_messages()
    assert attachments(message, "application/vc+jwt") == [IssuedCredential.objects.get().jwt.encode()]
