"""One rule completes an enrolment and makes it eligible for a certificate (courses.services'
completion checks, which quizzes and certificates add to), so no enrolment completes without its pending
certificate; and "mark as read" is refused by courses.services for a unit that its quiz completes."""

from __future__ import annotations

import pytest

from certificates import services
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrolment, Unit, UnitProgress
from tests.certificates.helpers import pass_quiz

pytestmark = pytest.mark.django_db


def _completed_without_a_certificate() -> list[int]:
    return list(
        Enrolment.objects.filter(completed_at__isnull=False, certificates__isnull=True).values_list(
            "pk", flat=True
        )
    )


def test_the_completion_checks_run_in_a_fixed_order():
    assert course_services.completion_checks() == [
        "courses.units_complete",
        "quizzes.passed",
        "certificates.holder_name",
        "certificates.refresher_renews_valid",  # review 26 item 2
    ]


def test_a_unit_that_got_its_quiz_after_it_was_read_holds_completion_until_the_quiz_is_passed(
    small_course, small_enrolment
):
    # Read while it had no quiz; then its quiz arrived (the loader or the admin set completed_by_quiz).
    Unit.objects.filter(pk=small_course.quiz_unit.pk).update(completed_by_quiz=False)
    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.quiz_unit)
    Unit.objects.filter(pk=small_course.quiz_unit.pk).update(completed_by_quiz=True)

    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.read_unit)

    # Before, every unit having progress completed the enrolment, and the certificate was only refused
    # in a log line ("1 unit quiz(zes) have not been passed."): completed, with no certificate.
    assert UnitProgress.objects.filter(enrolment=small_enrolment).count() == 2
    assert Enrolment.objects.get(pk=small_enrolment.pk).completed_at is None
    assert not Certificate.objects.exists()
    assert course_services.enrolment_completion_blockers(enrolment=small_enrolment) == [
        "1 unit quiz(zes) have not been passed."
    ]

    pass_quiz(enrolment=small_enrolment, unit=small_course.quiz_unit)

    enrolment = Enrolment.objects.get(pk=small_enrolment.pk)
    assert enrolment.completed_at is not None
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.PENDING
    assert _completed_without_a_certificate() == []


def test_a_quiz_unit_recorded_directly_does_not_complete_the_enrolment(small_course, small_enrolment):
    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.read_unit)
    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.quiz_unit)  # no quiz passed

    assert Enrolment.objects.get(pk=small_enrolment.pk).completed_at is None
    assert _completed_without_a_certificate() == []


def test_a_learner_given_a_name_completes_with_a_certificate_on_the_next_unit_completion(
    small_course, small_enrolment
):
    learner = small_enrolment.learner
    name = learner.certificate_name
    learner.certificate_name = ""
    learner.save(update_fields=["certificate_name"])
    pass_quiz(enrolment=small_enrolment, unit=small_course.quiz_unit)
    course_services.unit_complete(enrolment=small_enrolment, unit=small_course.read_unit)
    assert Enrolment.objects.get(pk=small_enrolment.pk).completed_at is None

    learner.certificate_name = name
    learner.save(update_fields=["certificate_name"])
    course_services.unit_mark_read(
        enrolment=Enrolment.objects.get(pk=small_enrolment.pk), unit=small_course.read_unit
    )

    enrolment = Enrolment.objects.get(pk=small_enrolment.pk)
    assert enrolment.completed_at is not None
    assert Certificate.objects.get(enrolment=enrolment).holder_name == name
    assert services.certificate_eligibility(enrolment=enrolment).eligible


def test_mark_read_is_refused_by_the_service_for_a_quiz_unit(small_course, small_enrolment):
    with pytest.raises(course_services.UnitCompletedByAssessment) as refused:
        course_services.unit_mark_read(enrolment=small_enrolment, unit=small_course.quiz_unit)
    assert refused.value.message == "This unit is completed by passing its quiz."
    assert not UnitProgress.objects.exists()


def test_mark_read_on_a_completed_enrolment_changes_nothing(small_course, small_enrolment):
    pass_quiz(enrolment=small_enrolment, unit=small_course.quiz_unit)
    course_services.unit_mark_read(enrolment=small_enrolment, unit=small_course.read_unit)
    enrolment = Enrolment.objects.get(pk=small_enrolment.pk)
    assert enrolment.completed_at is not None

    assert course_services.unit_mark_read(enrolment=enrolment, unit=small_course.read_unit) is None
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
