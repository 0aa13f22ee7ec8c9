"""Reads for quiz pages: which questions a pathway is set, the questions of an attempt, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from quizzes import selectors
from quizzes.models import (
    Attempt,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    SingleChoiceQuestion,
)
from tests.courses.factories import EnrolmentFactory, PathwayFactory
from tests.elearning.factories import UserFactory
from tests.quizzes.factories import (
    AttemptFactory,
    QuizFactory,
    ScenarioFactory,
    make_matching,
    make_multiple,
    make_ordering,
    make_single,
)

pytestmark = pytest.mark.django_db


def test_pathway_is_set_common_questions_and_its_own(django_assert_num_queries):
    quiz = QuizFactory()
    drivers = PathwayFactory(course=quiz.unit.course)
    carers = PathwayFactory(course=quiz.unit.course)
    common = make_single(quiz, key="common", order=3)
    for_drivers = make_multiple(quiz, key="drivers", order=1)
    for_drivers.pathways.add(drivers)
    for_both = make_ordering(quiz, key="both", order=2)
    for_both.pathways.add(drivers, carers)
    make_matching(quiz, key="carers", order=0).pathways.add(carers)
    make_single(quiz, key="retired", order=4, is_active=False)
    make_single(QuizFactory(), key="other-quiz")

    with django_assert_num_queries(1):
        ids = selectors.question_ids_for_pathway(quiz=quiz, pathway=drivers)

    assert ids == [for_drivers.pk, for_both.pk, common.pk]


@pytest.mark.parametrize("per_type", [2, 5])
def test_questions_with_choices_costs_one_query_per_type(django_assert_num_queries, per_type):
    quiz = QuizFactory()
    scenario = ScenarioFactory(quiz=quiz)
    ids = []
    for n in range(per_type):
        ids += [
            make_matching(quiz, key=f"m{n}").pk,
            make_single(quiz, key=f"s{n}", scenario=scenario).pk,
            make_ordering(quiz, key=f"o{n}").pk,
            make_multiple(quiz, key=f"r{n}").pk,
        ]
    ContentType.objects.get_for_model(Question)

    # Base rows (with scenarios), one per type, all choices.
    with django_assert_num_queries(1 + 4 + 1):
        result = selectors.questions_with_choices(question_ids=ids)
        assert all(q.scenario.text for q, _ in result if isinstance(q, SingleChoiceQuestion))

    assert [q.pk for q, _ in result] == ids  # the attempt's order, not the quiz's
    assert [type(q) for q, _ in result[:4]] == [
        MatchingQuestion,
        SingleChoiceQuestion,
        OrderingQuestion,
        MultipleResponseQuestion,
    ]
    for question, choices in result:
        assert choices == list(question.choices.order_by("order", "id"))


def test_questions_with_choices_leaves_out_retired_and_missing_questions():
    quiz = QuizFactory()
    kept = make_single(quiz, key="kept")
    retired = make_single(quiz, key="retired")
    retired.is_active = False
    retired.save()

    result = selectors.questions_with_choices(question_ids=[retired.pk, 999_999, kept.pk])

    assert [q.pk for q, _ in result] == [kept.pk]


def test_attempt_is_found_only_for_its_own_learner(django_assert_num_queries):
    attempt = AttemptFactory()
    with django_assert_num_queries(1):
        found = selectors.attempt_get_for_learner(
            public_id=attempt.public_id, learner=attempt.enrolment.learner
        )
        assert found.quiz.unit.course == attempt.enrolment.course
    with pytest.raises(Attempt.DoesNotExist):
        selectors.attempt_get_for_learner(public_id=attempt.public_id, learner=UserFactory())


def test_history_lists_submitted_attempts_newest_first():
    enrolment = EnrolmentFactory()
    quiz = QuizFactory(unit__course=enrolment.course)
    now = timezone.now()
    older = AttemptFactory(
        enrolment=enrolment, quiz=quiz, submitted_at=now - timedelta(days=2), score=40, passed=False
    )
    newer = AttemptFactory(enrolment=enrolment, quiz=quiz, submitted_at=now, score=90, passed=True)
    open_attempt = AttemptFactory(enrolment=enrolment, quiz=quiz)
    AttemptFactory(quiz=quiz, submitted_at=now, score=100, passed=True)  # someone else's

    assert list(selectors.attempt_history(enrolment=enrolment, quiz=quiz)) == [newer, older]
    assert selectors.attempt_open(enrolment=enrolment, quiz=quiz) == open_attempt
    assert selectors.passed_unit_ids(enrolment=enrolment) == {quiz.unit_id}
