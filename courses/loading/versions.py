"""Course versions: `versions.yaml` (the declared major.minor and the major releases), the material content of
each unit (phone numbers, signs, routes, resources), and the rule that a material change needs a major
release, checked against the loaded content. Format: courses/content/README.md, "Releasing a change"."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from ..models import BLOCK_TYPES, Block, Course, CourseRelease
from ..services import enrolments_reopen_units
from ..signals import course_released
from .lines import ContentError, _display, read_yaml
from .parse import BLOCK_FIELD_PARSERS, BlockSpec, CourseSpec, _extensions
from .stories import story_texts
from .validate import Reader

VERSIONS_FILE = "versions.yaml"
VERSION_RE = re.compile(r"^(\d{1,4})\.(\d{1,4})$")
# A number in prose: digits, maybe in groups split by spaces, hyphens, dots or brackets
# ("02920 536490", "029-2053-6490", "(029) 2053 6490"), wherever written (a tel: link's target
# too); 3 digits or more. Generous on purpose: a changed digit anywhere must not pass as a minor edit.
NUMBER_IN_TEXT_RE = re.compile(r"\d(?:[ \t\u00a0.()-]*\d)*")
COURSE_KEY = ""  # material of course.yaml itself (the content note, pathway introductions)
FLAGGED = "marked material: "
# Raise when block_items changes what it records: records of another format are not compared (the rows are).
# 1: items of `material: true` blocks (not known for content loaded before this); 2: numbers split by
# hyphens, dots or brackets, after a slash or comma, in tel: targets, headings, titles and quiz files.
MATERIAL_FORMAT = 2


@dataclass
class ReleaseSpec:
    major: int
    released_on: dt.date | None
    what_changed: str
    units: list[str]
    line: int
    what_changed_cy: str | None = None


@dataclass
class VersionSpec:
    major: int = 1
    minor: int = 0
    releases: dict[int, ReleaseSpec] = field(default_factory=dict)
    file: str = VERSIONS_FILE
    line: int = 0
    declared: bool = False  # no versions.yaml: the course is 1.0


class VersionsContent:
    """Registered as a loader extension (courses.apps), so versions.yaml is parsed with every other file and
    its errors are reported together; the check against the loaded content runs in `release_check`."""

    name = "versions"

    def parse(self, spec: CourseSpec, root: Path, errors: list[str]) -> VersionSpec:
        return parse_versions(spec, root, errors)

    def apply(self, *, course: Course, spec: CourseSpec, parsed: Any) -> None:
        """Nothing here: `release_record` runs after every extension, in apply_course."""


def parse_versions(spec: CourseSpec, root: Path, errors: list[str]) -> VersionSpec:
    path = spec.directory / VERSIONS_FILE
    result = VersionSpec(file=_display(path, root))
    if not path.exists():
        return result
    data = read_yaml(path, root, errors)
    reader = Reader(file=result.file, data=data, path="", errors=errors, welsh_required=spec.welsh_required)
    if not reader.is_mapping("the course's version and releases"):
        return result
    result.declared = True
    reader.check_unknown(["version", "releases"])
    result.line = reader.line("version")
    raw = data.get("version")
    if isinstance(raw, float):
        reader.error(f'write the version in quotes, for example "{raw}", so 1.10 stays 1.10', "version")
    elif raw is None:
        reader.error('missing field: the version as major.minor, for example "1.0"', "version")
    elif not (match := VERSION_RE.match(str(raw).strip())) or int(match.group(1)) < 1:
        reader.error(f'{raw!r} is not a version: write major.minor, for example "2.0"', "version")
    else:
        result.major, result.minor = int(match.group(1)), int(match.group(2))
    unit_slugs = {unit.slug for unit in spec.units}
    for item_path, item in reader.mapping_list("releases", required=False):
        sub = reader.child(item_path, item)
        if not sub.is_mapping("a release"):
            continue
        sub.check_unknown(["major", "date", "what_changed", "units"])
        major = sub.integer("major", minimum=1, maximum=9999)
        released_on = item.get("date")
        if not isinstance(released_on, dt.date) or isinstance(released_on, dt.datetime):
            sub.error("must be a date written as YYYY-MM-DD", "date")
            released_on = None
        release = ReleaseSpec(
            major=major,
            released_on=released_on,
            what_changed=sub.text("what_changed", required=major > 1),
            units=sub.string_list("units", required=False),
            line=sub.line(),
        )
        release.what_changed_cy = sub.welsh.get("what_changed")
        for slug in release.units:
            if slug not in unit_slugs:
                sub.error(f"unknown unit {slug!r}; this course has: {', '.join(sorted(unit_slugs))}", "units")
        if major in result.releases:
            sub.error(f"major {major} has two releases; keep one", "major")
        elif major > result.major:
            sub.error(f"major {major} is newer than the version {result.major}.{result.minor}", "major")
        result.releases[major] = release
    if result.major not in result.releases and not any(e.startswith(result.file) for e in errors):
        needs = "its date" + (" and what_changed (a short note for learners)" if result.major > 1 else "")
        reader.error(
            f"version {result.major}.{result.minor} needs a release for major {result.major} under releases, "
            f"with {needs}",
            "version",
        )
    return result


# Material content -------------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def numbers_in(text: str) -> list[str]:
    """Phone-like numbers in prose, digits only ("02920 536490" -> "02920536490")."""
    found = ("".join(ch for ch in m.group(0) if ch.isdigit()) for m in NUMBER_IN_TEXT_RE.finditer(text or ""))
    return [number for number in found if len(number) >= 3]


def block_items(
    *, type_name: str, heading: str, values: dict[str, Any], pathways: list[str], material: bool
) -> list[str]:
    """What in one block is material: every phone number, the route of a contact card, each sign, each
    resource, and everything in a block marked `material: true`. Each item says what it is, in words."""
    scope = f" (only for {', '.join(sorted(pathways))})" if pathways else ""
    items: list[str] = [f"phone number {number}{scope}" for number in numbers_in(heading)]
    for name, (kind, _required) in BLOCK_TYPES[type_name].content_fields.items():
        value = values.get(name)
        for text in value if isinstance(value, list) else [value]:
            if kind == "phone":
                items += (
                    [f"phone number {''.join(ch for ch in str(text) if ch.isdigit())}{scope}"] if text else []
                )
            else:
                items += [f"phone number {number}{scope}" for number in numbers_in(str(text or ""))]
    if type_name == "contact":
        number = "".join(ch for ch in str(values.get("number") or "") if ch.isdigit()) or "no number"
        items.append(f"route: {_clean(values.get('who'))}, {number}{scope}")
    elif type_name == "signs":
        items += [f"sign: {_clean(sign)}{scope}" for sign in values.get("signs") or []]
    elif type_name == "story":  # every number its steps teach (999, 101, ...)
        items += [f"phone number {n}{scope}" for t in story_texts(values.get("steps")) for n in numbers_in(t)]
    elif type_name == "resource":
        parts = [_clean(values.get(name)) for name in ("name", "kind", "url", "number")]
        items.append(f"resource: {', '.join(part for part in parts if part)}{scope}")
    if material:
        body = json.dumps({k: v for k, v in sorted(values.items())}, ensure_ascii=False, sort_keys=True)
        items.append(f"{FLAGGED}{type_name} {_clean(heading)!r} {body}{scope}")
    return items


def _text_items(texts: list[str]) -> list[str]:
    return [f"phone number {number}" for text in texts for number in numbers_in(text)]


def spec_material(spec: CourseSpec) -> dict[str, dict[str, str]]:
    """The files' material content: {unit slug (or "" for course.yaml): {item: where it is}}."""
    result: dict[str, dict[str, str]] = {COURSE_KEY: {}}
    course_texts = [
        spec.title,
        spec.summary,
        spec.content_note,
        *(text for p in spec.pathways for text in (p.title, p.introduction)),
    ]
    for item in _text_items(course_texts):
        result[COURSE_KEY].setdefault(item, f"{spec.file}: title, summary, content_note or a pathway")
    for unit in spec.units:
        unit_file = str(Path(spec.file).parent / "units" / f"{unit.file_stem}.yaml")
        where = result.setdefault(unit.slug, {})
        for item in _text_items([unit.title, *unit.outcomes]):
            where.setdefault(item, f"{unit_file}: title or outcomes")
        for index, block in enumerate(unit.blocks):
            for item in _block_spec_items(block):
                where.setdefault(item, f"{unit_file}: blocks[{index}] (line {block.line})")
    stems = {unit.slug: unit.file_stem for unit in spec.units}
    for extension in _extensions:  # quizzes: feedback and questions teach numbers too
        if not hasattr(extension, "material_texts"):
            continue
        for slug, text, where_in_file in extension.material_texts(spec.extensions.get(extension.name)):
            quiz_file = Path(spec.file).parent / extension.name / f"{stems.get(slug, slug)}.yaml"
            for item in _text_items([text]):
                result.setdefault(slug, {}).setdefault(item, f"{quiz_file}: {where_in_file}")
    return result


