"""Helpers for the quiz loader tests: edit a quiz file, snapshot the quiz rows, take a quiz."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.forms.models import model_to_dict

from courses import services as course_services
from courses.models import Pathway
from quizzes import selectors, services
from quizzes.models import Choice, Question, Quiz, Scenario
from tests.elearning.factories import UserFactory
from tests.quizzes.factories import quiz_data


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
    course_services.unit_visit(enrolment=enrolment, unit=quiz.unit)  # read before you are tested
    attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
    questions = selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)
    data = quiz_data(questions, right=right)
    return services.attempt_submit(attempt=attempt, data=data).attempt
