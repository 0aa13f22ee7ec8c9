"""Transient failures while issuing (defect 2): retried with backoff, re-queued by the sweeper a bounded
number of times, and staff alerted (ERROR log and ADMINS mail) when it will not pass by itself."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificate_issue_task
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import sent_messages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Staff", "staff@example.org")]
    settings.CERTIFICATE_FAILED_REQUEUES = 2
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _alerts():
    return [m for m in sent_messages() if m["To"] == "staff@example.org"]


def test_database_and_broker_errors_are_retried_with_backoff():
    from kombu.exceptions import OperationalError as BrokerError

    for transient in (OperationalError, InterfaceError, BrokerError, smtplib.SMTPServerDisconnected, OSError):
        assert issubclass(transient, certificate_issue_task.autoretry_for), transient
    assert not issubclass(ValueError, certificate_issue_task.autoretry_for)
    assert certificate_issue_task.retry_backoff and certificate_issue_task.max_retries >= 3


def _fail(certificate, exc):
    certificate_issue_task.on_failure(exc, "task-id", (certificate.pk,), {}, None)
    certificate.refresh_from_db()


def test_a_transient_failure_is_requeued_a_bounded_number_of_times_then_staff_are_told(
    caplog, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory()
    caplog.set_level(logging.ERROR, logger="certificates.alerts")
    for round_ in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            _fail(certificate, OperationalError("server closed the connection unexpectedly"))
        assert (certificate.status, certificate.issue_failures, certificate.failure_transient) == (
            Certificate.Status.FAILED,
            round_,
            True,
        )
        assert certificate.failure_reason.startswith("OperationalError: server closed")
        assert _alerts() == []
        with django_capture_on_commit_callbacks(execute=True):
            assert services.certificate_sweep_pending(older_than=dt.timedelta(0)) == [certificate.pk]
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        _fail(certificate, OperationalError("server closed the connection unexpectedly"))
    assert certificate.issue_failures == 3
    assert services.certificate_sweep_pending(older_than=dt.timedelta(0)) == []  # bounded
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.FAILED
    [alert] = _alerts()
    assert certificate.code in alert["Subject"]
    assert [r for r in caplog.records if r.levelno == logging.ERROR and certificate.code in r.getMessage()]


def test_a_failure_that_does_not_pass_by_itself_alerts_at_once_and_is_not_requeued(
    caplog, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory()
    caplog.set_level(logging.ERROR, logger="certificates.alerts")
    with django_capture_on_commit_callbacks(execute=True):
        _fail(certificate, ValueError("bad template"))
    assert certificate.failure_transient is False
    assert services.certificate_sweep_pending(older_than=dt.timedelta(0)) == []
    assert len(_alerts()) == 1
    assert any("needs staff" in r.getMessage() for r in caplog.records)


def test_the_admin_lists_failed_certificates_that_need_staff(
    admin_client, django_capture_on_commit_callbacks
):
    retrying = CertificateFactory(holder_name="Retry Person")
    stuck = CertificateFactory(holder_name="Stuck Person")
    issued = CertificateFactory(holder_name="Fine Person", status=Certificate.Status.ISSUED)
    with django_capture_on_commit_callbacks(execute=True):
        _fail(retrying, OperationalError("restart"))
        _fail(stuck, ValueError("broken"))
    url = reverse("admin:certificates_certificate_changelist")
    needs_staff = admin_client.get(url, {"problem": "needs-staff"}).content.decode()
    assert "Stuck Person" in needs_staff and "Retry Person" not in needs_staff
    assert "Fine Person" not in needs_staff
    will_retry = admin_client.get(url, {"problem": "retrying"}).content.decode()
    assert "Retry Person" in will_retry and "Stuck Person" not in will_retry
    assert issued.pk
