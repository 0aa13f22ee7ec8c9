"""Checks for pages in Welsh (issue 21): the page says it is Welsh, and none of the course and quiz pages'
own English (the msgids of locale/cy/fragments/ui2.po) is left in it. Course content aside: the sample course
has no Welsh text, so its English titles and blocks still show."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import polib

FRAGMENT = Path(__file__).resolve().parents[2] / "locale" / "cy" / "fragments" / "ui2.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


@cache
def english_phrases() -> tuple[str, ...]:
    """The English of every string of three words or more, cut at its placeholders and tags."""
    phrases = set()
    for entry in polib.pofile(str(FRAGMENT)):
        for text in filter(None, (entry.msgid, entry.msgid_plural)):
            for part in PLACEHOLDER.split(text.replace("%%", "%")):
                part = part.strip(" ,.:;()–·")
                if len(part.split()) >= 3:
                    phrases.add(part)
    return tuple(sorted(phrases))


def english_left(page: str) -> list[str]:
    text = html.unescape(page)
    return [phrase for phrase in english_phrases() if phrase in text]


def assert_welsh(response, *welsh: str, content: tuple[str, ...] = ()) -> str:
    """The page is Welsh (`<html lang="cy"`), shows each Welsh string given, and no English of its own
    (`content`: phrases the page's English course text has too)."""
    assert response.status_code in (200, 400, 403, 409), response.status_code
    page = response.content.decode()
    assert '<html lang="cy"' in page
    text = html.unescape(page)
    for phrase in welsh:
        assert phrase in text, phrase
    left = [phrase for phrase in english_left(page) if phrase not in content]
    assert left == [], left
    return page
