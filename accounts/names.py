"""The name printed on certificates and shown on the public verification page: normalised (NFC, single
spaces), and refused when it holds characters a reader cannot see — control characters (Cc), format
characters such as U+202E RIGHT-TO-LEFT OVERRIDE or U+FEFF (Cf), and unassigned or private-use code points —
or no letter at all. Zero-width (non-)joiners stay allowed between two letters, where scripts such as
Persian need them."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

JOINERS = {"\u200c", "\u200d"}
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
EMPTY_MESSAGE = _("Enter your name as it should appear on your certificate.")
HIDDEN_MESSAGE = _(
    "Your name contains a hidden or control character (such as a text-direction mark). Type your name again "
    "using only letters, spaces and punctuation you can see."
)
NO_LETTER_MESSAGE = _("Enter your name using letters.")
MAX_CHARACTERS = 120  # as people count them: an accented letter or an emoji is one
MAX_CODE_POINTS = 255  # what the database column holds (marks and joined emoji take several)


def _hint() -> str:
    return gettext("Use the name an employer or council will know you by, up to %(count)d characters.") % {
        "count": MAX_CHARACTERS
    }


HINT = lazy(_hint, str)()
# Code points that join the character before them rather than start one.
_JOINING = (
    {"\u200d", "\u200c"} | {chr(c) for c in range(0xFE00, 0xFE10)} | {chr(c) for c in range(0x1F3FB, 0x1F400)}
)


def visible_length(text: str) -> int:
    """How many characters a person would count: combining marks, variation selectors, skin-tone modifiers
    and the parts of a joined emoji (after U+200D) add nothing; a pair of regional-indicator letters (a flag)
    is one. An approximation of Unicode grapheme clusters, good for names."""
    count, previous, flag_half = 0, "", False
    for ch in text:
        regional = 0x1F1E6 <= ord(ch) <= 0x1F1FF
        if unicodedata.category(ch) in {"Mn", "Mc", "Me"} or ch in _JOINING or previous == "\u200d":
            pass
        elif regional and flag_half:
            flag_half = False
        else:
            count += 1
            flag_half = regional
        previous = ch
    return count


def too_long_message(length: int) -> str:
    return gettext(
        "Your name is %(length)d characters long. Use %(count)d characters or fewer: you could leave "
        "out a middle name."
    ) % {"length": length, "count": MAX_CHARACTERS}


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
    length = visible_length(name)
    if length > MAX_CHARACTERS or len(name) > MAX_CODE_POINTS:
        raise ValidationError(too_long_message(length), code="max_length")
    return name
