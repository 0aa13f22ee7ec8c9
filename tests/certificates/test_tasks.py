"""The issue task: retry policy, failure recording, and a real in-process worker issuing a certificate end to
end after a learner passes the last quiz over HTTP."""

from __future__ import annotations

import hashlib
import smtplib

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificate_issue_task
from elearning.celery import app
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import (
    BrokenEmailBackend,
    DownEmailBackend,
    attachments,
    body_text,
    pass_the_last_quiz,
    pdf_files,
    sample_course_up_to_the_last_quiz,
    sent_messages,
    wait_for,
)

# Retry policy and failure ----------------------------------------------------------------------------


def test_issue_task_retries_transient_errors_with_backoff():
    task = certificate_issue_task
    assert task.name == "certificates.issue"
    for transient in (
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
        ConnectionError,
        TimeoutError,
    ):
        assert issubclass(transient, task.autoretry_for)
    assert not issubclass(ValueError, task.autoretry_for)
    assert not issubclass(Certificate.DoesNotExist, task.autoretry_for)
    assert task.retry_backoff
    assert task.retry_backoff_max >= 60
    assert task.max_retries >= 3
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


@pytest.fixture
def down_email(settings):
    settings.EMAIL_BACKEND = "tests.certificates.helpers.DownEmailBackend"
    DownEmailBackend.attempts = []
    return DownEmailBackend


def test_email_down_is_retried_then_the_certificate_shows_failed_with_the_reason(db, down_email):
    certificate = CertificateFactory()

    # apply() runs the task and each of its retries here, in order (the countdowns are not waited for).
    result = certificate_issue_task.apply(args=[certificate.pk])

    assert result.state == "FAILURE"
    assert len(down_email.attempts) > 1
    assert len(down_email.attempts) == certificate_issue_task.max_retries + 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    assert certificate.failure_reason == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert certificate.emailed_at is None
    assert len(pdf_files()) == 1  # rendered once, kept for the next try
    assert certificate.pdf_sha256


def test_a_failed_certificate_retried_by_the_admin_is_emailed_once(db, down_email, settings):
    certificate = CertificateFactory()
    certificate_issue_task.apply(args=[certificate.pk])
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # the server is back

    services.certificate_retry(certificate_id=certificate.pk)
    certificate_issue_task.apply(args=[certificate.pk])

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.failure_reason == ""
    assert len(sent_messages()) == 1
    assert len(pdf_files()) == 1


def test_a_non_transient_error_fails_at_once(db, settings):
    settings.EMAIL_BACKEND = "tests.certificates.helpers.BrokenEmailBackend"
    BrokenEmailBackend.attempts = []
    certificate = CertificateFactory()

    certificate_issue_task.apply(args=[certificate.pk])

    assert len(BrokenEmailBackend.attempts) == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    assert certificate.failure_reason.startswith("ValueError: ")


@pytest.mark.parametrize("call", ["args", "kwargs"])
def test_on_failure_hook_marks_the_certificate_failed(db, call):
    certificate = CertificateFactory()
    exc = smtplib.SMTPDataError(451, "Try again later")
    args, kwargs = ((certificate.pk,), {}) if call == "args" else ((), {"certificate_id": certificate.pk})

    certificate_issue_task.on_failure(exc, "task-id", args, kwargs, None)

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    assert certificate.failure_reason.startswith("SMTPDataError: ")
    assert "Try again later" in certificate.failure_reason


# A real worker ---------------------------------------------------------------------------------------


@pytest.mark.worker
def test_real_worker_issues_the_certificate_after_the_last_quiz(
    empty_queue, sample_course, user, client, celery_worker, settings
):
    client.force_login(user)
    sample_course_up_to_the_last_quiz(client)
    assert not Certificate.objects.exists()

    pass_the_last_quiz(client)

    certificate = wait_for(
        lambda: Certificate.objects.filter(learner=user, status=Certificate.Status.ISSUED).first(),
        timeout=30,
        what="the worker to issue the certificate",
    )
    assert Certificate.objects.count() == 1
    assert certificate.emailed_at is not None
    (pdf,) = pdf_files()
    stored = pdf.read_bytes()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256

    (message,) = sent_messages()
    link = f"{settings.SITE_URL}/verify/{certificate.code}/"
    assert message["To"] == user.email
    assert attachments(message) == [stored]
    assert link in body_text(message, "text/plain")
    assert f'href="{link}"' in body_text(message, "text/html")

    page = client.get(reverse("certificates:mine"))
    assert reverse("certificates:download", args=[certificate.code]) in page.text
    assert "being prepared" not in page.text
