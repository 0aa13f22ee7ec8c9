"""Welsh beside English in the course files (issue 21): which fields carry a `<field>_cy` twin, and the
checks a Welsh text must pass against its English one.

The scheme (courses/content/README.md, "Welsh"): every learner-facing field `title`, `body`, `feedback`, …
has a sibling `title_cy`, `body_cy`, `feedback_cy` in the same mapping, of the same shape (text for text, a
list of the same length for a list). A course that declares `languages: [en, cy]` must have the Welsh twin
of every such field it fills; the loader refuses it otherwise, naming file, line and field. Numbers (phone
numbers, 999, 24/7), web and e-mail addresses and the names of organisations and resources stay exactly as
they are; a Welsh text whose numbers, addresses, bold phrases or list items differ from its English one is
refused too.

Pure functions only (no Django), so a translator's script and the loader share them.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

WELSH = "cy"
SUFFIX = "_cy"

# Learner-facing fields, wherever they appear in course, unit, quiz, story, tag and version files. Keys,
# slugs, styles, kinds, pathways, tags, numbers, web addresses and the names of resources are not translated.
TRANSLATABLE = frozenset(
    {
        "answer",
        "body",
        "content_note",
        "description",
        "distractors",
        "explanation",
        "feedback",
        "heading",
        "intro",
        "introduction",
        "label",
        "note",
        "outcomes",
        "points",
        "prompt",
        "section",
        "signs",
        "summary",
        "text",
        "title",
        "what_changed",
        "when",
        "who",
        "why",
        "alt",
    }
)

_NUMBER_RE = re.compile(r"\d(?:[\d ]*\d)?")
_ADDRESS_RE = re.compile(r"(?:https?://|www\.)[^\s)*\]]+|[\w.+-]+@[\w-]+\.[\w.]+")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITEM_RE = re.compile(r"^\s*(?:[-*]|1[.)])\s", re.M)  # bullets; an ordered list starts at 1
_LETTERS_RE = re.compile(r"[A-Za-z]{4,}")


def welsh_key(key: str) -> str:
    return key + SUFFIX


def _numbers(text: str) -> Counter:
    # "02920 536490" and "02920536490" are the same number; a time like 24/7 gives 24 and 7.
    return Counter(match.replace(" ", "") for match in _NUMBER_RE.findall(text))


def _addresses(text: str) -> Counter:
    return Counter(address.rstrip(".,;:").lower() for address in _ADDRESS_RE.findall(text))


def text_problems(english: str, welsh: str) -> list[str]:
    """What is wrong with a Welsh text as the twin of an English one (empty list: nothing)."""
    problems = []
    if not welsh.strip():
        return ["is empty"]
    if _numbers(english) != _numbers(welsh):
        problems.append(
            f"has the numbers {sorted(_numbers(welsh).elements())}, the English has "
            f"{sorted(_numbers(english).elements())}; numbers stay exactly as they are"
        )
    if _addresses(english) != _addresses(welsh):
        problems.append(
            f"has the addresses {sorted(_addresses(welsh))}, the English has {sorted(_addresses(english))}"
        )
    if len(_BOLD_RE.findall(english)) != len(_BOLD_RE.findall(welsh)):
        problems.append(
            f"has {len(_BOLD_RE.findall(welsh))} bold phrase(s), "
            f"the English has {len(_BOLD_RE.findall(english))}"
        )
    if len(_ITEM_RE.findall(english)) != len(_ITEM_RE.findall(welsh)):
        problems.append(
            f"has {len(_ITEM_RE.findall(welsh))} list item(s), "
            f"the English has {len(_ITEM_RE.findall(english))}"
        )
    if english.strip() == welsh.strip() and len(_LETTERS_RE.findall(english)) > 2:
        problems.append("is the English text, not a Welsh one")
    return problems


def value_problems(english: Any, welsh: Any) -> list[str]:
    """Problems of a Welsh value (text or list of texts) against its English one."""
    if isinstance(english, list):
        if not isinstance(welsh, list):
            return ["must be a list, like the English"]
        if len(welsh) != len(english):
            return [f"has {len(welsh)} item(s), the English has {len(english)}"]
        problems = []
        for index, (en_item, cy_item) in enumerate(zip(english, welsh, strict=True)):
            problems += [f"[{index}] {problem}" for problem in text_problems(str(en_item), str(cy_item))]
        return problems
    if isinstance(welsh, list | dict) or welsh is None or isinstance(welsh, bool):
        return ["must be text, like the English"]
    return text_problems(str(english), str(welsh))
