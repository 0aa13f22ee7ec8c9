"""Extension points that let other apps add to the certificate email without certificates importing them
(organisations adds each learner's boxes of local contacts). Register through certificates.api."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EmailSection:
    """A part of the certificate email after the guide's emergency line: plain text and (escaped) HTML."""

    text: str
    html: str


_email_sections: list[Callable[..., list[EmailSection]]] = []


def register_email_sections(builder: Callable[..., list[EmailSection]]) -> None:
    """`builder(learner=user)` returns the sections to add for that learner, in order."""
    if builder not in _email_sections:
        _email_sections.append(builder)


def email_sections(*, learner) -> list[EmailSection]:
    return [section for builder in _email_sections for section in builder(learner=learner)]
