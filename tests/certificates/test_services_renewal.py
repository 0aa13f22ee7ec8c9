"""Certificate services: renewal, the outbox sweeper, failure and retry."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services, tasks
from certificates.models import Certificate
from courses.models import Enrolment
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import complete_enrolment, pdf_files, sent_messages
from tests.certificates.service_helpers import _enqueues

# Renewal ---------------------------------------------------------------------------------------------


def _expire(certificate: Certificate) -> None:
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=services.add_months(today, -37), expires_on=today - dt.timedelta(days=1)
    )


def test_renewal_after_expiry_issues_a_new_certificate_and_the_old_one_verifies_as_expired(
    pending_certificate, learner_client, django_capture_on_commit_callbacks
):
    old = services.certificate_issue(certificate_id=pending_certificate.pk)
    _expire(old)

    response = learner_client.post(reverse("certificates:renew", args=[old.code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:start", kwargs={"course_slug": "sample-course"})
    new_enrolment = Enrolment.objects.get(learner=old.learner, completed_at__isnull=True)
    assert new_enrolment.pathway_id == old.pathway_id
    assert new_enrolment.pk != old.enrolment_id

    with django_capture_on_commit_callbacks() as callbacks:
        complete_enrolment(new_enrolment)
    new = Certificate.objects.get(enrolment=new_enrolment)
    assert _enqueues(callbacks) == [new.pk]
    services.certificate_issue(certificate_id=new.pk)

    new.refresh_from_db()
    assert new.code != old.code
    assert new.status == Certificate.Status.ISSUED
    assert new.expires_on > timezone.localdate()
    assert Certificate.objects.count() == 2
    assert len(pdf_files()) == 2
    assert len(sent_messages()) == 2
    expired_page = learner_client.get(reverse("certificates:verify_code", args=[old.code]))
    assert expired_page.status_code == 200
    assert "This certificate has expired" in expired_page.text
    valid_page = learner_client.get(reverse("certificates:verify_code", args=[new.code]))
    assert "This certificate is valid" in valid_page.text


def test_a_certificate_far_from_expiry_cannot_be_renewed(pending_certificate, learner_client):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)

    response = learner_client.post(reverse("certificates:renew", args=[certificate.code]))

    assert response.status_code == 400
    assert "cannot be renewed yet" in response.text
    assert not Enrolment.objects.filter(completed_at__isnull=True).exists()


def test_a_minor_change_to_the_content_offers_no_renewal(pending_certificate, learner_client):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    course = certificate.course
    course.version += 1  # the files changed: a new content revision, same major
    course.version_minor += 1
    course.save(update_fields=["version", "version_minor"])

    response = learner_client.post(reverse("certificates:renew", args=[certificate.code]))

    assert response.status_code == 400
    assert not Enrolment.objects.filter(learner=certificate.learner, completed_at__isnull=True).exists()


def test_a_new_major_version_makes_a_certificate_renewable(pending_certificate, learner_client):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    course = certificate.course
    course.version += 1
    course.version_major += 1
    course.save(update_fields=["version", "version_major"])

    response = learner_client.post(reverse("certificates:renew", args=[certificate.code]))

    assert response.status_code == 302
    assert Enrolment.objects.filter(learner=certificate.learner, completed_at__isnull=True).exists()


def test_only_the_holder_can_renew(pending_certificate, client, other_user):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    _expire(certificate)
    client.force_login(other_user)

    response = client.post(reverse("certificates:renew", args=[certificate.code]))

    assert response.status_code == 404
    assert not Enrolment.objects.filter(completed_at__isnull=True).exists()


# Sweeper ---------------------------------------------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    """Records what would be sent to the broker (the sweeper's selection is what is under test here)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks, "certificate_issue_task", SimpleNamespace(delay=sent.append))
    return sent


def _aged(minutes: float, **kwargs) -> Certificate:
    certificate = CertificateFactory(**kwargs)
    moment = timezone.now() - dt.timedelta(minutes=minutes)
    Certificate.objects.filter(pk=certificate.pk).update(created_at=moment, enqueued_at=moment)
    return certificate


def test_sweeper_requeues_only_pending_certificates_older_than_the_threshold(db, queued, settings):
    settings.CERTIFICATE_SWEEP_AFTER_MINUTES = 5
    stale = _aged(10)
    fresh = _aged(1)
    never_queued_old = CertificateFactory()
    Certificate.objects.filter(pk=never_queued_old.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10), enqueued_at=None
    )
    never_queued_new = CertificateFactory()  # its on-commit enqueue has not run yet
    _aged(10, status=Certificate.Status.ISSUED)
    _aged(10, status=Certificate.Status.FAILED)
    _aged(10, status=Certificate.Status.REVOKED)
    fresh_enqueued_at = Certificate.objects.get(pk=fresh.pk).enqueued_at

    swept = services.certificate_sweep_pending()

    assert sorted(swept) == sorted([stale.pk, never_queued_old.pk])
    assert sorted(queued) == sorted(swept)
    assert Certificate.objects.get(pk=stale.pk).enqueued_at > timezone.now() - dt.timedelta(seconds=30)
    assert Certificate.objects.get(pk=fresh.pk).enqueued_at == fresh_enqueued_at
    assert Certificate.objects.get(pk=never_queued_new.pk).enqueued_at is None

    # Straight after a sweep nothing is due again.
    queued.clear()
    assert services.certificate_sweep_pending() == []
    assert queued == []


def test_sweep_task_runs_the_sweeper(db, queued):
    stale = _aged(60)
    tasks.certificate_sweep_task()
    assert queued == [stale.pk]


# Failure and retry -----------------------------------------------------------------------------------


def test_mark_failed_records_the_reason_for_a_pending_certificate_only(db):
    pending = CertificateFactory()
    issued = CertificateFactory(status=Certificate.Status.ISSUED)

    services.certificate_mark_failed(certificate_id=pending.pk, reason="SMTPException: " + "x" * 3000)
    services.certificate_mark_failed(certificate_id=issued.pk, reason="late failure")

    pending.refresh_from_db()
    issued.refresh_from_db()
    assert pending.status == Certificate.Status.FAILED
    assert pending.failure_reason.startswith("SMTPException: ")
    assert len(pending.failure_reason) == 2000
    assert issued.status == Certificate.Status.ISSUED
    assert issued.failure_reason == ""


def test_retry_puts_a_failed_certificate_back_in_the_queue_and_it_is_issued(
    pending_certificate, django_capture_on_commit_callbacks
):
    services.certificate_mark_failed(certificate_id=pending_certificate.pk, reason="SMTPException: down")

    with django_capture_on_commit_callbacks() as callbacks:
        retried = services.certificate_retry(certificate_id=pending_certificate.pk)

    assert retried.status == Certificate.Status.PENDING
    assert _enqueues(callbacks) == [pending_certificate.pk]
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.failure_reason == ""
    assert len(sent_messages()) == 1


def test_retry_ignores_certificates_that_have_not_failed(
    pending_certificate, django_capture_on_commit_callbacks
):
    services.certificate_issue(certificate_id=pending_certificate.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = services.certificate_retry(certificate_id=pending_certificate.pk)
    assert certificate.status == Certificate.Status.ISSUED
    assert _enqueues(callbacks) == []
