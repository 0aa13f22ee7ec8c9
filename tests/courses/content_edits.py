"""Helpers for loader tests: a private, editable copy of the sample content, and the classes of bad file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_CONTENT = Path(__file__).resolve().parents[1] / "content"


def copy_sample(root: Path, *, as_slug: str = "sample-course") -> Path:
    """Copy the sample course into root/<as_slug> (renaming its slug) and return the course folder."""
    target = root / as_slug
    shutil.copytree(SAMPLE_CONTENT / "sample-course", target)
    if as_slug != "sample-course":
        edit(target / "course.yaml", "slug: sample-course", f"slug: {as_slug}")
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a content file; fails loudly if the sample no longer contains it."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name} should contain {old!r} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def release(
    course: Path, version: str, *, date: str = "2027-03-01", what_changed: str = "", units=()
) -> None:
    """Declare `version` in the course's versions.yaml; a new major gets its release (date, what changed)."""
    major = int(version.split(".")[0])
    lines = [
        f'version: "{version}"',
        "releases:",
        "  - major: 1",
        "    date: 2026-11-01",
        "    what_changed: First.",
    ]
    for number in range(2, major + 1):
        lines += [f"  - major: {number}", f"    date: {date}"]
        if what_changed:
            lines.append(f"    what_changed: {what_changed}")
        if units:
            lines.append(f"    units: [{', '.join(units)}]")
    (course / "versions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class BadFile:
    """One class of bad content: how to break a copy of the sample course, and the one error it must give
    (file, position with line, problem), as the start of the message."""

    name: str
    breaks: Callable[[Path], None]
    error: str


def _write(relative: str, text: str) -> Callable[[Path], None]:
    return lambda course: (course / relative).write_text(text, encoding="utf-8")


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda course: edit(course / relative, old, new)


UNIT1 = "content/sample-course/units/01-signs.yaml"
UNIT2 = "content/sample-course/units/02-pass-it-on.yaml"
UNIT3 = "content/sample-course/units/03-next-steps.yaml"
COURSE = "content/sample-course/course.yaml"

BAD_FILES = [
    BadFile(
        "broken-yaml",
        _edit("units/03-next-steps.yaml", "points: [The meeting creates a safety plan]", "points: [unclosed"),
        f"{UNIT3} (line 11, column 9): not valid YAML: expected ',' or ']', but got ':'",
    ),
    BadFile(
        "unknown-block-type",
        _edit("units/01-signs.yaml", "type: reflection", "type: reflect"),
        f"{UNIT1}: blocks[5].type (line 31): unknown block type 'reflect'; expected one of: callout, "
        "contact, key_points, reflection, resource, signs, story, text",
    ),
    BadFile(
        "missing-required-field",
        _edit("units/01-signs.yaml", "    who: Police\n", ""),
        f"{UNIT1}: blocks[6].who (line 33): missing field",
    ),
    BadFile(
        "unknown-field",
        _edit(
            "units/03-next-steps.yaml", "  - type: reflection\n", "  - type: reflection\n    colour: red\n"
        ),
        f"{UNIT3}: blocks[3].colour (line 15): unknown field 'colour'; expected one of: heading, material, "
        "pathways, prompt, type",
    ),
    BadFile(
        "unknown-pathway",
        _edit("units/01-signs.yaml", "pathways: [foster-carers]", "pathways: [foster-carer]"),
        f"{UNIT1}: blocks[4].pathways (line 30): unknown pathway 'foster-carer'; this course has: "
        "foster-carers, taxi-drivers",
    ),
    BadFile(
        "duplicate-unit-slug",
        _edit("units/03-next-steps.yaml", "slug: next-steps", "slug: signs"),
        f"{UNIT3}: slug (line 1): 'signs' is also the slug of 01-signs.yaml",
    ),
    BadFile(
        "bad-phone-number",
        _edit("units/02-pass-it-on.yaml", 'number: "02920 536490"', 'number: "02920 CALL-US"'),
        f"{UNIT2}: blocks[1].number (line 13): '02920 CALL-US' is not a phone number",
    ),
    BadFile(
        "bad-choice",
        _edit("units/03-next-steps.yaml", "style: important", "style: urgent"),
        f"{UNIT3}: blocks[2].style (line 12): 'urgent' is not allowed; expected one of: emergency, "
        "important, role",
    ),
    BadFile(
        # The file name is the position here: the problem is the name itself.
        "bad-unit-file-name",
        _write("units/4-extra.yaml", "slug: extra\ntitle: Extra\nminutes: 1\noutcomes: [x]\nblocks: []\n"),
        "content/sample-course/units/4-extra.yaml: file name must look like 01-unit-slug.yaml",
    ),
    BadFile(
        "slug-folder-mismatch",
        _edit("course.yaml", "slug: sample-course", "slug: sample"),
        f"{COURSE}: slug (line 2): slug 'sample' must match the folder name 'sample-course'",
    ),
    BadFile(
        "list-where-text-expected",
        _edit("units/03-next-steps.yaml", "title: What happens next", "title: [What, happens, next]"),
        f"{UNIT3}: title (line 2): must be text, got a list",
    ),
    BadFile(
        "text-where-list-expected",
        _edit(
            "units/03-next-steps.yaml",
            "outcomes:\n  - describe the safety plan",
            "outcomes: describe the safety plan",
        ),
        f"{UNIT3}: outcomes (line 4): must be a list, got text",
    ),
    BadFile(
        "mapping-where-markdown-expected",
        _edit(
            "units/03-next-steps.yaml",
            "body: The plan includes a worker who works directly with the child.",
            "body:\n      worker: directly with the child",
        ),
        f"{UNIT3}: blocks[2].body (line 13): must be text, got a mapping",
    ),
    BadFile(
        "word-where-number-expected",
        _edit("units/03-next-steps.yaml", "minutes: 4", "minutes: four"),
        f"{UNIT3}: minutes (line 3): must be a whole number, got 'four'",
    ),
    BadFile(
        "text-where-block-expected",
        _edit(
            "units/03-next-steps.yaml",
            "  - type: reflection\n",
            "  - just some words\n  - type: reflection\n",
        ),
        f"{UNIT3}: blocks[3] (line 14): expected a block (a mapping), got text",
    ),
    BadFile(
        "empty-unit-file",
        _write("units/03-next-steps.yaml", ""),
        f"{UNIT3}: line 1: the file is empty; expected a unit (a mapping)",
    ),
    BadFile(
        "empty-course-file",
        _write("course.yaml", "# nothing yet\n"),
        f"{COURSE}: line 1: the file is empty; expected the course (a mapping)",
    ),
]
