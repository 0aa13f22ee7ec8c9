"""Every write to quizzes: starting and submitting attempts. Passing completes the unit via courses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrolment

from . import selectors
from .models import Answer, Attempt, InvalidResponse, Quiz


class AttemptNotAllowed(Exception):
    """The learner may not start or submit this attempt (limit reached, already submitted...)."""


@dataclass
class SubmitResult:
    attempt: Attempt | None
    errors: dict[int, str]  # question id -> message for the learner, when answers are missing
    responses: dict[int, dict]
    # The quiz changed (a content reload or an admin edit) after the attempt was opened: it was voided,
    # nothing was graded, and the learner is shown the quiz as it is now.
    voided: bool = False


def _attempt_is_stale(attempt: Attempt, question_ids: list[int]) -> bool:
    """An open attempt no longer matches its quiz: other questions are set now, or the course's content
    changed after it was opened (a question edited in place keeps its id but not its meaning)."""
    return attempt.question_ids != question_ids or attempt.started_at < attempt.quiz.unit.course.updated_at


def attempt_start(*, enrolment: Enrolment, quiz: Quiz) -> Attempt:
    """Return the learner's open attempt at this quiz, or start one with the questions for their pathway.

    An open attempt whose questions no longer match (the learner changed pathway, or the content changed)
    has nothing recorded yet, so it is replaced by a fresh one."""
    question_ids = selectors.question_ids_for_pathway(quiz=quiz, pathway=enrolment.pathway)
    existing = selectors.attempt_open(enrolment=enrolment, quiz=quiz)
    if existing is not None:
        existing.quiz = quiz
        if not _attempt_is_stale(existing, question_ids):
            return existing
        Attempt.objects.filter(pk=existing.pk, submitted_at__isnull=True).delete()
    if quiz.max_attempts is not None:
        used = Attempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=False).count()
        if used >= quiz.max_attempts:
            raise AttemptNotAllowed(f"You have used all {quiz.max_attempts} attempts at this quiz.")
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                enrolment=enrolment, quiz=quiz, question_ids=question_ids, seed=secrets.randbelow(2**31)
            )
    except IntegrityError:
        # A concurrent request (double click, two tabs) started it first.
        return Attempt.objects.get(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True)


def attempt_submit(*, attempt: Attempt, data: Any) -> SubmitResult:
    """Grade and close an open attempt. Missing answers come back as errors and change nothing; tampered data
    raises InvalidResponse and changes nothing; a second submit raises AttemptNotAllowed."""
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz__unit__course", "enrolment")
            .get(pk=attempt.pk)
        )
        if locked.submitted_at is not None:
            raise AttemptNotAllowed("This attempt has already been submitted.")
        questions = selectors.questions_with_choices(question_ids=locked.question_ids, attempt=locked)
        # A frozen question gone (retired, deleted, retyped) or the content changed since it was opened:
        # never grade out of a different total, nor against questions the learner was not shown.
        found = [question.pk for question, _ in questions]
        if found != locked.question_ids or _attempt_is_stale(locked, locked.question_ids):
            Attempt.objects.filter(pk=locked.pk, submitted_at__isnull=True).delete()
            return SubmitResult(attempt=None, errors={}, responses={}, voided=True)
        errors: dict[int, str] = {}
        responses: dict[int, dict] = {}
        for question, choices in questions:
            response, error = question.parse(data, choices)
            responses[question.pk] = response
            if error:
                errors[question.pk] = error
        if errors:
            return SubmitResult(attempt=None, errors=errors, responses=responses)

        answers = []
        total = 0.0
        for order, (question, choices) in enumerate(questions, start=1):
            grade = question.grade(responses[question.pk], choices)
            total += grade.score
            answers.append(
                Answer(
                    attempt=locked,
                    question=question,
                    order=order,
                    response=responses[question.pk],
                    score=grade.score,
                    is_correct=grade.is_correct,
                    snapshot={
                        "type": question.type_name,
                        "prompt": question.prompt,
                        "scenario": question.scenario.text if question.scenario else "",
                        "section": question.section,
                        "explanation": question.explanation,
                        "items": [item.__dict__ for item in grade.items],
                    },
                )
            )
        Answer.objects.bulk_create(answers)
        locked.score = round(100 * total / len(questions)) if questions else 0
        locked.passed = locked.score >= locked.quiz.pass_mark
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["score", "passed", "submitted_at"])
        if locked.passed and not locked.enrolment.is_complete:
            course_services.unit_complete(enrolment=locked.enrolment, unit=locked.quiz.unit)
    return SubmitResult(attempt=locked, errors={}, responses=responses)


def quiz_unit_sync(*, quiz: Quiz | None = None, unit=None) -> None:
    """Keep the unit's "completed by quiz" flag true exactly while it has an active quiz (after admin edits),
    so a unit is never passable without its quiz, nor stuck behind one that is switched off."""
    unit = quiz.unit if quiz is not None else unit
    needed = Quiz.objects.filter(unit=unit, is_active=True).exists()
    if unit.completed_by_quiz != needed:
        unit.completed_by_quiz = needed
        unit.save(update_fields=["completed_by_quiz"])


__all__ = [
    "AttemptNotAllowed",
    "InvalidResponse",
    "SubmitResult",
    "attempt_start",
    "attempt_submit",
    "quiz_unit_sync",
]
