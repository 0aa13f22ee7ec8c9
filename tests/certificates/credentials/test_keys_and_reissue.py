"""Key rotation (a new key signs only once verifiers' cached key sets have expired), retiring a leaked key
(unpublished at once, what it signed re-signed), the credential's start date, renewal, the SITE_URL check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from certificates import services
from certificates.credentials import keys, status
from certificates.credentials.document import iso
from certificates.credentials.issue import credential_ensure
from certificates.credentials.models import IssuedCredential
from certificates.credentials.verify import verify_text
from certificates.models import Certificate
from courses import services as course_services
from courses.models import CourseRelease, Enrolment, Pathway, Unit
from tests.certificates.credentials import verifier
from tests.certificates.helpers import complete_enrolment, pass_quiz


def age_key(kid: str, seconds: int) -> None:
    """Make a key look `seconds` old (as if rotated that long ago)."""
    path = keys._folder() / f"{kid}.json"
    data = json.loads(path.read_text())
    created = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    data["created"] = created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    path.write_text(json.dumps(data))


def test_a_new_key_is_published_at_once_but_signs_only_after_the_public_cache_time(db, client):
    first = keys.signing_key()
    age_key(first.kid, 3600)
    call_command("rotate_credential_key")
    new = keys.all_keys()[-1]
    assert new.kid != first.kid
    published = {key["kid"] for key in json.loads(client.get("/.well-known/jwks.json").content)["keys"]}
    assert keys.method_id(new.kid) in published  # verifiers can fetch it now
    response = client.get("/.well-known/jwks.json")
    assert response["Cache-Control"] == f"public, max-age={keys.PUBLIC_SECONDS}"
    assert keys.signing_key().kid == first.kid  # a cached set without it is still enough
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=keys.PUBLIC_SECONDS + 1)
    assert keys.signing_key(now=later).kid == new.kid
    age_key(new.kid, keys.PUBLIC_SECONDS + 1)
    assert keys.signing_key().kid == new.kid


def test_retiring_a_leaked_key_unpublishes_it_and_re_signs_what_it_signed(client, credential, another_issued):
    leaked = credential.key_id
    header_before = verifier.unverified(credential.jwt)[0]
    document_before = credential.document
    assert verify_text(credential.jwt).state == "valid"
    old_token = credential.jwt

    call_command("rotate_credential_key", "--retire", keys.method_id(leaked))

    assert leaked not in {key.kid for key in keys.all_keys()}
    assert keys.method_id(leaked) not in {k["kid"] for k in keys.public_key_set()["keys"]}
    assert keys.method_id(leaked) not in keys.did_document()["assertionMethod"]
    assert not (keys._folder() / f"{leaked}.json").exists()  # the private key is gone
    retired = json.loads((keys._folder() / "retired" / f"{leaked}.json").read_text())
    assert "d" not in retired["jwk"]
    assert keys.signing_key().kid != leaked
    for record in IssuedCredential.objects.all():  # both had been signed by it
        assert record.key_id == keys.signing_key().kid
        header, claims = verifier.unverified(record.jwt)
        assert header["kid"] != header_before["kid"]
        assert verify_text(record.jwt).state == "valid"
    credential.refresh_from_db()
    assert credential.document == document_before  # the same credential, signed again
    verdict = verify_text(old_token)
    assert verdict.state == "tampered" and "withdrawn" in verdict.reason
    assert verify_text(json.dumps(document_before)).state == "valid"  # the .json copy is unchanged


def test_retiring_an_unknown_key_is_refused(db):
    keys.signing_key()
    with pytest.raises(CommandError, match="No published key"):
        call_command("rotate_credential_key", "--retire", "../../etc/passwd")
    assert len(keys.all_keys()) == 1


def test_a_credential_made_later_starts_when_its_certificate_was_issued(issued):
    issued_at = timezone.now() - dt.timedelta(days=400)
    Certificate.objects.filter(pk=issued.pk).update(issued_at=issued_at)
    IssuedCredential.objects.all().delete()
    record = credential_ensure(issued)
    assert record.document["validFrom"] == iso(issued_at)
    _header, claims = verifier.unverified(record.jwt)
    assert claims["nbf"] == int(issued_at.replace(microsecond=0).timestamp())
    assert claims["nbf"] < claims["exp"]


def test_an_already_expired_certificates_credential_never_starts_after_it_ends(pending_certificate):
    Certificate.objects.filter(pk=pending_certificate.pk).update(
        expires_on=dt.date.today() - dt.timedelta(days=3)
    )
    services.certificate_issue(certificate_id=pending_certificate.pk)
    _header, claims = verifier.unverified(IssuedCredential.objects.get().jwt)
    assert claims["nbf"] <= claims["exp"]


def test_a_renewal_issues_a_second_credential_and_the_old_bit_follows_only_the_old_certificate(
    sample_course, user
):
    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    complete_enrolment(course_services.enrolment_create(learner=user, pathway=pathway))
    old = services.certificate_issue(certificate_id=Certificate.objects.get().pk)
    CourseRelease.objects.create(
        course=sample_course,
        major=2,
        released_on=dt.date.today(),
        what_changed="The Hub has a new number.",
        changed_units=["pass-it-on"],
    )
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    refresher = course_services.enrolment_create_refresher(
        learner=user, pathway=pathway, refreshes=old.enrolment, from_major=1
    )
    pass_quiz(enrolment=refresher, unit=Unit.objects.get(slug="pass-it-on"))
    refresher = Enrolment.objects.get(pk=refresher.pk)
    assert refresher.completed_at is not None and refresher.refreshes_id == old.enrolment_id
    new = services.certificate_issue(certificate_id=Certificate.objects.get(enrolment=refresher).pk)

    first, second = (IssuedCredential.objects.get(certificate=c) for c in (old, new))
    assert IssuedCredential.objects.count() == 2 and first.credential_id != second.credential_id
    assert second.document["credentialSubject"]["achievement"]["version"] == new.version_label
    assert status.revoked_indices(first.status_list) == []  # renewing flips nothing
    assert verify_text(first.jwt).state == verify_text(second.jwt).state == "valid"

    services.certificate_revoke(certificate=old, reason="Issued in error", revoked_by=None)

    revoked = status.revoked_indices(first.status_list)
    assert first.status_index in revoked and second.status_index not in revoked
    assert verify_text(first.jwt).state == "revoked" and verify_text(second.jwt).state == "valid"


@pytest.mark.parametrize(
    ("site_url", "errors"),
    [("https://x.example", 0), ("https://x.example/", 0), ("https://x.example/cse", 1)],
)
def test_a_site_url_with_a_path_is_refused_by_a_system_check(settings, site_url, errors):
    settings.SITE_URL = site_url
    found = keys.check_site_url()
    assert [e.id for e in found] == ["credentials.E001"] * errors
    if errors:
        assert "no path" in found[0].msg


def test_the_status_list_url_is_checked_against_a_cached_highest_number(
    client, credential, django_assert_num_queries
):
    status.highest_list_number()
    with django_assert_num_queries(0):
        assert client.get("/credentials/status/2").status_code == 404
        assert client.get("/credentials/status/0").status_code == 404
