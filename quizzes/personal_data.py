"""The quizzes section of "download my data": attempts and the answers given."""

from __future__ import annotations

from accounts.personal_data import iso as _iso

from .models import Answer, Attempt


def personal_data_attempts(user) -> list[dict]:
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
            "practice": attempt.is_practice,
            "time_spent_minutes": round(attempt.seconds_spent / 60),
            "answers": answers.get(attempt.pk, []),
        }
        for attempt in Attempt.objects.filter(enrolment__learner=user)
        .select_related("quiz__unit")
        .order_by("started_at", "id")
    ]
