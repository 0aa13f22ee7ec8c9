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

from .models import Answer, Attempt

_RIGHT_PREFIX = re.compile(r"^\s*(right|correct|yes)[.!,:]\s*", re.IGNORECASE)


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
            label = "Your answer" if kind == "single" else "You selected this"
            style = ("right" if correct else "wrong") if full else "neutral"
            feedback = item.get("feedback", "")
            if not full and not question_right and kind != "single":
                # Every pick shown alike, without its feedback (it would say right or not right): the page
                # must not tell the right picks from the wrong ones.
                feedback = ""
            views.append(ItemView(item["text"], label, style, feedback))
        elif full and correct:
            label = "The right answer" if kind == "single" else "Also right: you did not select this"
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
                view.note = "Not all your choices were right: you picked a wrong one, or missed a right one."
        elif full:
            view.items = [
                ItemView(
                    item["text"],
                    item.get("chosen", ""),
                    "right" if item.get("is_right") else "wrong",
                    item.get("feedback", ""),
                )
                for item in items
            ]
        elif not answer.is_correct:
            view.note = (
                "Your order was not all right." if kind == "ordering" else "Not all your matches were right."
            )
        views.append(view)
    return views
