"""Extension points that let other apps plug into courses without courses importing them."""

from __future__ import annotations

from collections.abc import Callable

from .models import Course, Enrolment, Unit

_assessment_url: Callable[[Course, Unit], str] | None = None


def set_assessment_url(builder: Callable[[Course, Unit], str]) -> None:
    """Called by the app that assesses units (quizzes) to say where a unit's assessment lives."""
    global _assessment_url
    _assessment_url = builder


def assessment_url(*, course: Course, unit: Unit) -> str | None:
    return _assessment_url(course, unit) if _assessment_url else None


_assessment_status: Callable[[Enrolment, Unit], str | None] | None = None


def set_assessment_status(builder: Callable[[Enrolment, Unit], str | None]) -> None:
    """Called by the assessing app: a plain-words line on the learner's standing (attempts left, a lock)."""
    global _assessment_status
    _assessment_status = builder


def assessment_status(*, enrolment: Enrolment, unit: Unit) -> str | None:
    return _assessment_status(enrolment, unit) if _assessment_status else None
