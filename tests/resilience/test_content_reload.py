"""Content reloads while learners are part-way through (defects 6 and 7)."""

from __future__ import annotations

import shutil

import pytest
import yaml
from django.urls import reverse

from certificates.models import Certificate
from courses import services as course_services
from courses.loading import load_courses
from courses.models import Enrolment, Pathway, Unit
from quizzes.models import Attempt, Question, Quiz
from tests.certificates.helpers import correct_answers, pass_quiz
from tests.conftest import SAMPLE_CONTENT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    load_courses(root)
    return root


def _edit_quiz(content, change, name="02-pass-it-on.yaml") -> None:
    path = content / "sample-course" / "quizzes" / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _enrolment(user) -> Enrolment:
    return course_services.enrolment_create(learner=user, pathway=Pathway.objects.get(slug="taxi-drivers"))


# 6. Learners stranded at 100 % -----------------------------------------------------------------------------


def test_removing_the_last_unit_nobody_reached_completes_those_who_did_the_rest(content, user, other_user):
    done_all_but_last = _enrolment(user)
    for slug in ("signs", "pass-it-on"):
        pass_quiz(enrolment=done_all_but_last, unit=Unit.objects.get(slug=slug))
    halfway = _enrolment(other_user)
    pass_quiz(enrolment=halfway, unit=Unit.objects.get(slug="signs"))
    done_all_but_last.refresh_from_db()
    assert done_all_but_last.completed_at is None  # next-steps is still to read

    (content / "sample-course" / "units" / "03-next-steps.yaml").unlink()
    load_courses(content)

    done_all_but_last.refresh_from_db()
    halfway.refresh_from_db()
    assert done_all_but_last.completed_at is not None
    assert done_all_but_last.content_version == 2
    assert halfway.completed_at is None
    certificate = Certificate.objects.get()
    assert certificate.enrolment_id == done_all_but_last.pk
    assert certificate.status == Certificate.Status.PENDING
    # Loading again changes nothing and creates nothing twice.
    load_courses(content)
    assert Certificate.objects.count() == 1


def test_reevaluation_is_a_service_that_can_be_run_again(content, user):
    from courses.services import enrolments_reevaluate

    enrolment = _enrolment(user)
    for slug in ("signs", "pass-it-on"):
        pass_quiz(enrolment=enrolment, unit=Unit.objects.get(slug=slug))
    assert enrolments_reevaluate(course=enrolment.course) == []  # next-steps still to do
    Unit.objects.filter(slug="next-steps").delete()  # e.g. removed in the admin
    assert enrolments_reevaluate(course=enrolment.course) == [enrolment.pk]
    assert enrolments_reevaluate(course=enrolment.course) == []
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


# 7. A quiz open across a reload ---------------------------------------------------------------------------


def _open_quiz(client, unit_slug="pass-it-on") -> Attempt:
    assert client.get(reverse("courses:unit", args=["sample-course", unit_slug])).status_code == 200
    page = client.get(reverse("quizzes:take", args=["sample-course", unit_slug]))
    assert page.status_code == 200
    return page.context["attempt"]


@pytest.mark.parametrize("change", ["question removed", "question edited in place"])
def test_a_quiz_open_across_a_reload_is_voided_with_a_clear_message(content, user, client, change):
    client.force_login(user)
    _enrolment(user)
    attempt = _open_quiz(client)
    answers = correct_answers(attempt.question_ids, attempt)  # what the learner's page would post
    before = len(attempt.question_ids)

    if change == "question removed":
        _edit_quiz(content, lambda data: data["questions"].pop(1))
    else:

        def reword(data):
            data["questions"][0]["prompt"] = "A child is in danger right now. What do you do first?"

        _edit_quiz(content, reword)
    load_courses(content)

    response = client.post(reverse("quizzes:submit", kwargs={"public_id": attempt.public_id}), answers)

    assert response.status_code == 409
    assert "This quiz changed while you were answering it" in response.content.decode()
    assert "your answers were not marked and nothing was saved" in response.content.decode()
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()  # no score out of another total
    fresh = Attempt.objects.get(submitted_at__isnull=True)
    assert fresh.pk != attempt.pk
    expected = before - 1 if change == "question removed" else before
    assert len(fresh.question_ids) == expected
    # The fresh attempt is graded normally, on every question it shows.
    response = client.post(
        reverse("quizzes:submit", kwargs={"public_id": fresh.public_id}),
        correct_answers(fresh.question_ids, fresh),
    )
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.passed and fresh.score == 100
    assert fresh.answers.count() == expected


def test_an_unchanged_quiz_is_graded_on_all_its_questions(content, user, client):
    client.force_login(user)
    _enrolment(user)
    attempt = _open_quiz(client)
    load_courses(content)  # nothing changed in the files: no new version
    response = client.post(
        reverse("quizzes:submit", kwargs={"public_id": attempt.public_id}),
        correct_answers(attempt.question_ids, attempt),
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (
        attempt.answers.count()
        == len(attempt.question_ids)
        == Question.objects.filter(quiz=Quiz.objects.get(unit__slug="pass-it-on"), is_active=True).count()
    )
