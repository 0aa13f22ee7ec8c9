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