def _block_spec_items(block: BlockSpec) -> list[str]:
    return block_items(
        type_name=block.type_name,
        heading=block.heading,
        values=block.values,
        pathways=block.pathways,
        material=block.material,
    )


def loaded_material(course: Course) -> tuple[dict[str, list[str]], bool]:
    """The material content as loaded: the current release's record, else (content loaded before releases
    were recorded) read from the rows themselves, without `material: true` items, which rows do not keep."""
    release = CourseRelease.objects.filter(course=course, major=course.version_major).first()
    if release is not None and release.material is not None and release.material_format == MATERIAL_FORMAT:
        return release.material, False
    result: dict[str, list[str]] = {
        COURSE_KEY: _text_items(
            [
                course.title,
                course.summary,
                course.content_note,
                *(text for pair in course.pathways.values_list("title", "introduction") for text in pair),
            ]
        )
    }
    for unit in course.units.all():
        result[unit.slug] = _text_items([unit.title, *unit.outcomes])
    blocks = Block.objects.filter(unit__course=course).select_related("unit").prefetch_related("pathways")
    for block in blocks:
        values = {name: getattr(block, name) for name in type(block).content_fields}
        values.update({name: getattr(block, name) for name in BLOCK_FIELD_PARSERS.get(block.type_name, {})})
        pathways = [p.slug for p in block.pathways.all()]
        result.setdefault(block.unit.slug, []).extend(
            block_items(
                type_name=block.type_name,
                heading=block.heading,
                values=values,
                pathways=pathways,
                material=False,
            )
        )
    for extension in _extensions:
        if hasattr(extension, "loaded_material_texts"):
            for slug, text in extension.loaded_material_texts(course):
                result.setdefault(slug, []).extend(_text_items([text]))
    return {key: sorted(set(items)) for key, items in result.items()}, True


