"""Reads for quiz pages: the quiz of a unit, the questions of an attempt with their choices, history."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.models import Course, Enrolment, Pathway, Unit, UnitProgress
from courses.selectors import carried_unit_ids

from . import content_cache
from .models import Attempt, Choice, Question, Quiz


def quiz_for_unit(*, unit: Unit) -> Quiz:
    """Raises Quiz.DoesNotExist when the unit has no active quiz."""
    return Quiz.objects.select_related("unit").get(unit=unit, is_active=True)


def quiz_for_unit_slug(*, course: Course, unit_slug: str) -> Quiz:
    """The active quiz of a course's unit, with its unit (its course the one given): one query the first time
    per content version and process (quizzes.content_cache), then none; Quiz.DoesNotExist otherwise."""
    quiz = content_cache.cached(
        "quiz",
        course,
        unit_slug,
        lambda: Quiz.objects.select_related("unit").get(
            unit__course=course, unit__slug=unit_slug, is_active=True
        ),
    )
    return content_cache.copy_quiz(quiz, course)


def question_ids_for_pathway(*, quiz: Quiz, pathway: Pathway) -> list[int]:
    """Active questions this pathway is set: those open to all, plus those limited to this pathway."""
    return [pk for pk, _ in question_bank_for_pathway(quiz=quiz, pathway=pathway)]


def question_bank_for_pathway(*, quiz: Quiz, pathway: Pathway) -> list[tuple[int, bool]]:
    """The pathway's bank for this quiz, in the content's order: (question id, is about a scenario). Cached
    per content version when the quiz comes with its unit and course (quizzes.content_cache)."""
    course = content_cache.course_of(quiz)
    if course is not None:
        return list(content_cache.cached("bank", course, (quiz.pk, pathway.pk), lambda: _bank(quiz, pathway)))
    return _bank(quiz, pathway)


def _bank(quiz: Quiz, pathway: Pathway) -> list[tuple[int, bool]]:
    through = Question.pathways.through
    visible = Q(~Exists(through.objects.filter(question_id=OuterRef("pk")))) | Q(
        Exists(through.objects.filter(question_id=OuterRef("pk"), pathway_id=pathway.pk))
    )
    rows = (
        Question.objects.non_polymorphic()
        .filter(quiz=quiz, is_active=True)
        .filter(visible)
        .order_by("order", "id")
        .values_list("pk", "scenario_id")
    )
    return [(pk, scenario_id is not None) for pk, scenario_id in rows]


def questions_with_choices(
    *, question_ids: list[int], attempt: Attempt | None = None
) -> list[tuple[Question, list[Choice]]]:
    """The questions as their concrete types, in the given order, each with its choices; given the attempt,
    their option values are that attempt's own (Question.option_value).

    From quizzes.content_cache when the attempt comes with its quiz, unit and course (no query once cached per
    content version and process); else one query for the base rows, one per question type present and one
    for all choices."""
    course = content_cache.course_of(attempt.quiz) if attempt is not None and _quiz_loaded(attempt) else None
    if course is not None:
        cached, cached_choices = content_cache.quiz_questions(attempt.quiz, course)
        found = []
        for pk in question_ids:
            if pk in cached:
                question = copy.copy(cached[pk])
                question.option_salt = str(attempt.public_id)
                found.append((question, list(cached_choices.get(pk, []))))
        return found
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=question_ids, is_active=True).select_related("scenario")
    }
    if attempt is not None:
        for question in questions.values():
            question.option_salt = str(attempt.public_id)
    choices: dict[int, list[Choice]] = defaultdict(list)
    for choice in Choice.objects.filter(question_id__in=list(questions)).order_by("order", "id"):
        choices[choice.question_id].append(choice)
    return [(questions[pk], choices[pk]) for pk in question_ids if pk in questions]


def _quiz_loaded(attempt: Attempt) -> bool:
    return Attempt._meta.get_field("quiz").is_cached(attempt)


def attempt_get_for_learner(*, public_id: str, learner) -> Attempt:
    """Raises Attempt.DoesNotExist for unknown ids and for other learners' attempts alike."""
    return Attempt.objects.select_related(
        "quiz__unit__course", "enrolment__pathway", "enrolment__course"
    ).get(public_id=public_id, enrolment__learner=learner)


def attempt_history(*, enrolment: Enrolment, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=False).order_by(
        "-submitted_at"
    )


