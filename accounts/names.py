"""The name printed on certificates and shown on the public verification page: normalised (NFC, single
spaces), and refused when it holds characters a reader cannot see — control characters (Cc), format
characters such as U+202E RIGHT-TO-LEFT OVERRIDE or U+FEFF (Cf), and unassigned or private-use code points —
or no letter at all. Zero-width (non-)joiners stay allowed between two letters, where scripts such as
Persian need them."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

JOINERS = {"\u200c", "\u200d"}
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
EMPTY_MESSAGE = "Enter your name as it should appear on your certificate."
HIDDEN_MESSAGE = (
    "Your name contains a hidden or control character (such as a text-direction mark). Type your name again "
    "using only letters, spaces and punctuation you can see."
)
NO_LETTER_MESSAGE = "Enter your name using letters."


def normalise_name(raw: str) -> str:
    """NFC, with runs of whitespace (including tabs, newlines and other spaces) made one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", raw or "").split())


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"L", "M"}


def clean_certificate_name(raw: str) -> str:
    """The normalised name, or ValidationError with a message for the form."""
    name = normalise_name(raw)
    if not name:
        raise ValidationError(EMPTY_MESSAGE, code="required")
    for index, ch in enumerate(name):
        if unicodedata.category(ch) not in REFUSED_CATEGORIES:
            continue
        between_letters = (
            0 < index < len(name) - 1 and _is_letter(name[index - 1]) and _is_letter(name[index + 1])
        )
        if ch in JOINERS and between_letters:
            continue
        raise ValidationError(HIDDEN_MESSAGE, code="hidden_character")
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        raise ValidationError(NO_LETTER_MESSAGE, code="no_letter")
    return name
