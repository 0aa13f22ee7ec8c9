"""Certificate services against the real database: eligibility, pending creation, issue exactly once,
snapshots, revocation, renewal, the outbox sweeper, failure and retry, and concurrent issue on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import smtplib
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates import services, tasks
from certificates.models import Certificate, Revocation
from courses import services as course_services
from courses.models import Enrolment, UnitProgress
from quizzes.models import Attempt
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import complete_enrolment, pass_quiz, pdf_files, sent_messages
from tests.elearning.factories import UserFactory


class Rollback(Exception):
    pass


def _enqueues(callbacks) -> list[int]:
    """The certificate ids queued by on-commit callbacks."""
    return [
        cb.keywords["certificate_id"]
        for cb in callbacks
        if getattr(cb, "func", None) is services.certificate_enqueue
    ]


# Eligibility ------------------------------------------------------------------------------------------


def _reopen(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None)


def _drop_read_unit_progress(enrolment):
    UnitProgress.objects.filter(enrolment=enrolment, unit__completed_by_quiz=False).delete()


def _fail_quiz(enrolment):
    Attempt.objects.filter(enrolment=enrolment).update(passed=False, score=0)


def _clear_name(enrolment):
    enrolment.learner.certificate_name = "   "
    enrolment.learner.save(update_fields=["certificate_name"])


@pytest.mark.parametrize(
    ("break_it", "reason"),
    [
        (_reopen, "The enrolment is not complete."),
        (_drop_read_unit_progress, "1 unit(s) are not complete."),
        (_fail_quiz, "1 unit quiz(zes) have not been passed."),
        (_clear_name, "The learner has no certificate name."),
    ],
    ids=["enrolment-open", "unit-not-complete", "quiz-not-passed", "no-certificate-name"],
)
def test_eligibility_refuses_with_its_own_reason(small_enrolment, break_it, reason):
    complete_enrolment(small_enrolment)
    Certificate.objects.all().delete()  # made by the completion signal; this test asks again
    assert services.certificate_eligibility(enrolment=small_enrolment).eligible

    break_it(small_enrolment)
    enrolment = Enrolment.objects.select_related("learner", "course", "pathway").get(pk=small_enrolment.pk)

    eligibility = services.certificate_eligibility(enrolment=enrolment)
    assert not eligibility.eligible
    assert eligibility.reasons == [reason]
    assert services.certificate_create_pending(enrolment=enrolment) is None
    assert not Certificate.objects.exists()


def test_eligibility_of_a_fresh_enrolment_lists_every_missing_step(small_enrolment):
    reasons = services.certificate_eligibility(enrolment=small_enrolment).reasons
    assert reasons == [
        "The enrolment is not complete.",
        "2 unit(s) are not complete.",
        "1 unit quiz(zes) have not been passed.",
    ]


def test_without_a_certificate_name_the_learner_neither_completes_nor_gets_one(small_course, small_enrolment):
    # Was "completes but gets no certificate": completion now follows the certificate's rule (issue 13).
    _clear_name(small_enrolment)
    pass_quiz(enrolment=small_enrolment, unit=small_course.quiz_unit)
    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.read_unit)
    assert Enrolment.objects.get(pk=small_enrolment.pk).completed_at is None
    assert not Certificate.objects.exists()


# Creating pending certificates ------------------------------------------------------------------------


def test_completion_signal_creates_one_pending_certificate_and_queues_it_after_commit(
    sample_enrolment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        complete_enrolment(sample_enrolment)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.enrolment_id == sample_enrolment.pk
    assert certificate.learner_id == sample_enrolment.learner_id
    assert certificate.holder_name == sample_enrolment.learner.certificate_name
    assert certificate.course_title == "Sample course — spotting and passing on concerns"
    assert certificate.pathway_title == "Taxi and private-hire drivers"
    assert certificate.cpd_minutes == 30
    assert certificate.content_version == sample_enrolment.course.version
    assert certificate.issued_on == timezone.localdate(sample_enrolment.completed_at)
    assert certificate.expires_on == services.add_months(certificate.issued_on, 36)
    assert _enqueues(callbacks) == [certificate.pk]


def test_certificate_is_created_in_the_completing_transaction(
    small_course, small_enrolment, django_capture_on_commit_callbacks
):
    pass_quiz(enrolment=small_enrolment, unit=small_course.quiz_unit)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Rollback), transaction.atomic():
        course_services.unit_complete(enrolment=small_enrolment, unit=small_course.read_unit)
        assert Certificate.objects.filter(enrolment=small_enrolment).count() == 1
        raise Rollback

    assert not Certificate.objects.exists()
    assert Enrolment.objects.get(pk=small_enrolment.pk).completed_at is None
    assert _enqueues(callbacks) == []  # nothing is queued for a certificate that was rolled back


def test_create_pending_is_idempotent(sample_enrolment):
    complete_enrolment(sample_enrolment)
    first = Certificate.objects.get()

    again = services.certificate_create_pending(enrolment=sample_enrolment)
    once_more = services.certificate_create_pending(enrolment=sample_enrolment)

    assert again.pk == once_more.pk == first.pk
    assert again.code == first.code
    assert Certificate.objects.count() == 1


def test_create_pending_for_an_issued_certificate_does_not_queue_it_again(
    sample_enrolment, django_capture_on_commit_callbacks
):
    complete_enrolment(sample_enrolment)
    services.certificate_issue(certificate_id=Certificate.objects.get().pk)

    with django_capture_on_commit_callbacks() as callbacks:
        services.certificate_create_pending(enrolment=sample_enrolment)

    assert _enqueues(callbacks) == []
    assert Certificate.objects.get().status == Certificate.Status.ISSUED


# Codes -----------------------------------------------------------------------------------------------


def test_codes_have_at_least_80_random_bits_from_the_whole_alphabet():
    alphabet = services.CODE_ALPHABET
    assert len(set(alphabet)) == len(alphabet)
    assert services.CODE_LENGTH * math.log2(len(alphabet)) >= 80

    codes = [services.new_code() for _ in range(500)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == services.CODE_LENGTH and set(code) <= set(alphabet) for code in codes)
    assert set("".join(codes)) == set(alphabet)  # every symbol is used, so no bits are wasted


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7k3m-q9tx-2hrb-w4pd-a1ce", "7K3MQ9TX2HRBW4PDA1CE"),
        (" 7K3M Q9TX 2HRB W4PD A1CE ", "7K3MQ9TX2HRBW4PDA1CE"),
        ("OIL", "011"),
    ],
)
def test_normalise_code_accepts_how_people_type_codes(typed, expected):
    assert services.normalise_code(typed) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 3, 5), 36, dt.date(2028, 3, 5)),
        (dt.date(2024, 2, 29), 36, dt.date(2027, 2, 28)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2025, 3, 5), -37, dt.date(2022, 2, 5)),
    ],
)
def test_expiry_is_the_same_day_months_later_or_the_month_end(day, months, expected):
    assert services.add_months(day, months) == expected


# Issuing ---------------------------------------------------------------------------------------------


@pytest.fixture
def pending_certificate(sample_enrolment):
    complete_enrolment(sample_enrolment)
    return Certificate.objects.get()


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


def test_a_new_course_version_makes_a_certificate_renewable(pending_certificate, learner_client):
    certificate = services.certificate_issue(certificate_id=pending_certificate.pk)
    course = certificate.course
    course.version += 1
    course.save(update_fields=["version"])

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
