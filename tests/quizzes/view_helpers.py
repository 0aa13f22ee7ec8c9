"""Helpers for the quiz page tests: URLs, enrolling, reading attempts, answering, parsing the form."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from courses import services as course_services
from courses.models import UnitProgress
from quizzes import selectors
from quizzes.models import Answer, Attempt, Choice, Question
from tests.quizzes.factories import quiz_data

COURSE = "sample-course"


def take_url(unit_slug: str = "signs") -> str:
    return reverse("quizzes:take", args=[COURSE, unit_slug])


def submit_url(attempt) -> str:
    return reverse("quizzes:submit", args=[attempt.public_id])


def result_url(attempt) -> str:
    return reverse("quizzes:result", args=[attempt.public_id])


def enrol(user, pathway_slug: str, course, *, open_units: bool = True):
    """Enrol the learner; by default they have opened every unit (as the unit pages record), so its quiz is
    open to them. `open_units=False`: a learner who has opened nothing yet."""
    enrolment = course_services.enrolment_create(learner=user, pathway=course.pathways.get(slug=pathway_slug))
    if open_units:
        open_all_units(enrolment)
    return enrolment


def open_all_units(enrolment) -> None:
    for unit in enrolment.course.units.all():
        course_services.unit_visit(enrolment=enrolment, unit=unit)


def open_attempt(enrolment, unit_slug: str = "signs") -> Attempt:
    return Attempt.objects.get(enrolment=enrolment, quiz__unit__slug=unit_slug, submitted_at__isnull=True)


def questions_of(attempt) -> list[tuple[Question, list[Choice]]]:
    return selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)


def question_of(attempt, kind) -> tuple[Question, list[Choice]]:
    return next((q, c) for q, c in questions_of(attempt) if isinstance(q, kind))


def answers(attempt, *, right: bool = True) -> dict:
    return quiz_data(questions_of(attempt), right=right)


def rows() -> dict:
    """Every row a quiz submission could write."""
    return {
        "attempts": list(Attempt.objects.order_by("pk").values()),
        "answers": list(Answer.objects.order_by("pk").values()),
        "progress": list(UnitProgress.objects.order_by("pk").values()),
    }


def without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which change from one response to the next."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


class Form(HTMLParser):
    """The fields of a page's forms: inputs, selects with their options, labels, and every attribute seen."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}
        self.field_attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value) on form controls
        self._select: str | None = None
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "select", "option", "label"}:
            self.field_attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "input":
            self.inputs.append(attributes)
        elif tag == "select":
            self._select = attributes["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(attributes.get("value", ""))
        elif tag == "label":
            self._label = attributes.get("for")
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data
