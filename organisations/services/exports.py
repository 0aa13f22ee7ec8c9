"""ZIP exports of members' certificate PDFs: a row per request, built by a Celery task into storage."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
import zipfile
from functools import partial
from types import SimpleNamespace

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from certificates import api as certificates_api
from elearning.files import delete_files_on_commit
from elearning.language import user_language
from elearning.outbox import enqueue_or_leave_for_sweeper

from .. import selectors
from ..models import CertificateExport, Membership, Organisation

MAX_MEMBERS_PER_EXPORT = 500


class ExportError(Exception):
    """The request cannot be exported; the message is written for the manager."""


def export_create(
    *, organisation: Organisation, requested_by, membership_ids: list[int]
) -> CertificateExport:
    """Record the request and queue the build after commit. Only members of this organisation who have
    joined are kept; ids of anyone else are ignored."""
    if len(membership_ids) > MAX_MEMBERS_PER_EXPORT:
        raise ExportError(
            gettext("Select at most %(max)s people at a time.") % {"max": MAX_MEMBERS_PER_EXPORT}
        )
    ids = sorted(
        Membership.objects.filter(
            organisation=organisation, pk__in=membership_ids, user__isnull=False
        ).values_list("pk", flat=True)
    )
    if not ids:
        raise ExportError(gettext("Select at least one person who has joined."))
    with transaction.atomic():
        export = CertificateExport.objects.create(
            organisation=organisation, requested_by=requested_by, membership_ids=ids
        )
        transaction.on_commit(partial(export_enqueue, export_id=export.pk))
    return export


# By dotted path, looked up when queueing: tasks import these services, so these must not import tasks.
BUILD_TASK = "organisations.tasks.export_build_task"


def export_enqueue(*, export_id: int) -> bool:
    return enqueue_or_leave_for_sweeper(model=CertificateExport, pk=export_id, task=BUILD_TASK)


def _pdf_name(certificate, used: set[str]) -> str:
    base = f"{slugify(certificate.holder_name) or 'certificate'}-{certificate.code}"
    name, n = f"{base}.pdf", 1
    while name in used:
        n += 1
        name = f"{base}-{n}.pdf"
    used.add(name)
    return name


def export_build(*, export_id: int) -> CertificateExport:
    """Write the ZIP once. Safe to run twice: the row lock serialises runs and a ready export is left alone;
    a file left by a run that died is replaced. Its list of who is missing is in the manager's language."""
    requester = CertificateExport.objects.filter(pk=export_id).values_list(
        "requested_by__language", flat=True
    )
    with translation.override(user_language(SimpleNamespace(language=requester.first()))):
        return _export_build(export_id=export_id)


def _export_build(*, export_id: int) -> CertificateExport:
    with transaction.atomic():
        export = (
            CertificateExport.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=export_id)
        )
        if export.status == CertificateExport.Status.READY:
            return export
        certificates = list(
            selectors.certificates_for_export(
                organisation=export.organisation, membership_ids=export.membership_ids
            )
        )
        members = list(
            selectors.members_for_export(
                organisation=export.organisation, membership_ids=export.membership_ids
            )
        )
        with_certificate = {c.learner_id for c in certificates}
        used: set[str] = set()
        missing: list[str] = []
        count = 0
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for certificate in certificates:
                    try:
                        certificate = certificates_api.certificate_pdf_ensure(certificate=certificate)
                        with certificate.pdf.open("rb") as handle:
                            archive.writestr(_pdf_name(certificate, used), handle.read())
                        count += 1
                    except FileNotFoundError:
                        missing.append(
                            gettext("%(name)s: the PDF of %(code)s is missing")
                            % {"name": certificate.holder_name, "code": certificate.code}
                        )
                for member in members:
                    if member.user_id not in with_certificate:
                        missing.append(
                            gettext("%(name)s (%(email)s): no issued certificate")
                            % {"name": member.user.certificate_name, "email": member.email}
                        )
                if missing:
                    lines = [gettext("Not included:"), *sorted(missing), ""]
                    archive.writestr("not-included.txt", "\n".join(lines))
            buffer.seek(0)
            name = f"organisations/exports/{export.organisation_id}/{uuid.uuid4().hex}.zip"
            if export.file:  # the ZIP of a run that died: replaced, deleted once this commits
                delete_files_on_commit(export.file.name)
            export.file.name = default_storage.save(name, File(buffer))
        export.status = CertificateExport.Status.READY
        export.certificate_count = count
        export.finished_at = timezone.now()
        export.failure_reason = ""
        export.save(update_fields=["file", "status", "certificate_count", "finished_at", "failure_reason"])
    return export


def export_mark_failed(*, export_id: int, reason: str) -> CertificateExport:
    with transaction.atomic():
        export = CertificateExport.objects.select_for_update().get(pk=export_id)
        if export.status == CertificateExport.Status.PENDING:
            export.status = CertificateExport.Status.FAILED
            export.failure_reason = reason[:2000]
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "failure_reason", "finished_at"])
    return export


def exports_sweep(*, older_than: dt.timedelta) -> list[int]:
    cutoff = timezone.now() - older_than
    ids = list(
        CertificateExport.objects.filter(status=CertificateExport.Status.PENDING)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
        .values_list("pk", flat=True)[:100]
    )
    for export_id in ids:
        export_enqueue(export_id=export_id)
    return ids


def exports_delete_old(*, older_than: dt.timedelta) -> int:
    """ZIPs hold personal data: delete them (file and row) after a while."""
    old = CertificateExport.objects.filter(created_at__lt=timezone.now() - older_than)
    count = 0
    for export in old:
        with transaction.atomic():
            if export.file:
                delete_files_on_commit(export.file.name)
            export.delete()
        count += 1
    return count
