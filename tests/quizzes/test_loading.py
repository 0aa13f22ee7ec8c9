"""Quiz files load with `load_courses`: in place by key, idempotent, all or nothing."""

from __future__ import annotations

import shutil

import pytest

from courses.loading import load_courses
from courses.models import Course, Pathway, Unit
from quizzes import selectors
from quizzes.models import (
    Answer,
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    Scenario,
    SingleChoiceQuestion,
)
from tests.conftest import SAMPLE_CONTENT
from tests.courses.content_edits import release
from tests.quizzes.loading_helpers import edit_quiz, question_spec, quiz_path, quiz_rows, take_and_submit

pytestmark = pytest.mark.django_db


# Loading -----------------------------------------------------------------------------------------------


def test_load_creates_quizzes_questions_choices_and_scenarios(content):
    load_courses(content)

    course = Course.objects.get(slug="sample-course")
    units = {u.slug: u for u in Unit.objects.filter(course=course)}
    assert units["signs"].completed_by_quiz and units["pass-it-on"].completed_by_quiz
    assert not units["next-steps"].completed_by_quiz
    assert not Quiz.objects.filter(unit=units["next-steps"]).exists()

    quiz = Quiz.objects.get(unit=units["signs"])
    assert (quiz.pass_mark, quiz.max_attempts, quiz.is_active) == (
        80,
        3,
        True,
    )  # the course default (assessment rules)
    questions = list(quiz.questions.order_by("order"))
    assert [(q.key, type(q)) for q in questions] == [
        ("who-pays", SingleChoiceQuestion),
        ("signs-all", MultipleResponseQuestion),
        ("what-first", OrderingQuestion),
        ("who-to-call", MatchingQuestion),
    ]
    who_pays, signs_all, what_first, who_to_call = questions
    assert who_pays.section == "Unit 1: Spotting the signs — the signs list"
    assert who_pays.explanation.startswith("The guide lists")
    assert [(c.key, c.is_correct) for c in who_pays.choices.all()] == [("a", True), ("b", False)]
    assert (
        who_pays.choices.get(key="b").feedback
        == "Someone else paying a child's fare is a sign on the guide's list."
    )
    assert [c.is_correct for c in signs_all.choices.all()] == [True, True, False]
    assert [(c.text, c.position) for c in what_first.choices.all()] == [
        ("Talk to the child", 1),
        ("Reassure them it is not their fault", 2),
        ("Pass it on", 3),
    ]
    assert [(c.text, c.match) for c in who_to_call.choices.all()] == [
        ("A child is in immediate danger", "999"),
        ("You suspect exploitation", "101"),
    ]
    assert who_to_call.distractors == ["116000"]

    scenario = Scenario.objects.get(quiz=quiz)
    assert scenario.key == "late-fare"
    assert scenario.text.startswith("You collect a girl of about 14")
    assert list(scenario.pathways.values_list("slug", flat=True)) == ["taxi-drivers"]
    assert who_pays.scenario == scenario
    assert Question.objects.count() == 6
    assert Choice.objects.count() == 2 + 3 + 3 + 2 + 2 + 3


def test_scenario_and_question_pathways_limit_who_is_asked(content):
    def limit(data):
        question_spec(data, "signs-all")["pathways"] = ["foster-carers"]

    edit_quiz(content, limit)
    load_courses(content)

    questions = {q.key: q for q in Question.objects.all()}
    assert list(questions["who-pays"].pathways.values_list("slug", flat=True)) == ["taxi-drivers"]
    assert list(questions["signs-all"].pathways.values_list("slug", flat=True)) == ["foster-carers"]
    assert not questions["what-first"].pathways.exists()
    quiz = Quiz.objects.get(unit__slug="signs")
    asked = {
        pathway.slug: [
            Question.objects.get(pk=pk).key
            for pk in selectors.question_ids_for_pathway(quiz=quiz, pathway=pathway)
        ]
        for pathway in Pathway.objects.all()
    }
    assert asked == {
        "taxi-drivers": ["who-pays", "what-first", "who-to-call"],
        "foster-carers": ["signs-all", "what-first", "who-to-call"],
    }


def test_pass_mark_and_max_attempts_come_from_the_file(content):
    def settings(data):
        data["pass_mark"] = 60
        data["max_attempts"] = 3

    edit_quiz(content, settings, "02-pass-it-on.yaml")
    load_courses(content)

    quiz = Quiz.objects.get(unit__slug="pass-it-on")
    assert (quiz.pass_mark, quiz.max_attempts) == (60, 3)


