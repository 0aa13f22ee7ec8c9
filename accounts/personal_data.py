"""A learner's own data as JSON-ready dicts ("download my data"). Apps that keep more about a learner add
a section with `register_section` from their AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import User

Section = Callable[[User], Any]
_SECTIONS: dict[str, Section] = {}


def register_section(name: str, build: Section) -> None:
    _SECTIONS[name] = build


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "certificate_name": user.certificate_name,
        "licence_number": user.licence_number,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _courses(user: User) -> list[dict]:
    from courses.models import Enrolment, UnitProgress

    progress: dict[int, list[dict]] = {}
    for row in (
        UnitProgress.objects.filter(enrolment__learner=user)
        .select_related("unit")
        .order_by("enrolment_id", "unit__order")
    ):
        progress.setdefault(row.enrolment_id, []).append(
            {"unit": row.unit.title, "completed_at": _iso(row.completed_at)}
        )
    return [
        {
            "course": enrolment.course.title,
            "pathway": enrolment.pathway.title,
            "started_at": _iso(enrolment.started_at),
            "completed_at": _iso(enrolment.completed_at),
            "units_completed": progress.get(enrolment.pk, []),
        }
        for enrolment in Enrolment.objects.filter(learner=user)
        .select_related("course", "pathway")
        .order_by("started_at", "id")
    ]


def _quiz_attempts(user: User) -> list[dict]:
    from quizzes.models import Answer, Attempt

    answers: dict[int, list[dict]] = {}
    for answer in Answer.objects.filter(attempt__enrolment__learner=user).order_by("attempt_id", "order"):
        answers.setdefault(answer.attempt_id, []).append(
            {"question": answer.order, "response": answer.response, "correct": answer.is_correct}
        )
    return [
        {
            "quiz": attempt.quiz.unit.title,
            "started_at": _iso(attempt.started_at),
            "submitted_at": _iso(attempt.submitted_at),
            "score_percent": attempt.score,
            "passed": attempt.passed,
            "answers": answers.get(attempt.pk, []),
        }
        for attempt in Attempt.objects.filter(enrolment__learner=user)
        .select_related("quiz__unit")
        .order_by("started_at", "id")
    ]


def _certificates(user: User) -> list[dict]:
    from certificates import api as certificates_api

    return [
        {
            "code": certificate.code,
            "course": certificate.course_title,
            "pathway": certificate.pathway_title,
            "name_on_certificate": certificate.holder_name,
            "issued_on": _iso(certificate.issued_on),
            "expires_on": _iso(certificate.expires_on),
            "status": certificate.verification_status(),
        }
        for certificate in certificates_api.certificates_for_learner(learner=user)
    ]


register_section("account", _account)
register_section("courses", _courses)
register_section("quiz_attempts", _quiz_attempts)
register_section("certificates", _certificates)


def personal_data_for(*, user: User) -> dict:
    """Everything the site keeps about the user, by section, with the time it was collected."""
    return {"exported_at": _iso(timezone.now()), **{name: build(user) for name, build in _SECTIONS.items()}}
