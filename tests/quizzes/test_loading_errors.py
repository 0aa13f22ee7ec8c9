"""Bad quiz files give clear errors (file, line, problem) and load nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.loading import ContentError, load_courses
from courses.models import Course, Unit
from quizzes import services
from quizzes.models import Attempt, Question, Quiz
from tests.quizzes.loading_helpers import edit_quiz, question_spec, quiz_path, quiz_rows, take_and_submit

pytestmark = pytest.mark.django_db


# Errors ------------------------------------------------------------------------------------------------


def set_type(data):
    data["questions"][0]["type"] = "essay"


def no_correct(data):
    data["questions"][0]["options"][0]["correct"] = False


def two_correct(data):
    data["questions"][0]["options"][1]["correct"] = True


def unknown_scenario(data):
    data["questions"][0]["scenario"] = "night-shift"


def unknown_question_pathway(data):
    data["questions"][1]["pathways"] = ["hotel-staff"]


def unknown_scenario_pathway(data):
    data["scenarios"][0]["pathways"] = ["taxi-drivers", "hotel-staff"]


def duplicate_question_key(data):
    data["questions"][1]["key"] = "who-pays"


def duplicate_scenario_key(data):
    data["scenarios"].append(dict(data["scenarios"][0]))


def duplicate_option_key(data):
    for option in data["questions"][1]["options"]:
        option["key"] = "same"


def multiple_without_correct(data):
    for option in data["questions"][1]["options"]:
        option["correct"] = False


def unknown_field(data):
    data["questions"][2]["answer"] = "Talk to the child"


def pair_without_answer(data):
    del data["questions"][3]["pairs"][1]["answer"]


def option_without_feedback(data):
    del data["questions"][1]["options"][2]["feedback"]


def line_of(path: Path, marker: str, nth: int = 1) -> int:
    """The line number of the nth line containing marker, in the file as the test wrote it."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), start=1) if marker in line]
    return lines[nth - 1]


@pytest.mark.parametrize(
    ("change", "where", "marker", "message"),
    [
        (
            set_type,
            "questions[0].type",
            ("type: essay", 1),
            "unknown question type 'essay'; expected one of: matching, multiple, ordering, single",
        ),
        (
            no_correct,
            "questions[0].options",
            ("options:", 1),
            "a single-choice question needs exactly one correct option, found 0",
        ),
        (
            two_correct,
            "questions[0].options",
            ("options:", 1),
            "a single-choice question needs exactly one correct option, found 2",
        ),
        (
            unknown_scenario,
            "questions[0].scenario",
            ("scenario: night-shift", 1),
            "unknown scenario 'night-shift'; define it under scenarios:",
        ),
        (
            unknown_question_pathway,
            "questions[1].pathways",
            ("pathways:", 2),
            "unknown pathway 'hotel-staff'; this course has: foster-carers, taxi-drivers",
        ),
        (
            unknown_scenario_pathway,
            "scenarios[0].pathways",
            ("pathways:", 1),
            "unknown pathway 'hotel-staff'; this course has: foster-carers, taxi-drivers",
        ),
        (
            duplicate_question_key,
            "questions[1].key",
            ("key: who-pays", 2),
            "question key 'who-pays' is used twice",
        ),
        (
            duplicate_scenario_key,
            "scenarios[1].key",
            ("key: late-fare", 2),
            "scenario key 'late-fare' is used twice",
        ),
        (duplicate_option_key, "questions[1]", ("key: signs-all", 1), "two options share the same key"),
        (
            multiple_without_correct,
            "questions[1].options",
            ("options:", 2),
            "a multiple-response question needs at least one correct option",
        ),
        (unknown_field, "questions[2].answer", ("answer: Talk to the child", 1), "unknown field 'answer'; "),
        (
            pair_without_answer,
            "questions[3].pairs[1].answer",
            ("prompt: You suspect exploitation", 1),
            "missing field",
        ),
        (
            option_without_feedback,
            "questions[1].options[2].feedback",
            ("text: They like football", 1),
            "missing field",
        ),
    ],
)
def test_bad_quiz_file_gives_a_clear_error_and_loads_nothing(content, change, where, marker, message):
    edit_quiz(content, change)
    line = line_of(quiz_path(content), *marker)

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert len(raised.value.errors) == 1, raised.value.errors
    [error] = raised.value.errors
    assert error.startswith(f"content/sample-course/quizzes/01-signs.yaml: {where} (line {line}): {message}")
    assert not Course.objects.exists()
    assert not Quiz.objects.exists()
    assert not Question.objects.exists()