def test_reload_is_idempotent(content):
    load_courses(content)
    before = quiz_rows()

    [result] = load_courses(content)

    assert result.action == "unchanged"
    assert quiz_rows() == before


def test_reload_of_a_changed_course_rewrites_no_quiz_row(content):
    """Another file of the course changes: the quizzes are applied again, in place, with the same ids."""
    load_courses(content)
    before = quiz_rows()
    unit_file = content / "sample-course" / "units" / "03-next-steps.yaml"
    unit_file.write_text(unit_file.read_text().replace("title:", "title: Changed", 1))

    [result] = load_courses(content)

    assert (result.action, result.version) == ("updated", 2)
    assert quiz_rows() == before


def test_editing_a_question_keeps_its_id_and_the_attempt_history(content):
    load_courses(content)
    attempt = take_and_submit("foster-carers", "pass-it-on", right=False)
    question = Question.objects.get(key="danger")
    choice_ids = list(question.choices.values_list("pk", flat=True))
    answer = Answer.objects.get(attempt=attempt, question=question)

    def reword(data):
        danger = question_spec(data, "danger")
        danger["prompt"] = "A child is in immediate danger right now. What do you do first?"
        danger["options"][1]["feedback"] = "101 is for when there is no immediate danger."

    edit_quiz(content, reword, "02-pass-it-on.yaml")
    load_courses(content)

    edited = Question.objects.get(key="danger")
    assert edited.pk == question.pk
    assert edited.prompt == "A child is in immediate danger right now. What do you do first?"
    assert list(edited.choices.values_list("pk", flat=True)) == choice_ids
    assert edited.choices.get(key="b").feedback == "101 is for when there is no immediate danger."
    answer.refresh_from_db()
    assert answer.question_id == question.pk
    # History reads as the learner saw it.
    assert answer.snapshot["prompt"] == "A child is in immediate danger. What do you do?"
    picked = next(item for item in answer.snapshot["items"] if item["chosen"] == "chosen")
    assert picked["feedback"] == "101 is not for immediate danger."


def test_removed_question_becomes_inactive_and_keeps_its_history(content):
    load_courses(content)
    attempt = take_and_submit("taxi-drivers", "pass-it-on")
    diary = Question.objects.get(key="diary")

    edit_quiz(content, lambda data: data["questions"].pop(1), "02-pass-it-on.yaml")
    load_courses(content)

    diary.refresh_from_db()
    assert diary.is_active is False
    assert diary.choices.count() == 3
    assert Answer.objects.filter(attempt=attempt, question=diary).exists()
    quiz = Quiz.objects.get(unit__slug="pass-it-on")
    taxi = Pathway.objects.get(slug="taxi-drivers")
    assert diary.pk not in selectors.question_ids_for_pathway(quiz=quiz, pathway=taxi)

    # Putting it back brings back the same question.
    shutil.copy(
        SAMPLE_CONTENT / "sample-course" / "quizzes" / "02-pass-it-on.yaml",
        quiz_path(content, "02-pass-it-on.yaml"),
    )
    load_courses(content)
    diary.refresh_from_db()
    assert diary.is_active is True
    assert diary.pk in selectors.question_ids_for_pathway(quiz=quiz, pathway=taxi)


def test_changing_a_question_type_keeps_the_answers_snapshot(content):
    load_courses(content)
    attempt = take_and_submit("taxi-drivers", "pass-it-on")
    old = Question.objects.get(key="danger")

    def to_multiple(data):
        question_spec(data, "danger")["type"] = "multiple"

    edit_quiz(content, to_multiple, "02-pass-it-on.yaml")
    load_courses(content)

    new = Question.objects.get(key="danger")
    assert isinstance(new, MultipleResponseQuestion)
    assert not Question.objects.filter(pk=old.pk).exists()
    answer = Answer.objects.get(attempt=attempt, order=1)
    assert answer.question_id is None
    assert answer.snapshot["prompt"] == "A child is in immediate danger. What do you do?"


def test_removed_quiz_file_deactivates_the_quiz(content):
    load_courses(content)
    quiz_path(content, "02-pass-it-on.yaml").unlink()
    # Its feedback taught "101": removing numbers a course teaches is a material change (review 26 item 5).
    release(content / "sample-course", "2.0", what_changed="The quiz on passing it on is retired.")

    load_courses(content)

    quiz = Quiz.objects.get(unit__slug="pass-it-on")
    assert quiz.is_active is False
    assert Unit.objects.get(slug="pass-it-on").completed_by_quiz is False
    assert quiz.questions.count() == 2
