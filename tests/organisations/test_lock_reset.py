"""A learner's quiz locks after 3 failed attempts; a manager of their organisation (or staff in the admin) can
lift it, audited; a manager of another organisation cannot. Time spent shows beside the declared CPD time."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from courses import services as course_services
from quizzes import rules, services
from quizzes.models import LockReset, Quiz
from tests.certificates.helpers import as_form_data, correct_answers
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db


def _fail(enrolment, quiz) -> None:
    attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
    data = correct_answers(attempt.question_ids, attempt)
    question = next(iter(data))  # the one question: answer it with another option
    options = [
        o.value
        for q, c in services.selectors.questions_with_choices(
            question_ids=attempt.question_ids, attempt=attempt
        )
        for o in q.options_for_display(c, attempt.seed)
    ]
    data[question] = next(value for value in options if value != data[question])
    assert services.attempt_submit(attempt=attempt, data=as_form_data(data)).attempt.passed is False


@pytest.fixture
def locked(learner, quiz_course):
    """The learner failed the quiz 3 times: locked for 24 hours."""
    enrolment = course_services.enrolment_create(learner=learner, pathway=quiz_course.pathway)
    quiz = Quiz.objects.get(unit=quiz_course.quiz_unit)
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=3, cooling_off_hours=24)
    quiz.refresh_from_db()
    course_services.unit_visit(enrolment=enrolment, unit=quiz.unit)
    for _ in range(3):
        _fail(enrolment, quiz)
    assert rules.allowance_for(enrolment=enrolment, quiz=quiz).is_locked
    return enrolment, quiz


def _member_url(organisation, learner) -> str:
    membership = organisation.memberships.get(user=learner)
    return reverse("organisations:member", args=[organisation.pk, membership.pk])


def _reset_url(organisation, learner, quiz) -> str:
    membership = organisation.memberships.get(user=learner)
    return reverse("organisations:member_lock_reset", args=[organisation.pk, membership.pk, quiz.pk])


def test_the_manager_sees_the_lock_and_lifts_it_audited(
    manager_client, manager, organisation, learner, locked
):
    enrolment, quiz = locked
    with pytest.raises(services.QuizLocked):
        services.attempt_start(enrolment=enrolment, quiz=quiz)
    page = manager_client.get(_member_url(organisation, learner)).content.decode()
    assert "Quizzes locked for now" in page and "Lift the lock on" in page

    response = manager_client.post(_reset_url(organisation, learner, quiz))

    assert response.status_code == 302
    reset = LockReset.objects.get()
    assert (reset.enrolment, reset.quiz, reset.reset_by, reset.reset_by_name) == (
        enrolment,
        quiz,
        manager,
        "Mona Manager",
    )
    assert reset.created_at is not None
    allowance = rules.allowance_for(enrolment=enrolment, quiz=quiz)
    assert (allowance.is_locked, allowance.left) == (False, 3)
    assert services.attempt_start(enrolment=enrolment, quiz=quiz).submitted_at is None
    assert (
        "Quizzes locked for now"
        not in manager_client.get(_member_url(organisation, learner)).content.decode()
    )


def test_a_manager_of_another_organisation_cannot_lift_it(
    client, other_manager, organisation, learner, locked
):
    enrolment, quiz = locked
    login_verified(client, other_manager)

    assert client.post(_reset_url(organisation, learner, quiz)).status_code == 404
    assert not LockReset.objects.exists()
    assert rules.allowance_for(enrolment=enrolment, quiz=quiz).is_locked


def test_the_learner_cannot_lift_their_own_lock(client, organisation, learner, locked):
    _, quiz = locked
    client.force_login(learner)
    assert client.post(_reset_url(organisation, learner, quiz)).status_code == 404
    assert not LockReset.objects.exists()


def test_staff_lift_it_in_the_admin_audited(admin_client, admin_user, locked):
    enrolment, quiz = locked
    response = admin_client.post(
        reverse("admin:quizzes_lockreset_add"), {"enrolment": enrolment.pk, "quiz": quiz.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reset = LockReset.objects.get()
    assert reset.reset_by == admin_user
    assert not rules.allowance_for(enrolment=enrolment, quiz=quiz).is_locked


def test_time_spent_is_shown_beside_the_declared_cpd_time(manager_client, organisation, learner, locked):
    enrolment, _ = locked
    type(enrolment).objects.filter(pk=enrolment.pk).update(seconds_spent=25 * 60)
    page = manager_client.get(_member_url(organisation, learner)).content.decode()
    assert "25 minutes" in page and "declared CPD time: 1 hour" in page

    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    manager_client.get(
                        reverse("organisations:export_csv", args=[organisation.pk])
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    header = rows[0]
    row = next(r for r in rows if r[0] == "Lee Learner")
    assert row[header.index("Time spent (minutes)")] == "25"
    assert row[header.index("Declared CPD time (minutes)")] == "60"
