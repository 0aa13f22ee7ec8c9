"""Certificate services against the real database: eligibility, pending creation and codes."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import transaction
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrolment, UnitProgress
from quizzes.models import Attempt
from tests.certificates.helpers import complete_enrolment, pass_quiz
from tests.certificates.service_helpers import Rollback, _enqueues

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
    Enrolment.objects.filter(pk=sample_enrolment.pk).update(seconds_spent=15 * 60)  # half of the 30 minutes
    sample_enrolment.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        complete_enrolment(sample_enrolment)

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.enrolment_id == sample_enrolment.pk
    assert certificate.learner_id == sample_enrolment.learner_id
    assert certificate.holder_name == sample_enrolment.learner.certificate_name
    assert certificate.course_title == "Sample course — spotting and passing on concerns"
    assert certificate.pathway_title == "Taxi and private-hire drivers"
    # Honest time: 15 of the declared 30 minutes were spent (50 %), so the declared CPD time stands.
    assert (certificate.cpd_minutes, certificate.cpd_is_time_spent) == (30, False)
    assert certificate.time_spent_minutes == 15
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
