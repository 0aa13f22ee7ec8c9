"""Fills a quiz in the browser, right or wrong, using what the server knows about the open attempt."""

from __future__ import annotations

from quizzes.models import Attempt
from quizzes.selectors import questions_with_choices


def open_attempt(email: str) -> Attempt:
    return Attempt.objects.get(enrolment__learner__email=email, submitted_at__isnull=True)


def fill_quiz(page, email: str, *, right: bool) -> None:
    page.wait_for_selector("form button[type=submit]")
    attempt = open_attempt(email)
    for question, choices in questions_with_choices(question_ids=attempt.question_ids, attempt=attempt):
        name = question.field_name
        kind = question.type_name
        if kind == "single":
            pick = next(c for c in choices if c.is_correct == right)
            page.check(f"#{name}-{question.option_value(pick)}")
        elif kind == "multiple":
            for choice in choices:
                if choice.is_correct == right:
                    page.check(f"#{name}-{question.option_value(choice)}")
        elif kind == "ordering":
            count = len(choices)
            for choice in choices:
                # Wrong: shift every step by one place, so none is where it belongs.
                position = choice.position if right else choice.position % count + 1
                page.select_option(f"#{question.item_field(choice)}", str(position))
        elif kind == "matching":
            answers = question.answers(choices)
            for choice in choices:
                value = choice.match if right else next(a for a in answers if a != choice.match)
                number = answers.index(value) + 1  # radio groups: one radio per answer, in answers() order
                page.check(f"#{question.item_field(choice)}-{number}")
