"""The loader's part of the assessment rules: a bank smaller than 2N for any pathway is refused with file and
line; the course's assessment.yaml sets the attempt limit and the cooling-off period."""

from __future__ import annotations

import pytest

from courses.loading import ContentError, load_courses
from courses.models import Course
from quizzes.models import Quiz
from tests.quizzes.loading_helpers import edit_quiz, quiz_path

pytestmark = pytest.mark.django_db
FILE = "content/sample-course/quizzes/01-signs.yaml"


def _line(path, marker: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if marker in line)


def test_a_bank_smaller_than_twice_the_draw_is_refused_with_file_and_line(content):
    edit_quiz(content, lambda data: data.update(questions_per_attempt=3))  # taxi drivers have 4 questions
    line = _line(quiz_path(content), "questions_per_attempt:")

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert (
        f"{FILE}: questions_per_attempt (line {line}): pathway 'taxi-drivers' has 4 question(s) in this "
        in ("\n".join(raised.value.errors))
    )
    assert "needs a bank of at least 6 (2 × 3) for every pathway" in raised.value.errors[-1]
    assert not Course.objects.exists()


def test_a_mix_the_bank_cannot_give_is_refused(content):
    edit_quiz(content, lambda data: data.update(questions_per_attempt=2, scenario_questions=2))
    line = _line(quiz_path(content), "scenario_questions:")

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert any(
        error.startswith(f"{FILE}: scenario_questions (line {line}): pathway 'taxi-drivers' has 1 scenario")
        for error in raised.value.errors
    ), raised.value.errors


def test_a_bank_of_twice_the_draw_loads_and_sets_the_pool(content):
    # Foster carers have 3 questions and no scenario here; taxi drivers 4 with one scenario question.
    edit_quiz(content, lambda data: data.update(questions_per_attempt=1))
    load_courses(content)
    quiz = Quiz.objects.get(unit__slug="signs")
    assert (quiz.questions_per_attempt, quiz.min_scenario_questions) == (1, 0)


def test_the_course_assessment_file_sets_limits(content):
    (content / "sample-course" / "assessment.yaml").write_text("attempts: 2\ncooling_off_hours: 48\n")
    load_courses(content)
    quiz = Quiz.objects.get(unit__slug="signs")
    assert (quiz.max_attempts, quiz.cooling_off_hours) == (2, 48)


def test_a_bad_assessment_file_names_its_line(content):
    (content / "sample-course" / "assessment.yaml").write_text("attempts: 2\ncooling_off_hours: 0\n")
    with pytest.raises(ContentError) as raised:
        load_courses(content)
    assert raised.value.errors == [
        "content/sample-course/assessment.yaml: cooling_off_hours (line 2): must be between 1 and 720, got 0"
    ]


def test_the_real_course_draws_5_of_at_least_10_with_a_scenario_question():
    load_courses()
    quizzes = Quiz.objects.filter(unit__course__slug="cse-awareness")
    assert quizzes.count() == 7
    for quiz in quizzes:
        assert (quiz.questions_per_attempt, quiz.min_scenario_questions) == (5, 1)
        assert (quiz.max_attempts, quiz.cooling_off_hours) == (3, 24)
