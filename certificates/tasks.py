"""Celery entry points: ids in, one service call, nothing else."""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import Task, shared_task
from django.conf import settings

from . import revocation, services, version_notices
from .failures import TRANSIENT_ERRORS, failure_reason, is_transient


class CertificateIssueTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Called once the retries are used up (or on a non-transient error): record why for the admin.
        certificate_id = args[0] if args else kwargs.get("certificate_id")
        if certificate_id is not None:
            services.certificate_mark_failed(
                certificate_id=certificate_id, reason=failure_reason(exc), transient=is_transient(exc)
            )


@shared_task(
    base=CertificateIssueTask,
    name="certificates.issue",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def certificate_issue_task(certificate_id: int) -> None:
    services.certificate_issue(certificate_id=certificate_id)


@shared_task(name="certificates.sweep_pending")
def certificate_sweep_task() -> None:
    services.certificate_sweep_pending()
    version_notices.version_notices_sweep(
        older_than=dt.timedelta(minutes=settings.CERTIFICATE_SWEEP_AFTER_MINUTES)
    )
    version_notices.refreshers_without_valid_certificate_reopen()


@shared_task(name="certificates.sweep_orphan_files")
def certificate_files_sweep_task() -> None:
    from .repair import certificate_files_sweep_orphans

    certificate_files_sweep_orphans()


# Every email task: passing mail or network errors are retried with backoff (the send itself is idempotent).
EMAIL_RETRIES = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="certificates.email", **EMAIL_RETRIES)
def certificate_email_task(certificate_id: int) -> None:
    services.certificate_email_send(certificate_id=certificate_id)


@shared_task(name="certificates.version_notice_email", **EMAIL_RETRIES)
def version_notice_email_task(notice_id: int) -> None:
    version_notices.version_notice_email_send(notice_id=notice_id)


@shared_task(name="certificates.revocation_email", **EMAIL_RETRIES)
def revocation_email_task(certificate_id: int) -> None:
    revocation.revocation_email_send(certificate_id=certificate_id)
