"""What grading returns: per-option feedback, the form's view of an option, a question's grade."""

from __future__ import annotations

from dataclasses import dataclass, field


class InvalidResponse(Exception):
    """The submitted data cannot belong to this question (tampered or malformed): the request is refused."""


@dataclass
class ChoiceFeedback:
    text: str
    chosen: str  # what the learner chose for this option/item/pair, as shown to them
    is_right: bool  # the learner handled this option/item right (chose a right one, left a wrong one)
    feedback: str
    picked: bool | None = None  # single/multiple: the learner chose it
    correct: bool | None = None  # single/multiple: it is a right option


@dataclass(frozen=True)
class FormOption:
    """An option as the quiz form shows it. The form sends `value`, never the key: keys follow the file's
    order, which is the right order for ordering items (and writers tend to put the right option first)."""

    key: str  # only compared on the server, to re-select an answer when the page is shown again
    text: str
    value: str


@dataclass
class Grade:
    score: float  # 0.0 to 1.0
    items: list[ChoiceFeedback] = field(default_factory=list)

    @property
    def is_correct(self) -> bool:
        return self.score >= 0.999


@dataclass(frozen=True)
class MatchAnswer:
    """A matching question's answer (issue 21): sent and stored as its English text, shown in the active
    language, so an attempt started in one language is submitted in the other."""

    value: str
    text: str


def english_of(row, name: str) -> str:
    """A translated field's English text (the `_en` column modeltranslation adds; the field itself before)."""
    return getattr(row, f"{name}_en", None) or getattr(row, name)


def answer_texts(question, choices) -> dict[str, str]:
    """A matching question's answers: {English text: the active language's text}, distractors included."""
    texts = {english_of(c, "match"): c.match for c in choices}
    shown = question.distractors or []
    for index, answer in enumerate(getattr(question, "distractors_en", None) or shown):
        texts.setdefault(answer, shown[index] if index < len(shown) else answer)
    return texts
