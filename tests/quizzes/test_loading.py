"""Quiz files load with `load_courses`: in place by key, idempotent, all or nothing, with clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.forms.models import model_to_dict

from courses import services as course_services
from courses.loading import ContentError, load_courses
from courses.models import Course, Pathway, Unit
from quizzes import selectors, services
from quizzes.models import (
    Answer,
    Attempt,
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
from tests.elearning.factories import UserFactory
from tests.quizzes.factories import quiz_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path) -> Path:
    """A private copy of the sample content that a test may edit."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


def quiz_path(content: Path, name: str = "01-signs.yaml") -> Path:
    return content / "sample-course" / "quizzes" / name


def edit_quiz(content: Path, change, name: str = "01-signs.yaml") -> None:
    path = quiz_path(content, name)
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def question_spec(data: dict, key: str) -> dict:
    return next(q for q in data["questions"] if q["key"] == key)


def quiz_rows() -> list:
    """Every quiz row the loader writes, with its id and fields, to compare before and after."""
    rows = []
    for model in (Quiz, Scenario, Choice):
        rows += [(model.__name__, model_to_dict(obj)) for obj in model.objects.order_by("pk")]
    for question in Question.objects.order_by("pk"):
        fields = model_to_dict(question, exclude=["pathways"])
        fields["pathways"] = sorted(question.pathways.values_list("slug", flat=True))
        rows.append((type(question).__name__, fields))
    for scenario in Scenario.objects.order_by("pk"):
        rows.append(("scenario pathways", sorted(scenario.pathways.values_list("slug", flat=True))))
    return rows


def take_and_submit(pathway_slug: str, unit_slug: str, *, right: bool = True):
    """A new learner takes a quiz through the services and submits it."""
    pathway = Pathway.objects.get(slug=pathway_slug)
    enrolment = course_services.enrolment_create(learner=UserFactory(), pathway=pathway)
    quiz = Quiz.objects.get(unit__slug=unit_slug)
    attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
    questions = selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)
    data = quiz_data(questions, right=right)
    return services.attempt_submit(attempt=attempt, data=data).attempt


# Loading -----------------------------------------------------------------------------------------------


def test_load_creates_quizzes_questions_choices_and_scenarios(content):
    load_courses(content)

    course = Course.objects.get(slug="sample-course")
    units = {u.slug: u for u in Unit.objects.filter(course=course)}
    assert units["signs"].completed_by_quiz and units["pass-it-on"].completed_by_quiz
    assert not units["next-steps"].completed_by_quiz
    assert not Quiz.objects.filter(unit=units["next-steps"]).exists()

    quiz = Quiz.objects.get(unit=units["signs"])
    assert (quiz.pass_mark, quiz.max_attempts, quiz.is_active) == (80, None, True)
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
    assert answer.snapshot["items"][0]["feedback"] == "101 is not for immediate danger."


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

    load_courses(content)

    quiz = Quiz.objects.get(unit__slug="pass-it-on")
    assert quiz.is_active is False
    assert Unit.objects.get(slug="pass-it-on").completed_by_quiz is False
    assert quiz.questions.count() == 2


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
