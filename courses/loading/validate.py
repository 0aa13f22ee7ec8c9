"""The format rules every content file shares (courses and quizzes): typed fields read out of a mapping,
each problem recorded with its file, path and line instead of raised."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import CalloutBlock, ResourceBlock
from .lines import LDict, LList
from .welsh import TRANSLATABLE, value_problems, welsh_key

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PHONE_RE = re.compile(r"^[0-9][0-9 ]{1,30}$")
CHOICES = {"style": {c.value for c in CalloutBlock.Style}, "kind": {c.value for c in ResourceBlock.Kind}}


def _kind(value: Any) -> str:
    """What a YAML value is, in an author's words (not the loader's internal class names)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


@dataclass
class Reader:
    """Reads typed fields out of one mapping, recording errors with file, path and line instead of raising."""

    file: str
    data: Any
    path: str
    errors: list[str]
    allowed: set[str] = field(default_factory=set)
    # Line of each list item handed out by mapping_list, by path, for items that are not mappings themselves.
    item_lines: dict[str, int] = field(default_factory=dict)
    # Welsh (issue 21): the course declares `languages: [en, cy]`, so every learner-facing field it fills
    # needs its `<field>_cy` twin (courses/loading/welsh.py); the twins read from this mapping, by field.
    welsh_required: bool = False
    welsh: dict[str, Any] = field(default_factory=dict)

    def line(self, key: str | None = None) -> int:
        if isinstance(self.data, LDict):
            if key is not None and key in self.data.key_lines:
                return self.data.key_lines[key]
            return self.data.line
        return self.item_lines.get(self.path, 0)

    def error(self, message: str, key: str | None = None) -> None:
        where = self.path + (f".{key}" if key else "") if self.path else (key or "")
        line = self.line(key)
        position = f"{where} (line {line})" if where and line else (where or f"line {line}")
        self.errors.append(f"{self.file}: {position}: {message}")

    def is_mapping(self, what: str) -> bool:
        if not isinstance(self.data, dict):
            if self.data is None and not self.path:
                self.errors.append(f"{self.file}: line 1: the file is empty; expected {what} (a mapping)")
                return False
            line = self.line()
            where = f"{self.path or 'top level'}{f' (line {line})' if line else ''}"
            self.errors.append(f"{self.file}: {where}: expected {what} (a mapping), got {_kind(self.data)}")
            return False
        return True

    def check_unknown(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        twins = {welsh_key(key) for key in allowed & TRANSLATABLE}
        for key in self.data:
            if key not in allowed | twins:
                also = f" (and their Welsh twins: {', '.join(sorted(twins))})" if twins else ""
                self.error(f"unknown field {key!r}; expected one of: {', '.join(sorted(allowed))}{also}", key)

    def text(
        self, key: str, *, required: bool = True, default: str = "", max_length: int | None = None
    ) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error("missing field" if key not in self.data else "must not be empty", key)
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(f"must be text, got {_kind(value)}", key)
            return default
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(f"is {len(value)} characters long; the most allowed is {max_length}", key)
        if key in TRANSLATABLE:
            self._welsh_twin(key, value, max_length)
        return value

    def _welsh_twin(self, key: str, english: Any, max_length: int | None = None) -> None:
        """Read `<key>_cy` beside a filled English field: required when the course declares Welsh; it must
        have the English one's shape, numbers, addresses, bold phrases and list items."""
        twin = welsh_key(key)
        if twin not in self.data:
            if self.welsh_required:
                self.error(
                    f"missing Welsh: this course declares `cy`, so {key!r} needs {twin!r} beside it", key
                )
            return
        value = self.data.get(twin)
        if isinstance(english, list):
            value = [str(item).strip() for item in value] if isinstance(value, list) else value
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            value = str(value).strip()
        problems = value_problems(english, value)
        if not problems and max_length and len(value) > max_length:
            problems = [f"is {len(value)} characters long; the most allowed is {max_length}"]
        for problem in problems:
            self.error(problem, twin)
        if not problems:
            self.welsh[key] = value

    def slug(self, key: str) -> str:
        value = self.text(key, max_length=80)
        if value and not SLUG_RE.match(value):
            self.error(f"{value!r} is not a slug: use lower-case letters, digits and single hyphens", key)
        return value

    def integer(
        self, key: str, *, required: bool = True, default: int = 0, minimum: int = 0, maximum: int = 100_000
    ) -> int:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error("missing field", key)
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"must be a whole number, got {value!r}", key)
            return default
        if not minimum <= value <= maximum:
            self.error(f"must be between {minimum} and {maximum}, got {value}", key)
            return default
        return value

    def string_list(self, key: str, *, required: bool = True, min_items: int = 1) -> list[str]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error("missing field", key)
            return []
        if not isinstance(value, list):
            self.error(f"must be a list, got {_kind(value)}", key)
            return []
        result = []
        prefix = f"{self.path}.{key}" if self.path else key
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                line = value.item_lines[index] if isinstance(value, LList) else self.line(key)
                self.errors.append(f"{self.file}: {prefix}[{index}] (line {line}): must be non-empty text")
                continue
            result.append(str(item).strip())
        if len(result) < min_items and required:
            self.error(f"needs at least {min_items} item(s)", key)
        if key in TRANSLATABLE and result:
            self._welsh_twin(key, result)
        return result

    def mapping_list(self, key: str, *, required: bool = True) -> list[tuple[str, Any]]:
        """Returns (path, item) pairs for a list of mappings."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error("missing field", key)
            return []
        if not isinstance(value, list):
            self.error(f"must be a list, got {_kind(value)}", key)
            return []
        prefix = f"{self.path}.{key}" if self.path else key
        items = [(f"{prefix}[{index}]", item) for index, item in enumerate(value)]
        if isinstance(value, LList):
            for (path, _), line in zip(items, value.item_lines, strict=True):
                self.item_lines[path] = line
        return items

    def child(self, path: str, data: Any) -> Reader:
        return Reader(
            file=self.file,
            data=data,
            path=path,
            errors=self.errors,
            item_lines=self.item_lines,
            welsh_required=self.welsh_required,
        )


def pathway_list(reader: Reader, key: str, known: set[str]) -> list[str]:
    slugs = reader.string_list(key, required=False)
    for slug in slugs:
        if slug not in known:
            reader.error(f"unknown pathway {slug!r}; this course has: {', '.join(sorted(known))}", key)
    return slugs


def material_flag(reader: Reader) -> bool:
    """A block's optional `material: true` (true/false only)."""
    value = reader.data.get("material", False)
    if not isinstance(value, bool):
        reader.error(f"must be true or false, got {value!r}", "material")
        return False
    return value