def test_duplicate_yaml_key_names_the_line(content):
    path = quiz_path(content)
    assert path.read_text().startswith("pass_mark: 80\n")
    path.write_text("pass_mark: 70\n" + path.read_text())

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    [error] = raised.value.errors
    assert error.startswith("content/sample-course/quizzes/01-signs.yaml (line 2, column 1): not valid YAML")
    assert "duplicate key 'pass_mark'" in error
    assert not Course.objects.exists()


def test_quiz_file_without_a_unit_file_is_an_error(content):
    shutil.copy(quiz_path(content), quiz_path(content, "04-missing.yaml"))

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert raised.value.errors == [
        "content/sample-course/quizzes/04-missing.yaml: no unit file units/04-missing.yaml for this quiz "
        "(a quiz file takes the same name as its unit's file)"
    ]
    assert not Course.objects.exists()


def test_every_error_in_every_file_is_reported_at_once(content):
    edit_quiz(content, set_type)
    edit_quiz(
        content, lambda data: data["questions"][0]["options"][0].update(correct=False), "02-pass-it-on.yaml"
    )

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert [error.split(":")[0] for error in raised.value.errors] == [
        "content/sample-course/quizzes/01-signs.yaml",
        "content/sample-course/quizzes/02-pass-it-on.yaml",
    ]


def test_bad_edit_after_a_good_load_changes_nothing(content):
    load_courses(content)
    before = quiz_rows()
    version = Course.objects.get().version

    def reword_then_break(data):
        data["questions"][0]["prompt"] = "Changed?"
        data["questions"][1]["options"][0]["correct"] = "yes"

    edit_quiz(content, reword_then_break)
    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert "questions[1].options[0].correct" in raised.value.errors[0]
    assert "must be true or false, got 'yes'" in raised.value.errors[0]
    assert quiz_rows() == before
    assert Course.objects.get().version == version


def test_unreadable_unit_file_is_reported_once_and_its_quiz_still_checked(content):
    """The unit's own error is enough: its quiz is not said to lack a unit file, but is still checked."""
    (content / "sample-course" / "units" / "01-signs.yaml").write_text("slug: [")
    edit_quiz(content, set_type)

    with pytest.raises(ContentError) as raised:
        load_courses(content)

    assert [error.split(": ")[0] for error in raised.value.errors] == [
        "content/sample-course/units/01-signs.yaml (line 1, column 8)",
        "content/sample-course/quizzes/01-signs.yaml",
    ]
    assert "unknown question type 'essay'" in raised.value.errors[1]
    assert not Course.objects.exists()


def test_a_quiz_with_no_question_for_a_pathway_is_refused(content):
    def only_taxi(data):
        for question in data["questions"]:
            question["pathways"] = ["taxi-drivers"]
            question.pop("scenario", None)

    edit_quiz(content, only_taxi)
    with pytest.raises(ContentError) as caught:
        load_courses(content)
    assert any("no question in this quiz is for pathway 'foster-carers'" in e for e in caught.value.errors)
    assert not Course.objects.exists()


def test_a_question_cannot_reach_pathways_its_scenario_is_not_for(content):
    edit_quiz(content, lambda data: question_spec(data, "who-pays").update(pathways=["foster-carers"]))
    with pytest.raises(ContentError) as caught:
        load_courses(content)
    assert any(
        "question 'who-pays' is limited to pathways that its scenario" in e for e in caught.value.errors
    )


def test_a_unit_whose_quiz_has_attempts_cannot_be_removed_by_the_files(content):
    load_courses(content)
    take_and_submit("taxi-drivers", "signs", right=False)
    course_dir = content / "sample-course"
    (course_dir / "units" / "01-signs.yaml").unlink()
    (course_dir / "quizzes" / "01-signs.yaml").unlink()

    with pytest.raises(ContentError) as caught:
        load_courses(content)

    assert (
        "unit 'signs' was removed from the files but learners have quiz attempts on it"
        in caught.value.errors[0]
    )
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_the_admin_keeps_completed_by_quiz_in_step_with_an_active_quiz(content):
    load_courses(content)
    unit = Unit.objects.get(slug="signs")
    quiz = unit.quiz
    quiz.is_active = False
    quiz.save()
    services.quiz_unit_sync(quiz=quiz)
    unit.refresh_from_db()
    assert unit.completed_by_quiz is False
    quiz.is_active = True
    quiz.save()
    services.quiz_unit_sync(quiz=quiz)
    unit.refresh_from_db()
    assert unit.completed_by_quiz is True
