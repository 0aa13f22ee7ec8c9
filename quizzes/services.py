"""Every write to quizzes: starting and submitting attempts. Passing completes the unit via courses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from courses import services as course_services
from courses import stories as course_stories
from courses.models import Enrolment, UnitVisit

from . import rules, selectors
from .models import Answer, Attempt, InvalidResponse, LockReset, Quiz


class AttemptNotAllowed(Exception):
    """The learner may not start or submit this attempt (limit reached, already submitted...)."""


class UnitNotOpened(AttemptNotAllowed):
    """The learner has not opened the unit's content yet: read before you are tested."""


class QuizLocked(AttemptNotAllowed):
    """The allowed attempts failed: the quiz is locked until `allowance.locked_until`."""

    def __init__(self, allowance: rules.Allowance) -> None:
        super().__init__(
            gettext(
                "You have used all %(limit)s attempts at this quiz: it is locked for %(hours)s hours "
                "after the last one."
            )
            % {"limit": allowance.limit, "hours": allowance.cooling_off_hours}
        )
        self.allowance = allowance


@dataclass
class SubmitResult:
    attempt: Attempt | None
    errors: dict[int, str]  # question id -> message for the learner, when answers are missing
    responses: dict[int, dict]
    # The quiz changed (a content reload or an admin edit) after the attempt was opened: it was voided,
    # nothing was graded, and the learner is shown the quiz as it is now.
    voided: bool = False
    read: Attempt | None = None  # the attempt as read (locked) for this submit, whatever the outcome


def _attempt_is_stale(attempt: Attempt, bank_ids: list[int]) -> bool:
    """An open attempt no longer matches its quiz: a question it set has left the pathway's bank, or the
    course's content changed after it was opened (a question edited in place keeps its id, not its
    meaning)."""
    return (
        not set(attempt.question_ids) <= set(bank_ids)
        or attempt.started_at < attempt.quiz.unit.course.updated_at
    )


def attempt_start(*, enrolment: Enrolment, quiz: Quiz, allowance: rules.Allowance | None = None) -> Attempt:
    """Return the learner's open attempt at this quiz, or start one: questions drawn afresh from their
    pathway's bank (rules.draw_questions, seeded; the draw is stored on the attempt).

    Refused with UnitNotOpened before the learner has opened the unit's content (and reached an end of its
    story, if it has one: courses.services.unit_assessment_blocker), and with QuizLocked while
    the quiz is in a cooling-off lock. An open attempt whose questions no longer match (the learner changed
    pathway, or the content changed) has nothing recorded yet, so it is replaced by a fresh one."""
    blocker = course_services.unit_assessment_blocker(enrolment=enrolment, unit=quiz.unit)
    if blocker:  # not opened yet, or a story of the unit not reached to an end
        raise UnitNotOpened(blocker)
    course_services.unit_time_close(enrolment=enrolment)  # the learner has moved on from the unit page
    bank = selectors.question_bank_for_pathway(quiz=quiz, pathway=enrolment.pathway)
    bank_ids = [pk for pk, _ in bank]
    existing = selectors.attempt_open_read(enrolment=enrolment, quiz=quiz)
    if existing is not None:
        existing.quiz = quiz
        if not _attempt_is_stale(existing, bank_ids):
            return existing
        Attempt.objects.filter(pk=existing.pk, submitted_at__isnull=True).delete()
    allowance = allowance or rules.allowance_for(enrolment=enrolment, quiz=quiz)
    if allowance.is_locked:
        raise QuizLocked(allowance)
    seed = secrets.randbelow(2**31)
    question_ids = rules.draw_questions(
        bank, count=quiz.questions_per_attempt, min_scenario=quiz.min_scenario_questions, seed=seed
    )
    try:
        with transaction.atomic():
            created = Attempt.objects.create(
                enrolment=enrolment, quiz=quiz, question_ids=question_ids, seed=seed
            )
        selectors.enrolment_attempts_set_open(enrolment=enrolment, quiz=quiz, attempt=created)
        return created
    except IntegrityError:
        # A concurrent request (double click, two tabs) started it first.
        selectors.enrolment_attempts_forget(enrolment=enrolment)
        return Attempt.objects.get(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True)


def attempt_submit(*, attempt: Attempt, data: Any) -> SubmitResult:
    """Grade and close an open attempt. Missing answers come back as errors and change nothing; tampered data
    raises InvalidResponse and changes nothing; a second submit raises AttemptNotAllowed."""
    if Attempt._meta.get_field("enrolment").is_cached(attempt):
        selectors.enrolment_attempts_forget(enrolment=attempt.enrolment)  # read again after this submit
    return _submit(Q(pk=attempt.pk), data)


