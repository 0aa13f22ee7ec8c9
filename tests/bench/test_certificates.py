"""The certificate bench's counts (bench/certificates.py), read from what real issues leave: each email and
each PDF counted once per certificate, and a real second copy of either counted as a duplicate."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bench.certificates import duplicates, emails_per_certificate, pdfs_per_certificate
from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory


def _counts(codes: set[str]) -> tuple[dict, dict]:
    pdfs = pdfs_per_certificate(Path(settings.MEDIA_ROOT) / "certificates", codes)
    return pdfs, emails_per_certificate(Path(settings.EMAIL_FILE_PATH), codes)


def test_three_issued_certificates_are_three_emails_and_three_pdfs_without_duplicates(db):
    certificates = [CertificateFactory() for _ in range(3)]
    for certificate in certificates:
        services.certificate_issue(certificate_id=certificate.pk)
    codes = {c.code for c in certificates}

    pdfs, emails = _counts(codes)

    # Each email also attaches the credential's .jwt and .json, named after the code: still one email each.
    assert dict(emails) == dict.fromkeys(codes, 1)
    assert dict(pdfs) == dict.fromkeys(codes, 1)
    assert duplicates(emails) == duplicates(pdfs) == 0
    assert emails_per_certificate(Path(settings.EMAIL_FILE_PATH), {"NOT0A0CODE"}) == {}  # others' mail


def test_a_second_email_and_a_second_pdf_of_one_certificate_are_counted(db):
    first, second = (CertificateFactory() for _ in range(2))
    for certificate in (first, second):
        services.certificate_issue(certificate_id=certificate.pk)
    issued = Certificate.objects.select_related("learner").get(pk=first.pk)
    services._send_certificate_email(issued)  # what a broken exactly-once guarantee would do
    services._send_certificate_email(issued)
    default_storage.save(issued.pdf.name, ContentFile(b"%PDF-1.4 again"))  # storage derives CODE_xxxxxxx.pdf

    pdfs, emails = _counts({first.code, second.code})

    assert emails[first.code] == 3 and emails[second.code] == 1
    assert duplicates(emails) == 2
    assert pdfs[first.code] == 2 and pdfs[second.code] == 1
    assert duplicates(pdfs) == 1
