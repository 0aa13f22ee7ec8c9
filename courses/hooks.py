"""Extension points that let other apps plug into courses without courses importing them."""

from __future__ import annotations

from collections.abc import Callable

from .models import Course, Unit

_assessment_url: Callable[[Course, Unit], str] | None = None


def set_assessment_url(builder: Callable[[Course, Unit], str]) -> None:
    """Called by the app that assesses units (quizzes) to say where a unit's assessment lives."""
    global _assessment_url
    _assessment_url = builder


def assessment_url(*, course: Course, unit: Unit) -> str | None:
    return _assessment_url(course, unit) if _assessment_url else None
