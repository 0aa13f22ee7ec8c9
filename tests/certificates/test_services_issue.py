"""Certificate services: issue exactly once, snapshots, revocation, and concurrent issue on PostgreSQL."""

from __future__ import annotations

import hashlib
import smtplib
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate, Revocation
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import pdf_files, sent_messages
from tests.elearning.factories import UserFactory

# Issuing ---------------------------------------------------------------------------------------------


def test_issue_twice_stores_one_pdf_and_sends_one_email(pending_certificate, settings):
    first = services.certificate_issue(certificate_id=pending_certificate.pk)
    second = services.certificate_issue(certificate_id=pending_certificate.pk)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_at == first.issued_at == second.issued_at
    assert certificate.emailed_at == first.emailed_at
    files = pdf_files()
    assert [f.name for f in files] == [f"{certificate.code}.pdf"]
    assert certificate.pdf.name == f"certificates/{certificate.code}.pdf"
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == certificate.pdf_sha256
    messages = sent_messages()
    assert len(messages) == 1
    assert messages[0]["To"] == pending_certificate.learner.email


def test_a_run_that_stopped_after_storing_the_pdf_is_finished_by_the_next_run(pending_certificate, settings):
    settings.EMAIL_BACKEND = "tests.certificates.helpers.DownEmailBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.certificate_issue(certificate_id=pending_certificate.pk)
    halfway = Certificate.objects.get()
    assert halfway.status == Certificate.Status.PENDING
    assert halfway.pdf_sha256
    assert halfway.emailed_at is None
    stored = pdf_files()[0].read_bytes()

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    services.certificate_issue(certificate_id=pending_certificate.pk)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf_sha256 == halfway.pdf_sha256
    assert [f.read_bytes() for f in pdf_files()] == [stored]  # not rendered again
    assert len(sent_messages()) == 1


def test_issue_query_count_is_pinned(pending_certificate, django_assert_num_queries):
    """Issue 20: the row is read once per locked transaction, with what the credential and the email need
    (it was 23 queries). Inside the test's own transaction each atomic block adds a SAVEPOINT and its RELEASE,
    6 of the 15. The rest: lock, store the PDF, its credential (none yet), the newest status list, is the bit
    free, the credential; lock again (with the learner and credential), local contacts, issued."""
    with django_assert_num_queries(15):
        services.certificate_issue(certificate_id=pending_certificate.pk)
    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.ISSUED and certificate.emailed_at is not None
    attached = sorted(part.get_filename() for part in sent_messages()[0].walk() if part.get_filename())
    assert attached == [f"certificate-{certificate.code}.{kind}" for kind in ("json", "jwt", "pdf")]
    with django_assert_num_queries(3):  # a second run finds it issued and its file there: one read
        services.certificate_issue(certificate_id=pending_certificate.pk)


def test_holder_name_and_course_are_snapshots(pending_certificate, client):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    original_name = certificate.holder_name
    stored = pdf_files()[0].read_bytes()

    learner = certificate.learner
    learner.certificate_name = "Someone Else Entirely"
    learner.save(update_fields=["certificate_name"])
    course = certificate.course
    course.title = "A renamed course"
    course.save(update_fields=["title"])
    services.certificate_issue(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.holder_name == original_name
    assert pdf_files()[0].read_bytes() == stored
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    text = PdfReader(pdf_files()[0]).pages[0].extract_text()
    assert original_name in text
    assert "Someone Else Entirely" not in text
    page = client.get(reverse("certificates:verify_code", args=[certificate.code]))
    assert original_name in page.text
    assert "Someone Else Entirely" not in page.text
    assert "A renamed course" not in page.text


def test_issue_does_nothing_for_a_revoked_certificate(pending_certificate):
    admin = UserFactory(is_staff=True)
    services.certificate_revoke(
        certificate=pending_certificate, reason="Completed by someone else.", revoked_by=admin
    )

    services.certificate_issue(certificate_id=pending_certificate.pk)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.emailed_at is None
    assert pdf_files() == []
    assert sent_messages() == []


# Revocation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revocation_needs_a_reason(pending_certificate, reason):
    services.certificate_issue(certificate_id=pending_certificate.pk)
    with pytest.raises(ValueError, match="reason is required"):
        services.certificate_revoke(certificate=pending_certificate, reason=reason, revoked_by=None)
    assert Certificate.objects.get().status == Certificate.Status.ISSUED
    assert not Revocation.objects.exists()


def test_revocation_records_who_why_and_when(pending_certificate):
    services.certificate_issue(certificate_id=pending_certificate.pk)
    admin = UserFactory(is_staff=True)
    before = timezone.now()

    revoked = services.certificate_revoke(
        certificate=pending_certificate, reason="  Completed by someone else.  ", revoked_by=admin
    )

    assert revoked.status == Certificate.Status.REVOKED
    revocation = Revocation.objects.get()
    assert revocation.certificate_id == pending_certificate.pk
    assert revocation.reason == "Completed by someone else."
    assert revocation.revoked_by == admin
    assert before <= revocation.revoked_at <= timezone.now()
    assert Certificate.objects.get().verification_status() == "revoked"

    services.certificate_revoke(certificate=pending_certificate, reason="Second thoughts.", revoked_by=admin)
    assert Revocation.objects.count() == 1


# Concurrency (PostgreSQL) ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_makes_one_pdf_and_one_email(settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL (set DATABASE_URL): SQLite ignores SELECT ... FOR UPDATE and serialises "
            "writers with a file lock, so it cannot show two issuers racing for the row lock."
        )
    # Long enough that the second thread arrives while the first holds the row lock.
    settings.CERTIFICATE_RENDER_DELAY_SECONDS = 0.5
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
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    files = pdf_files()
    assert len(files) == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == certificate.pdf_sha256
    assert len(sent_messages()) == 1
