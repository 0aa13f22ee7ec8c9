"""Extension points that let other apps plug into courses without courses importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Course, Enrolment, Unit

_assessment_url: Callable[[Course, Unit], str] | None = None


def set_assessment_url(builder: Callable[[Course, Unit], str]) -> None:
    """Called by the app that assesses units (quizzes) to say where a unit's assessment lives."""
    global _assessment_url
    _assessment_url = builder


def assessment_url(*, course: Course, unit: Unit) -> str | None:
    return _assessment_url(course, unit) if _assessment_url else None


@dataclass(frozen=True)
class CompletionNote:
    """Said instead of "Completed" on a completed enrolment (e.g. its certificate was revoked)."""

    label: str
    detail: str


_completion_notes: Callable[[list[int]], dict[int, CompletionNote]] | None = None


def set_completion_notes(finder: Callable[[list[int]], dict[int, CompletionNote]]) -> None:
    """Called by the app that certifies completions (certificates): notes by enrolment id."""
    global _completion_notes
    _completion_notes = finder


def completion_notes(*, enrolments: list[Enrolment]) -> dict[int, CompletionNote]:
    """Notes for the completed enrolments given; one query at most, none when none is complete."""
    completed = [e.pk for e in enrolments if e.completed_at is not None]
    if not completed or _completion_notes is None:
        return {}
    return _completion_notes(completed)


_assessment_differences: Callable[[int, int, int], set[int]] | None = None


def set_assessment_differences(finder: Callable[[int, int, int], set[int]]) -> None:
    """Called by the app that assesses units (quizzes): (course id, pathway id, pathway id) -> the ids of
    units whose assessment differs between the two pathways."""
    global _assessment_differences
    _assessment_differences = finder


def assessment_differences(*, course_id: int, first_pathway_id: int, second_pathway_id: int) -> set[int]:
    if _assessment_differences is None:
        return set()
    return _assessment_differences(course_id, first_pathway_id, second_pathway_id)


_assessment_status: Callable[[Enrolment, Unit], str | None] | None = None


def set_assessment_status(builder: Callable[[Enrolment, Unit], str | None]) -> None:
    """Called by the assessing app: a plain-words line on the learner's standing (attempts left, a lock)."""
    global _assessment_status
    _assessment_status = builder


def assessment_status(*, enrolment: Enrolment, unit: Unit) -> str | None:
    return _assessment_status(enrolment, unit) if _assessment_status else None