def enrolment_attempts(*, enrolment: Enrolment, quiz: Quiz) -> list[Attempt]:
    """Every attempt of the enrolment at the quiz (open and submitted, newest submission first), each with
    `unit_done` (does its pass count: rules below). One query, kept on the enrolment object for the rest of
    the request, so the allowance, the history and the open attempt are read together (issue 20)."""
    memo = enrolment.__dict__.setdefault("_quiz_attempts", {})
    if quiz.pk not in memo:
        attempts = Attempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("-submitted_at", "-id")
        done = getattr(enrolment, "done_unit_ids", None)  # brought by courses.selectors.enrolment_current
        if done is None:
            memo[quiz.pk] = list(attempts.annotate(unit_done=_unit_done()))
        else:  # the same answer for every attempt of this enrolment at this quiz, without a subquery
            memo[quiz.pk] = list(attempts)
            for attempt in memo[quiz.pk]:
                attempt.unit_done = quiz.unit_id in done
    return memo[quiz.pk]


def enrolment_attempts_forget(*, enrolment: Enrolment) -> None:
    enrolment.__dict__.pop("_quiz_attempts", None)


def enrolment_attempts_set_open(*, enrolment: Enrolment, quiz: Quiz, attempt: Attempt | None) -> None:
    """What was read of the enrolment's attempts, with its open attempt now `attempt` (started, or none)."""
    memo = enrolment.__dict__.get("_quiz_attempts", {})
    if quiz.pk in memo:
        memo[quiz.pk] = [a for a in memo[quiz.pk] if a.submitted_at is not None]
        if attempt is not None:
            attempt.unit_done = False
            memo[quiz.pk].insert(0, attempt)


def _unit_done() -> Exists:
    """A pass counts (no limit, practice, full review) only while its unit is complete in the enrolment: a
    unit reopened by a major release or a role change is assessed again under the limits."""
    return Exists(
        UnitProgress.objects.filter(enrolment_id=OuterRef("enrolment_id"), unit_id=OuterRef("quiz__unit_id"))
    )


def attempt_history_list(*, enrolment: Enrolment, quiz: Quiz) -> list[Attempt]:
    """The submitted attempts, newest first, from the attempts the request read already (rules)."""
    return [a for a in enrolment_attempts(enrolment=enrolment, quiz=quiz) if a.submitted_at is not None]


def attempt_open_read(*, enrolment: Enrolment, quiz: Quiz) -> Attempt | None:
    """The open attempt, from the attempts the request read already (enrolment_attempts)."""
    attempts = enrolment_attempts(enrolment=enrolment, quiz=quiz)
    return next((a for a in attempts if a.submitted_at is None), None)


def attempt_open(*, enrolment: Enrolment, quiz: Quiz) -> Attempt | None:
    return Attempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=True).first()


def passed_unit_ids(*, enrolment: Enrolment) -> set[int]:
    """Units whose quiz this enrolment has passed at least once."""
    return set(
        Attempt.objects.filter(enrolment=enrolment, passed=True)
        .values_list("quiz__unit_id", flat=True)
        .distinct()
    )


def quizzes_not_passed_reason(enrolment: Enrolment) -> str | None:
    """The quizzes part of the completion rule (registered in courses.services from apps.py): every unit
    completed by a quiz has had that quiz passed."""
    needing = set(
        Unit.objects.filter(course_id=enrolment.course_id, completed_by_quiz=True).values_list(
            "pk", flat=True
        )
    )
    passed = passed_unit_ids(enrolment=enrolment)
    missing = needing - passed
    if missing:  # a refresher's unchanged units were carried over: their quizzes need no new pass
        missing -= carried_unit_ids(enrolment=enrolment)
    return f"{len(missing)} unit quiz(zes) have not been passed." if missing else None


def unit_ids_with_different_questions(
    course_id: int, first_pathway_id: int, second_pathway_id: int
) -> set[int]:
    """Units whose quiz sets one pathway questions it does not set the other (the rule of
    question_ids_for_pathway: open to all, or limited to that pathway). One query. For courses.hooks."""
    rows = (
        Question.objects.non_polymorphic()
        .filter(quiz__unit__course_id=course_id, is_active=True)
        .values_list("pk", "quiz__unit_id", "pathways")
    )
    limited: dict[int, set[int | None]] = {}
    unit_of: dict[int, int] = {}
    for question_id, unit_id, pathway_id in rows:
        unit_of[question_id] = unit_id
        limited.setdefault(question_id, set()).add(pathway_id)
    return {
        unit_of[question_id]
        for question_id, pathways in limited.items()
        if pathways != {None} and (first_pathway_id in pathways) != (second_pathway_id in pathways)
    }
