"""What a result page shows of each answer: feedback that teaches without handing over the key.

After a failed attempt (not practice): the score, which questions were right, partly right or not right and
the unit section to re-read. A single-choice question shows the learner's one choice with its feedback. A
question with several picks (multiple response) that is not right lists every option the learner picked, with
no verdict and no feedback (an option's feedback says whether it is right), and a note that not all the
choices were right: which options are shown never depends on which are right, so ticking every box teaches
nothing by elimination. Matching and ordering questions not right get only a note, never a verdict per row.
Never a right option the learner missed, nor the explanation (it names the answer). After a pass, or in
practice after a pass: the full review, every option named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from .models import Answer, Attempt

# English and Welsh ("Cywir.", "Iawn.", "Ie,"): content in either language may open an option's feedback so.
_RIGHT_PREFIX = re.compile(r"^\s*(right|correct|yes|cywir|iawn|ie)[.!,:]\s*", re.IGNORECASE)

# What grading (quizzes/models.py) writes into an answer's snapshot for an ordering or matching item, in
# English, the same in every language: put in the learner's language when shown.
_NO_STEP, _NO_ANSWER = gettext_noop("no step given"), gettext_noop("no answer")
_AT_STEP = re.compile(r"^you put it at step (\d+)$")


def _item_label(chosen: str, kind: str) -> str:
    if kind == "ordering" and chosen == _NO_STEP:
        return gettext(_NO_STEP)
    if kind == "matching" and chosen == _NO_ANSWER:
        return gettext(_NO_ANSWER)
    step = _AT_STEP.match(chosen) if kind == "ordering" else None
    if step:
        return gettext("you put it at step %(number)s") % {"number": step.group(1)}
    return chosen  # matching: the answer the learner gave (course text)


@dataclass
class ItemView:
    text: str
    label: str  # what the learner did, in words
    style: str  # right | wrong | missed | neutral
    feedback: str


@dataclass
class AnswerView:
    order: int
    prompt: str
    scenario: str
    section: str
    status: str  # right | partly | wrong
    explanation: str = ""
    items: list[ItemView] = field(default_factory=list)
    note: str = ""


def shows_full_review(attempt: Attempt) -> bool:
    return bool(attempt.passed or attempt.is_practice)


def _picked_and_correct(kind: str, item: dict) -> tuple[bool, bool]:
    """Read an item of a snapshot; snapshots from before `picked`/`correct` were stored are read back."""
    if item.get("picked") is not None:
        return bool(item["picked"]), bool(item.get("correct"))
    picked = item.get("chosen") in ("chosen", "selected")
    if kind == "single":
        return picked, bool(item.get("is_right")) if picked else True
    return picked, picked == bool(item.get("is_right"))


def _choice_items(kind: str, items: list[dict], *, full: bool, question_right: bool) -> list[ItemView]:
    views = []
    for item in items:
        picked, correct = _picked_and_correct(kind, item)
        if picked:
            label = gettext("Your answer") if kind == "single" else gettext("You selected this")
            style = ("right" if correct else "wrong") if full else "neutral"
            feedback = item.get("feedback", "")
            if not full and not question_right and kind != "single":
                # Every pick shown alike, without its feedback (it would say right or not right): the page
                # must not tell the right picks from the wrong ones.
                feedback = ""
            views.append(ItemView(item["text"], label, style, feedback))
        elif full and correct:
            if kind == "single":
                label = gettext("The right answer")
            else:
                label = gettext("Also right: you did not select this")
            # The label says it is right; the option's own feedback need not start "Right." again.
            views.append(
                ItemView(item["text"], label, "missed", _RIGHT_PREFIX.sub("", item.get("feedback", "")))
            )
    return views


def answers_for_display(answers: list[Answer], *, full: bool) -> list[AnswerView]:
    views = []
    for answer in answers:
        snap = answer.snapshot or {}
        kind = snap.get("type", "single")
        status = "right" if answer.is_correct else ("partly" if answer.score > 0 else "wrong")
        view = AnswerView(
            order=answer.order,
            prompt=snap.get("prompt", ""),
            scenario=snap.get("scenario", ""),
            section=snap.get("section", ""),
            status=status,
            explanation=snap.get("explanation", "") if full else "",
        )
        items = snap.get("items", [])
        if kind in ("single", "multiple"):
            view.items = _choice_items(kind, items, full=full, question_right=answer.is_correct)
            if kind == "multiple" and not full and not answer.is_correct:
                view.note = gettext(
                    "Not all your choices were right: you picked a wrong one, or missed a right one."
                )
        elif full:
            view.items = [
                ItemView(
                    item["text"],
                    _item_label(item.get("chosen", ""), kind),
                    "right" if item.get("is_right") else "wrong",
                    item.get("feedback", ""),
                )
                for item in items
            ]
        elif not answer.is_correct:
            view.note = (
                gettext("Your order was not all right.")
                if kind == "ordering"
                else gettext("Not all your matches were right.")
            )
        views.append(view)
    return views
