"""Quiz pages: take a unit's quiz, submit it, see the result and the attempt history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Course, Enrolment, Unit

from . import feedback, rules, selectors, services
from .models import Attempt, InvalidResponse, Quiz

READ_FIRST = course_services.READ_UNIT_FIRST

# The learner's messages for a missing answer, written in English by each question type (quizzes/models.py,
# `parse`): listed here for the translators and put in the learner's language when the quiz is shown again.
MISSING_ANSWER_MESSAGES = (
    gettext_noop("Choose an answer"),
    gettext_noop("Select all the answers that apply"),
    gettext_noop("Give every step a position"),
    gettext_noop("Give each step a different position"),
    gettext_noop("Choose an answer for every situation"),
)


def _to_unit_first(
    request: HttpRequest, course: Course, unit: Unit, reason: str = READ_FIRST
) -> HttpResponse:
    messages.info(request, reason)
    return redirect("courses:unit", course_slug=course.slug, unit_slug=unit.slug)


def _render_locked(
    request: HttpRequest,
    *,
    course: Course,
    unit: Unit,
    enrolment: Enrolment,
    quiz: Quiz,
    allowance,
    status=200,
) -> HttpResponse:
    history = selectors.attempt_history_list(enrolment=enrolment, quiz=quiz)
    return render(
        request,
        "quizzes/no_attempts.html",
        {"course": course, "unit": unit, "allowance": allowance, "history": history, "quiz": quiz},
        status=status,
    )


def _load(
    request: HttpRequest, course_slug: str, unit_slug: str
) -> tuple[Course, Unit, Enrolment | None, Quiz]:
    try:  # an enrolled learner's course comes with the enrolment (one query)
        course, enrolment = course_selectors.course_and_enrolment_current(
            learner=request.user, course_slug=course_slug
        )
        quiz = selectors.quiz_for_unit_slug(course=course, unit_slug=unit_slug)
        unit = quiz.unit
        unit.course = course  # already loaded: the open attempt is checked against its last change
    except (Course.DoesNotExist, Quiz.DoesNotExist) as exc:
        raise Http404("No such quiz.") from exc
    return course, unit, enrolment, quiz


def _render_quiz(
    request: HttpRequest,
    *,
    attempt: Attempt,
    course: Course,
    unit: Unit,
    errors=None,
    responses=None,
    status: int = 200,
    changed: bool = False,
    allowance: rules.Allowance | None = None,
) -> HttpResponse:
    questions = selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)
    history = selectors.attempt_history_list(enrolment=attempt.enrolment, quiz=attempt.quiz)
    errors = errors or {}
    items = [
        {
            "number": number,
            "question": question,
            "choices": choices,
            "error": gettext(errors[question.pk]) if errors.get(question.pk) else None,
            "response": (responses or {}).get(question.pk, {}),
        }
        for number, (question, choices) in enumerate(questions, start=1)
    ]
    return render(
        request,
        "quizzes/take.html",
        {
            "course": course,
            "unit": unit,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "error_items": [item for item in items if item["error"]],
            "history": history,
            "unit_complete": course_selectors.unit_is_complete(enrolment=attempt.enrolment, unit=unit),
            "changed": changed,
            "allowance": allowance or rules.allowance_for(enrolment=attempt.enrolment, quiz=attempt.quiz),
        },
        status=status,
    )


@login_required
@require_GET
def take(request: HttpRequest, course_slug: str, unit_slug: str) -> HttpResponse:
    course, unit, enrolment, quiz = _load(request, course_slug, unit_slug)
    if enrolment is None:
        return redirect("courses:detail", course_slug=course.slug)
    allowance = rules.allowance_for(enrolment=enrolment, quiz=quiz)
    try:
        attempt = services.attempt_start(enrolment=enrolment, quiz=quiz, allowance=allowance)
    except services.UnitNotOpened as refused:
        return _to_unit_first(request, course, unit, str(refused))
    except services.QuizLocked as locked:
        return _render_locked(
            request, course=course, unit=unit, enrolment=enrolment, quiz=quiz, allowance=locked.allowance
        )
    attempt.enrolment = enrolment
    attempt.quiz = quiz
    return _render_quiz(request, attempt=attempt, course=course, unit=unit, allowance=allowance)


def _attempt_or_404(request: HttpRequest, public_id) -> Attempt:
    try:
        return selectors.attempt_get_for_learner(public_id=public_id, learner=request.user)
    except Attempt.DoesNotExist as exc:
        raise Http404("No such attempt.") from exc


@login_required
@require_POST
def submit(request: HttpRequest, public_id) -> HttpResponse:
    # The attempt is read once, locked, by the service (issue 20); every refusal carries it for its page.
    try:
        # Refused with UnitNotOpened before the learner has opened the unit, or while a story of the unit is
        # not reached to an end (both checked in the attempt's locked query).
        result = services.attempt_submit_for_learner(
            public_id=public_id, learner=request.user, data=request.POST
        )
    except Attempt.DoesNotExist as exc:
        raise Http404("No such attempt.") from exc
    except services.UnitNotOpened as refused:
        course, unit = refused.attempt.quiz.unit.course, refused.attempt.quiz.unit
        return _to_unit_first(request, course, unit, str(refused))
    except services.QuizLocked as locked:
        attempt = locked.attempt
        return _render_locked(
            request,
            course=attempt.quiz.unit.course,
            unit=attempt.quiz.unit,
            enrolment=attempt.enrolment,
            quiz=attempt.quiz,
            allowance=locked.allowance,
            status=403,
        )
    except services.AttemptNotAllowed as refused:  # submitted already (a second tab, a double click)
        attempt = refused.attempt
        return render(
            request,
            "quizzes/already_submitted.html",
            {"attempt": attempt, "course": attempt.quiz.unit.course, "unit": attempt.quiz.unit},
            status=400,
        )
    except InvalidResponse:
        return render(
            request,
            "errors/400.html",
            {
                "message": gettext(
                    "Your answers could not be read, so nothing has been saved. "
                    "Go back to the quiz and try again."
                )
            },
            status=400,
        )
    attempt = result.read
    course, unit = attempt.quiz.unit.course, attempt.quiz.unit
    if result.voided:
        # The quiz changed since the learner opened it: nothing was graded; show it as it is now.
        try:
            fresh = services.attempt_start(enrolment=attempt.enrolment, quiz=attempt.quiz)
        except services.AttemptNotAllowed:  # locked or not opened: the quiz page explains
            return redirect("quizzes:take", course_slug=course.slug, unit_slug=unit.slug)
        return _render_quiz(request, attempt=fresh, course=course, unit=unit, status=409, changed=True)
    if result.errors:
        return _render_quiz(
            request,
            attempt=attempt,
            course=course,
            unit=unit,
            errors=result.errors,
            responses=result.responses,
            status=400,
        )
    return redirect("quizzes:result", public_id=attempt.public_id)


@login_required
@require_GET
def result(request: HttpRequest, public_id) -> HttpResponse:
    attempt = _attempt_or_404(request, public_id)
    course, unit = attempt.quiz.unit.course, attempt.quiz.unit
    if not attempt.is_submitted:
        return redirect("quizzes:take", course_slug=course.slug, unit_slug=unit.slug)
    return render(request, "quizzes/result.html", result_context(attempt))


def result_context(attempt: Attempt) -> dict:
    """What the result page of a submitted attempt shows (also rendered by the bot test, tests/quizzes)."""
    course, unit = attempt.quiz.unit.course, attempt.quiz.unit
    _, following = course_selectors.unit_neighbours(unit=unit)
    full = feedback.shows_full_review(attempt)
    return {
        "attempt": attempt,
        "course": course,
        "unit": unit,
        "answers": feedback.answers_for_display(list(attempt.answers.all()), full=full),
        "full_review": full,
        "following": following,
        "enrolment": attempt.enrolment,
        "allowance": None
        if attempt.passed
        else rules.allowance_for(enrolment=attempt.enrolment, quiz=attempt.quiz),
    }