# Checking and recording a release ---------------------------------------------------------------------


@dataclass
class ReleasePlan:
    major: int
    minor: int
    material: dict[str, list[str]]
    bumped: bool = False  # a new major release over the loaded one
    changed_units: list[str] = field(default_factory=list)


def release_check(*, course: Course | None, spec: CourseSpec) -> ReleasePlan:
    """Refuse (ContentError) a version that goes down, and a material change without a major release,
    comparing the files with the loaded content; return what `release_record` will write."""
    versions: VersionSpec = spec.extensions.get("versions") or VersionSpec()
    files = spec_material(spec)
    plan = ReleasePlan(versions.major, versions.minor, {key: sorted(items) for key, items in files.items()})
    if course is None:
        return plan
    loaded_label = course.version_label
    if (versions.major, versions.minor) < (course.version_major, course.version_minor):
        raise ContentError(
            [
                f"{versions.file}: version (line {versions.line}): {versions.major}.{versions.minor} is "
                f"older than the loaded version {loaded_label}; versions only go up"
            ]
        )
    loaded, from_rows = loaded_material(course)
    differences = _differences(files, loaded, ignore_flagged=from_rows)
    if versions.major == course.version_major:
        if differences:
            next_major = f"{course.version_major + 1}.0"
            raise ContentError(
                [
                    f"{where or _unit_file(key, spec)}: a material change needs a major version: {change}. "
                    f"The loaded version is {loaded_label}: declare version "
                    f'"{next_major}" in {versions.file} with a release for major '
                    f"{course.version_major + 1} (its date and what_changed), or undo the change"
                    for key, (change, where) in differences.items()
                ]
            )
        return plan
    release = versions.releases[versions.major]
    unit_slugs = [unit.slug for unit in spec.units]
    named = set(release.units)
    plan.bumped = True
    # A unit the loaded content does not have is new: its holders were never taught it, numbers or not.
    plan.changed_units = [
        slug for slug in unit_slugs if slug in differences or slug in named or slug not in loaded
    ]
    if not plan.changed_units:
        raise ContentError(
            [
                f"{versions.file}: releases (line {release.line}): major release {versions.major} changes no "
                "unit's material content (phone numbers, signs, routes, resources); list the units it "
                "changes under units, or make it a minor release"
            ]
        )
    return plan


