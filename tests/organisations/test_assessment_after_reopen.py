"""Review of issue 17 after the merge: a pass on a unit that a major release reopened no longer counts
(no unlimited "practice" with the full review), the reopened unit must be opened again before its quiz, and
staff cannot add a lock reset that lifts nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services as course_services
from courses.models import UnitVisit
from quizzes import rules, services
from quizzes.models import Attempt, LockReset, Quiz
from tests.certificates.helpers import as_form_data, correct_answers
from tests.organisations.test_lock_reset import _fail

pytestmark = pytest.mark.django_db


def _pass(enrolment, quiz) -> None:
    attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
    data = correct_answers(attempt.question_ids, attempt)
    assert services.attempt_submit(attempt=attempt, data=as_form_data(data)).attempt.passed is True


@pytest.fixture
def passed(learner, quiz_course):
    enrolment = course_services.enrolment_create(learner=learner, pathway=quiz_course.pathway)
    quiz = Quiz.objects.get(unit=quiz_course.quiz_unit)
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=3, cooling_off_hours=24)
    quiz.refresh_from_db()
    course_services.unit_visit(enrolment=enrolment, unit=quiz.unit)
    _pass(enrolment, quiz)
    assert rules.allowance_for(enrolment=enrolment, quiz=quiz).passed
    return enrolment, quiz


def test_a_reopened_unit_must_be_opened_again_and_its_quiz_is_assessed_under_the_limit(passed, quiz_course):
    enrolment, quiz = passed

    course_services.enrolments_reopen_units(course=quiz_course.course, unit_slugs=[quiz.unit.slug])
    enrolment = type(enrolment).objects.get(pk=enrolment.pk)  # read afresh, as the next request would

    assert not UnitVisit.objects.filter(enrolment=enrolment, unit=quiz.unit).exists()
    with pytest.raises(services.UnitNotOpened):
        services.attempt_start(enrolment=enrolment, quiz=quiz)
    course_services.unit_visit(enrolment=enrolment, unit=quiz.unit)
    allowance = rules.allowance_for(enrolment=enrolment, quiz=quiz)
    assert (allowance.passed, allowance.left) == (False, 3)  # the old pass is not a licence to practise
    for _ in range(3):
        _fail(enrolment, quiz)
    attempt = Attempt.objects.filter(enrolment=enrolment, submitted_at__isnull=False).latest("submitted_at")
    assert attempt.is_practice is False  # a failed page without the key
    assert rules.allowance_for(enrolment=enrolment, quiz=quiz).is_locked
    assert [lock.quiz for lock in rules.locks_for_enrolments(enrolments=[enrolment])] == [quiz]


def test_a_completed_unit_keeps_practice_after_a_pass(passed):
    enrolment, quiz = passed
    _fail(enrolment, quiz)
    attempt = Attempt.objects.filter(enrolment=enrolment, submitted_at__isnull=False).latest("submitted_at")
    assert attempt.is_practice is True


def test_staff_cannot_add_a_reset_when_nothing_is_locked(admin_client, passed):
    enrolment, quiz = passed
    response = admin_client.post(
        reverse("admin:quizzes_lockreset_add"), {"enrolment": enrolment.pk, "quiz": quiz.pk}
    )
    assert response.status_code == 200
    assert "nothing to lift" in response.content.decode()
    assert not LockReset.objects.exists()