def attempt_submit_for_learner(*, public_id: Any, learner: Any, data: Any) -> SubmitResult:
    """The quiz page's submit: the learner's attempt by its public id, read once, locked (issue 20: one load
    per submit). Raises Attempt.DoesNotExist for unknown ids and other learners' attempts alike; the refusals
    (AttemptNotAllowed and its kinds) carry the attempt read as `.attempt`, for the page that explains."""
    return _submit(Q(public_id=public_id, enrolment__learner=learner), data)


def _submit(which: Q, data: Any) -> SubmitResult:
    with transaction.atomic():
        # One query: the attempt and its enrolment locked (a pass completes the unit under that lock), with
        # its quiz, unit and course, the learner's pathway, and whether the learner has opened the unit (read
        # before you are tested; a role change or a release can close it again).
        locked = (
            Attempt.objects.select_for_update(of=("self", "enrolment"))
            .select_related("quiz__unit__course", "enrolment__pathway")
            .annotate(
                unit_opened=Exists(
                    UnitVisit.objects.filter(
                        enrolment_id=OuterRef("enrolment_id"), unit_id=OuterRef("quiz__unit_id")
                    )
                ),
                unfinished_story=course_stories.attempt_unfinished_story(),
            )
            .get(which)
        )
        if locked.enrolment.course_id == locked.quiz.unit.course_id:
            locked.enrolment.course = locked.quiz.unit.course  # the same row: not read twice
        try:
            return _grade(locked, data)
        except AttemptNotAllowed as refused:
            refused.attempt = locked
            raise


def _grade(locked: Attempt, data: Any) -> SubmitResult:
    """Grade the locked attempt, inside _submit's transaction and under its locks."""
    if locked.submitted_at is not None:
        raise AttemptNotAllowed("This attempt has already been submitted.")
    blocker = course_services.assessment_blocker_reason(
        opened=locked.unit_opened, unfinished_story=locked.unfinished_story
    )
    if blocker:  # not opened (a role change or a release can close it again), or a story not finished
        raise UnitNotOpened(blocker)
    allowance = rules.allowance_for(enrolment=locked.enrolment, quiz=locked.quiz)
    if allowance.is_locked:
        raise QuizLocked(allowance)
    questions = selectors.questions_with_choices(question_ids=locked.question_ids, attempt=locked)
    # A frozen question gone (retired, deleted, retyped) or the content changed since it was opened:
    # never grade out of a different total, nor against questions the learner was not shown.
    found = [question.pk for question, _ in questions]
    if found != locked.question_ids or _attempt_is_stale(locked, locked.question_ids):
        Attempt.objects.filter(pk=locked.pk, submitted_at__isnull=True).delete()
        return SubmitResult(attempt=None, errors={}, responses={}, voided=True, read=locked)
    errors: dict[int, str] = {}
    responses: dict[int, dict] = {}
    for question, choices in questions:
        response, error = question.parse(data, choices)
        responses[question.pk] = response
        if error:
            errors[question.pk] = error
    if errors:
        return SubmitResult(attempt=None, errors=errors, responses=responses, read=locked)

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
    locked.is_practice = allowance.passed
    spent = int((locked.submitted_at - locked.started_at).total_seconds())
    locked.seconds_spent = max(0, min(spent, rules.QUIZ_MAX_SECONDS))
    locked.save(update_fields=["score", "passed", "submitted_at", "is_practice", "seconds_spent"])
    course_services.enrolment_add_time(enrolment=locked.enrolment, seconds=locked.seconds_spent)
    if locked.passed and not locked.enrolment.is_complete:
        course_services.unit_complete(
            enrolment=locked.enrolment, unit=locked.quiz.unit, locked_enrolment=locked.enrolment
        )
    return SubmitResult(attempt=locked, errors={}, responses=responses, read=locked)


def lock_reset(*, enrolment: Enrolment, quiz: Quiz, by) -> LockReset:
    """Lift a cooling-off lock early (a manager of the learner's organisation, or staff): the failed attempts
    so far stop counting. Audited: who and when. Who may call it is the caller's check."""
    name = (getattr(by, "certificate_name", "") or "").strip() or getattr(by, "email", "") or "staff"
    return LockReset.objects.create(enrolment=enrolment, quiz=quiz, reset_by=by, reset_by_name=name[:250])


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
    "attempt_submit_for_learner",
    "lock_reset",
    "QuizLocked",
    "UnitNotOpened",
    "quiz_unit_sync",
]