def _differences(
    files: dict[str, dict[str, str]], loaded: dict[str, list[str]], *, ignore_flagged: bool
) -> dict[str, tuple[str, str | None]]:
    """{unit slug: (what changed, the file and line of the first added item, if any)}."""
    changes: dict[str, tuple[str, str | None]] = {}
    for key in sorted(set(files) | set(loaded)):
        new = {i for i in files.get(key, {}) if not (ignore_flagged and i.startswith(FLAGGED))}
        old = set(loaded.get(key, []))
        if key not in files:
            continue  # a removed unit: the loader's unit rules decide
        added, removed = sorted(new - old), sorted(old - new)
        if added or removed:
            parts = [f"added {item}" for item in added] + [f"removed {item}" for item in removed]
            changes[key] = ("; ".join(parts), files[key][added[0]] if added else None)
    return changes


def _unit_file(key: str, spec: CourseSpec) -> str:
    """Where to point when only removals changed a unit: its file's slug line (course.yaml for the course)."""
    if key == COURSE_KEY:
        return spec.file
    unit = next(u for u in spec.units if u.slug == key)
    unit_file = str(Path(spec.file).parent / "units" / f"{unit.file_stem}.yaml")
    return f"{unit_file}: slug (line {unit.slug_line})"


def release_record(*, course: Course, spec: CourseSpec, plan: ReleasePlan) -> None:
    """Write the declared version and the releases; on a new major release reopen its changed units in open
    enrolments and send `course_released`
    (inside the load's transaction, so listeners commit or roll back with it)."""
    versions: VersionSpec = spec.extensions.get("versions") or VersionSpec()
    course.version_major, course.version_minor = plan.major, plan.minor
    course.save(update_fields=["version_major", "version_minor"])
    for major, release in versions.releases.items():
        defaults: dict[str, Any] = {
            "what_changed": release.what_changed,
            "what_changed_en": release.what_changed,
            "what_changed_cy": release.what_changed_cy,
        }
        if release.released_on:
            defaults["released_on"] = release.released_on
        current, created = CourseRelease.objects.get_or_create(
            course=course,
            major=major,
            defaults={**defaults, "released_on": defaults.get("released_on", timezone.localdate())},
        )
        if not created:
            for name, value in defaults.items():
                setattr(current, name, value)
            current.save(update_fields=list(defaults))
    current, _ = CourseRelease.objects.get_or_create(
        course=course, major=plan.major, defaults={"released_on": timezone.localdate()}
    )
    current.material, current.material_format = plan.material, MATERIAL_FORMAT
    update = ["material", "material_format"]
    if plan.bumped:
        current.changed_units = plan.changed_units
        update.append("changed_units")
    current.save(update_fields=update)
    if plan.bumped:
        enrolments_reopen_units(course=course, unit_slugs=plan.changed_units)
        course_released.send(sender=Course, course=course, major=plan.major)
