"""Certificate PDF files: one name per certificate, known before the file is written; missing files rebuilt
from the certificate's frozen data; files no certificate points to swept away (they print a name)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from elearning.files import delete_files_on_commit

from .links import verification_url
from .models import Certificate

log = logging.getLogger(__name__)

FOLDER = "certificates"


def pdf_name(certificate: Certificate) -> str:
    """The only name a certificate's PDF is ever written under: from its code, fixed when it was created, so
    any file with a holder's name can be found from the row (and deleted) even if writing it was never
    recorded."""
    return f"{FOLDER}/{certificate.code}.pdf"


def pdf_write(certificate: Certificate, content: bytes) -> str:
    """Write (or overwrite) the certificate's PDF under its fixed name."""
    name = pdf_name(certificate)
    if default_storage.exists(name):  # left by a run that died before committing, or being replaced
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - a concurrent writer; the row lock makes this unreachable
        default_storage.delete(saved)
        raise RuntimeError(f"{name} was written concurrently")
    return saved


def pdf_files_of(certificate: Certificate) -> list[str]:
    """Every stored file that is this certificate's PDF: its fixed name, what the row records, and any
    name the storage derived from the fixed one (older code let storage pick a free name)."""
    names = {pdf_name(certificate)}
    if certificate.pdf:
        names.add(certificate.pdf.name)
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        files = []
    names.update(f"{FOLDER}/{f}" for f in files if f.startswith(certificate.code))
    return sorted(name for name in names if default_storage.exists(name))


def delete_pdf_files_on_commit(certificate: Certificate) -> None:
    delete_files_on_commit(*pdf_files_of(certificate))


def pdf_is_missing(certificate: Certificate) -> bool:
    return not certificate.pdf or not default_storage.exists(certificate.pdf.name)


def certificate_pdf_repair(*, certificate_id: int) -> Certificate:
    """An issued certificate whose file is gone (deleted by a rolled-back account deletion, lost storage):
    render it again from the frozen data. The renderer is deterministic, so the SHA-256 normally matches the
    one recorded; a different one is recorded and logged."""
    from .pdf import render_certificate_pdf

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.holder_removed_at is not None or not certificate.holder_name:
            return certificate  # nothing to print: the holder asked to be removed
        if not certificate.pdf_sha256 or not pdf_is_missing(certificate):
            return certificate
        content = render_certificate_pdf(certificate, verification_url=verification_url(certificate))
        certificate.pdf.name = pdf_write(certificate, content)
        sha256 = hashlib.sha256(content).hexdigest()
        if sha256 == certificate.pdf_sha256:
            log.warning("Certificate %s: PDF file was missing; rendered again, same SHA-256", certificate.pk)
        else:
            log.warning(
                "Certificate %s: PDF file was missing; rendered again with a new SHA-256 %s (was %s)",
                certificate.pk,
                sha256,
                certificate.pdf_sha256,
            )
            certificate.pdf_sha256 = sha256
        certificate.save(update_fields=["pdf", "pdf_sha256"])
    return certificate


def certificate_files_sweep_orphans(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Delete PDFs no certificate row points to (a run that wrote the file and then failed to commit),
    once they are older than an in-flight issue could be. Returns the names deleted."""
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - older_than
    recorded = set(
        Certificate.objects.filter(pdf__startswith=f"{FOLDER}/").exclude(pdf="").values_list("pdf", flat=True)
    )
    deleted = []
    for file in files:
        name = f"{FOLDER}/{file}"
        if name in recorded or default_storage.get_modified_time(name) > cutoff:
            continue
        default_storage.delete(name)
        deleted.append(name)
    if deleted:
        log.info("Deleted %d orphan certificate file(s)", len(deleted))
    return deleted
