"""Certificate files (defects 3 and 4): deleted only after the deletion commits, rebuilt when lost, and
no file with a deleted holder's name left anywhere under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from certificates import services
from certificates.links import verification_url
from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from courses import services as course_services
from courses.models import Pathway
from tests.certificates.helpers import complete_enrolment, pdf_files
from tests.elearning.factories import UserFactory
from tests.resilience.media_scan import files_naming

NAME = "Zelda Orphanhaus-Quill"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def holder(transactional_db, sample_course, password):
    user = UserFactory(password=password, certificate_name=NAME)
    return user


def _issued(user) -> Certificate:
    enrolment = course_services.enrolment_create(
        learner=user, pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    complete_enrolment(enrolment)
    certificate = Certificate.objects.get(enrolment=enrolment)
    return services.certificate_issue(certificate_id=certificate.pk)


def test_a_lost_pdf_is_rendered_again_on_download_with_the_same_sha256(holder, client, password, caplog):
    certificate = _issued(holder)
    recorded = certificate.pdf_sha256
    default_storage.delete(certificate.pdf.name)  # lost from storage
    client.force_login(holder)

    response = client.get(reverse("certificates:download", args=[certificate.code]))

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == recorded
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == recorded and default_storage.exists(certificate.pdf.name)
    assert "rendered again, same SHA-256" in caplog.text


def test_the_issue_task_repairs_a_lost_pdf_of_an_issued_certificate(holder):
    certificate = _issued(holder)
    default_storage.delete(certificate.pdf.name)
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert default_storage.exists(certificate.pdf.name)
    assert (
        hashlib.sha256(default_storage.open(certificate.pdf.name).read()).hexdigest()
        == certificate.pdf_sha256
    )


def test_an_orphan_pdf_of_a_failed_issue_is_deleted_with_the_account(holder, client, password):
    issued = _issued(holder)
    # A second course run whose issue wrote the PDF and then failed before recording it (a database error
    # after the file was saved): the row says failed and has no file, but the file prints the name.
    failed = Certificate.objects.create(
        code=services.new_code(),
        learner=holder,
        course=issued.course,
        pathway=issued.pathway,
        content_version=issued.content_version + 1,
        holder_name=NAME,
        course_title=issued.course_title,
        pathway_title=issued.pathway_title,
        cpd_minutes=issued.cpd_minutes,
        issued_on=issued.issued_on,
        expires_on=issued.expires_on,
        status=Certificate.Status.FAILED,
        failure_reason="OperationalError: server closed the connection unexpectedly",
    )
    content = render_certificate_pdf(failed, verification_url=verification_url(failed))
    default_storage.save(f"certificates/{failed.code}.pdf", ContentFile(content))
    assert len(files_naming(settings.MEDIA_ROOT, NAME)) == 2  # the scan finds the name in both PDFs

    client.force_login(holder)
    response = client.post(reverse("accounts:delete"), {"password": password})

    assert response.status_code == 302
    assert files_naming(settings.MEDIA_ROOT, NAME) == []
    assert pdf_files() == []


def test_orphan_files_are_swept_once_old_enough(holder):
    from certificates.repair import certificate_files_sweep_orphans

    issued = _issued(holder)
    default_storage.save("certificates/ABANDONED.pdf", ContentFile(b"%PDF-1.4 orphan"))
    assert certificate_files_sweep_orphans() == []  # too new: it may belong to an issue still running
    old = time.time() - 2 * 3600
    os.utime(default_storage.path("certificates/ABANDONED.pdf"), (old, old))
    os.utime(default_storage.path(issued.pdf.name), (old, old))

    assert certificate_files_sweep_orphans(older_than=dt.timedelta(hours=1)) == ["certificates/ABANDONED.pdf"]
    assert default_storage.exists(issued.pdf.name)
