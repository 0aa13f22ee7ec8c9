"""Helpers for certificate tests: pass quizzes with the right answers, read sent mail and stored PDFs."""

from __future__ import annotations

import email
import smtplib
import time
from collections.abc import Callable
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from courses import services as course_services
from courses.models import Enrolment, Unit
from quizzes import selectors as quiz_selectors
from quizzes import services as quiz_services
from quizzes.models import Quiz
from tests.courses.story_paths import finish_stories

MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def correct_answers(question_ids: list[int], attempt=None) -> dict[str, str | list[str]]:
    """Form data that answers every question right, as the quiz page would post it (for that attempt)."""
    data: dict[str, str | list[str]] = {}
    questions = quiz_selectors.questions_with_choices(question_ids=question_ids, attempt=attempt)
    for question, choices in questions:
        name = question.field_name
        # What the form sends for an option (the quizzes app may make it opaque); by key otherwise.
        value = getattr(question, "option_value", lambda choice: choice.key)
        if question.type_name == "single":
            data[name] = next(value(c) for c in choices if c.is_correct)
        elif question.type_name == "multiple":
            data[name] = [value(c) for c in choices if c.is_correct]
        elif question.type_name == "ordering":
            data.update({question.item_field(c): str(c.position) for c in choices})
        elif question.type_name == "matching":
            data.update({question.item_field(c): c.match for c in choices})
        else:  # pragma: no cover - a new question type needs a line here
            raise AssertionError(f"unknown question type {question.type_name}")
    return data


def as_form_data(data: dict[str, str | list[str]]) -> MultiValueDict:
    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in data.items()})


def pass_quiz(*, enrolment: Enrolment, unit: Unit) -> None:
    quiz = Quiz.objects.get(unit=unit)
    course_services.unit_visit(enrolment=enrolment, unit=unit)  # read before you are tested
    finish_stories(enrolment=enrolment, unit=unit)  # and reach an end of its story, if it has one
    attempt = quiz_services.attempt_start(enrolment=enrolment, quiz=quiz)
    result = quiz_services.attempt_submit(
        attempt=attempt, data=as_form_data(correct_answers(attempt.question_ids, attempt))
    )
    assert result.attempt is not None and result.attempt.passed, result.errors


def complete_enrolment(enrolment: Enrolment) -> Enrolment:
    """Complete every unit through the real services: quiz units by passing the quiz, the rest by reading."""
    for unit in Unit.objects.filter(course_id=enrolment.course_id).order_by("order"):
        if unit.completed_by_quiz:
            pass_quiz(enrolment=enrolment, unit=unit)
        else:
            course_services.unit_complete(enrolment=enrolment, unit=unit)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    return enrolment


def pdf_files(media_root: Path | None = None) -> list[Path]:
    folder = Path(media_root or settings.MEDIA_ROOT) / "certificates"
    return sorted(folder.glob("*")) if folder.exists() else []


def sent_messages(mail_dir: Path | None = None) -> list[Message]:
    """Every message the file email backend wrote (a file can hold more than one message)."""
    folder = Path(mail_dir or settings.EMAIL_FILE_PATH)
    messages = []
    for path in sorted(folder.glob("*")) if folder.exists() else []:
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


def attachments(message: Message, content_type: str = "application/pdf") -> list[bytes]:
    return [
        part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == content_type
    ]


def body_text(message: Message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type and not part.get_filename():
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part")


def wait_for(
    condition: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = ""
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or condition}")


class DownEmailBackend(BaseEmailBackend):
    """Fails every send the way an unreachable mail server does (a transient error), counting attempts."""

    attempts: list[int] = []
    error: type[Exception] = smtplib.SMTPServerDisconnected

    def send_messages(self, email_messages) -> int:
        type(self).attempts.append(len(email_messages))
        raise self.error("Connection unexpectedly closed")


class BrokenEmailBackend(DownEmailBackend):
    """Fails with a programming error: not worth retrying."""

    attempts: list[int] = []
    error = ValueError


def take_and_pass_quiz(client, *, course_slug: str, unit_slug: str):
    """Open the unit, then its quiz page as the learner, and submit the right answers; returns the submit
    response."""
    unit = client.get(reverse("courses:unit", kwargs={"course_slug": course_slug, "unit_slug": unit_slug}))
    assert unit.status_code == 200, unit.status_code  # read before you are tested
    page = client.get(reverse("quizzes:take", kwargs={"course_slug": course_slug, "unit_slug": unit_slug}))
    assert page.status_code == 200, page.status_code
    attempt = page.context["attempt"]
    return client.post(
        reverse("quizzes:submit", kwargs={"public_id": attempt.public_id}),
        correct_answers(attempt.question_ids, attempt),
    )


def sample_course_up_to_the_last_quiz(client) -> None:
    """Over HTTP: enrol on the taxi-drivers pathway, read unit 3, pass unit 1's quiz (unit 2's is left)."""
    response = client.post(
        reverse("courses:enrol", kwargs={"course_slug": "sample-course"}), {"pathway": "taxi-drivers"}
    )
    assert response.status_code == 302, response.status_code
    response = client.post(
        reverse("courses:unit_read", kwargs={"course_slug": "sample-course", "unit_slug": "next-steps"})
    )
    assert response.status_code == 302, response.status_code
    response = take_and_pass_quiz(client, course_slug="sample-course", unit_slug="signs")
    assert response.status_code == 302, response.status_code


def pass_the_last_quiz(client):
    response = take_and_pass_quiz(client, course_slug="sample-course", unit_slug="pass-it-on")
    assert response.status_code == 302, response.status_code
    result = client.get(response["Location"])
    assert result.status_code == 200
    return result
