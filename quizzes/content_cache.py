"""Quiz content in process memory, per content version (issue 20): a course's active quizzes by unit slug,
each pathway's question bank, and every active question of a quiz (as its concrete type, with its scenario)
with its choices.

Keyed on the course's `version` (a reload of its files) and `updated_at` (an admin edit marks the course
changed), which the pages read with the course row anyway, so a new release or an edit made in another
process is seen on the next request. A save or delete of a quiz, scenario, question or choice in this process
clears everything at once (signals below). Entries of older versions are dropped when the table grows past
MAX_ENTRIES. Callers get copies of the model instances (and fresh lists), so a per-attempt value (the option
salt) or an attribute set by one request never reaches another; the shuffle stays per attempt
(Question.options).
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_delete, post_save

from courses.models import Course, Unit

from .models import Choice, Question, Quiz, Scenario

MAX_ENTRIES = 2000
_entries: dict[tuple, Any] = {}
_lock = threading.Lock()


def course_key(course: Course) -> tuple:
    return (course.pk, course.version, course.updated_at)


def cached(kind: str, course: Course, extra: Any, build: Callable[[], Any]) -> Any:
    key = (kind, course_key(course), extra)
    try:
        return _entries[key]
    except KeyError:
        pass
    value = build()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = value
    return value


def clear() -> None:
    with _lock:
        _entries.clear()


def course_of(quiz: Quiz) -> Course | None:
    """The quiz's course when it is already loaded with it (quiz.unit.course), else None: no query."""
    if not Quiz._meta.get_field("unit").is_cached(quiz):
        return None
    unit = quiz.unit
    return unit.course if type(unit)._meta.get_field("course").is_cached(unit) else None


def copy_quiz(quiz: Quiz, course: Course) -> Quiz:
    """A copy of a cached quiz with a copy of its unit, the unit's course being the request's."""
    mine = copy.copy(quiz)
    mine.unit = copy.copy(quiz.unit)
    mine.unit.course = course
    return mine


def quiz_questions(quiz: Quiz, course: Course) -> tuple[dict[int, Question], dict[int, list[Choice]]]:
    """The active questions of the quiz by id (concrete types, scenario loaded) and their choices in order."""

    def build():
        questions = {
            q.pk: q
            for q in Question.objects.filter(quiz_id=quiz.pk, is_active=True).select_related("scenario")
        }
        choices: dict[int, list[Choice]] = defaultdict(list)
        for choice in Choice.objects.filter(question_id__in=list(questions)).order_by("order", "id"):
            choices[choice.question_id].append(choice)
        return questions, dict(choices)

    return cached("questions", course, quiz.pk, build)


CONTENT = (Quiz, Scenario, Question, Choice, Unit)


def _content_changed(sender, instance, **kwargs) -> None:
    # Not by sender: a question is saved as its concrete type (polymorphic subclasses).
    if isinstance(instance, CONTENT):
        clear()


post_save.connect(_content_changed, dispatch_uid="quizzes.content_cache.saved")
post_delete.connect(_content_changed, dispatch_uid="quizzes.content_cache.deleted")
