"""Option values are per attempt: a correct submission captured from one attempt (another learner's, or
the same learner's earlier one) is refused with a 400 by any other attempt, which stays unchanged."""

import re

import pytest
from django.urls import reverse

from courses import services as course_services
from courses.models import Pathway
from quizzes.models import Answer, Attempt
from tests.certificates.helpers import correct_answers
from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def _open_quiz(client, sample_course, learner) -> Attempt:
    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    enrolment = course_services.enrolment_create(learner=learner, pathway=pathway)
    course_services.unit_visit(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    client.force_login(learner)
    page = client.get(reverse("quizzes:take", args=[sample_course.slug, "signs"]))
    assert page.status_code == 200
    return page.context["attempt"]


def _page_values(client, sample_course) -> set[str]:
    html = client.get(reverse("quizzes:take", args=[sample_course.slug, "signs"])).content.decode()
    return set(re.findall(r'name="q\d+" value="([0-9a-f]{16})"', html)) | set(
        re.findall(r'name="q\d+-([0-9a-f]{16})"', html)
    )


def test_another_learners_correct_submission_is_refused_and_changes_nothing(client, sample_course):
    ann, bob = UserFactory(), UserFactory()
    ann_attempt = _open_quiz(client, sample_course, ann)
    captured = correct_answers(ann_attempt.question_ids, ann_attempt)
    bob_attempt = _open_quiz(client, sample_course, bob)
    assert bob_attempt.question_ids == ann_attempt.question_ids  # the same questions, so the same fields

    replay = client.post(reverse("quizzes:submit", args=[bob_attempt.public_id]), captured)

    assert replay.status_code == 400
    bob_attempt.refresh_from_db()
    assert bob_attempt.submitted_at is None and bob_attempt.score is None
    assert not Answer.objects.filter(attempt=bob_attempt).exists()
    # Bob's own right answers still pass: the attempt was not spoiled.
    own = client.post(
        reverse("quizzes:submit", args=[bob_attempt.public_id]),
        correct_answers(bob_attempt.question_ids, bob_attempt),
    )
    assert own.status_code == 302
    bob_attempt.refresh_from_db()
    assert bob_attempt.passed is True


def test_a_learners_own_earlier_submission_does_not_pass_a_new_attempt(client, sample_course):
    ann = UserFactory()
    first = _open_quiz(client, sample_course, ann)
    captured = correct_answers(first.question_ids, first)
    assert client.post(reverse("quizzes:submit", args=[first.public_id]), captured).status_code == 302
    second = client.get(reverse("quizzes:take", args=[sample_course.slug, "signs"])).context["attempt"]
    assert second.pk != first.pk

    replay = client.post(reverse("quizzes:submit", args=[second.public_id]), captured)

    assert replay.status_code == 400
    second.refresh_from_db()
    assert second.submitted_at is None
    assert not Answer.objects.filter(attempt=second).exists()


def test_the_page_shows_different_values_in_each_attempt_and_the_same_on_reload(client, sample_course):
    ann, bob = UserFactory(), UserFactory()
    _open_quiz(client, sample_course, ann)
    ann_values = _page_values(client, sample_course)
    assert ann_values and ann_values == _page_values(client, sample_course)
    _open_quiz(client, sample_course, bob)
    assert not ann_values & _page_values(client, sample_course)
