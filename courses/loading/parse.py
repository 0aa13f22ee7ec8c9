"""Reads a course folder (course.yaml and units/NN-slug.yaml) into specs, checking every field; the apps
that add their own files (quizzes) parse them through `register_extension`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..models import BLOCK_TYPES, Course
from .lines import ContentError, _display, read_yaml
from .stories import parse_story_steps
from .validate import CHOICES, PHONE_RE, SLUG_RE, Reader, material_flag, pathway_list

LANGUAGES = ("en", "cy")

# Block fields that are not plain values, read by their own parser (a story's steps).
BLOCK_FIELD_PARSERS: dict[str, dict[str, Callable[[Reader], Any]]] = {"story": {"steps": parse_story_steps}}
# Bump when the loader's mapping of files to rows changes, so every course is reloaded once.
LOADER_VERSION = "1"
UNIT_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9-]+)\.ya?ml$")


@dataclass
class PathwaySpec:
    slug: str
    title: str
    introduction: str
    welsh: dict[str, Any] = field(default_factory=dict)  # field -> Welsh (loading/welsh.py)


@dataclass
class BlockSpec:
    type_name: str
    heading: str
    pathways: list[str]
    values: dict[str, Any]
    line: int = 0
    material: bool = False  # `material: true`: every change to this block needs a major version
    welsh: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnitSpec:
    slug: str
    title: str
    minutes: int
    outcomes: list[str]
    blocks: list[BlockSpec]
    file_stem: str
    slug_line: int = 0
    welsh: dict[str, Any] = field(default_factory=dict)


@dataclass
class CourseSpec:
    directory: Path
    slug: str
    title: str
    summary: str
    content_note: str
    cpd_minutes: int
    validity_months: int
    pathways: list[PathwaySpec]
    units: list[UnitSpec]
    content_hash: str
    extensions: dict[str, Any] = field(default_factory=dict)
    file: str = ""  # course.yaml as shown in messages
    pathways_line: int = 0
    languages: tuple[str, ...] = ("en",)  # `languages: [en, cy]`: every learner-facing field has Welsh too
    welsh: dict[str, Any] = field(default_factory=dict)

    @property
    def welsh_required(self) -> bool:
        return "cy" in self.languages

    @property
    def pathway_slugs(self) -> set[str]:
        return {p.slug for p in self.pathways}


class ContentExtension(Protocol):
    name: str

    def parse(self, spec: CourseSpec, root: Path, errors: list[str]) -> Any: ...

    def apply(self, *, course: Course, spec: CourseSpec, parsed: Any) -> None: ...


_extensions: list[ContentExtension] = []


def register_extension(extension: ContentExtension) -> None:
    """Other apps (quizzes) add their own content files; called from their AppConfig.ready()."""
    if all(existing.name != extension.name for existing in _extensions):
        _extensions.append(extension)


def parse_course(directory: Path, root: Path, errors: list[str]) -> CourseSpec | None:
    course_file = directory / "course.yaml"
    if not course_file.exists():
        errors.append(f"{_display(directory, root)}: missing course.yaml")
        return None
    start = len(errors)
    data = read_yaml(course_file, root, errors)
    if data is None and len(errors) > start:
        return None
    reader = Reader(file=_display(course_file, root), data=data, path="", errors=errors)
    if not reader.is_mapping("the course"):
        return None
    reader.check_unknown(
        [
            "slug",
            "title",
            "summary",
            "content_note",
            "cpd_minutes",
            "validity_months",
            "pathways",
            "languages",
        ]
    )
    languages = tuple(reader.string_list("languages", required=False)) or ("en",)
    if languages[0] != "en" or not set(languages) <= set(LANGUAGES) or len(set(languages)) != len(languages):
        reader.error(f"must be [en] or [en, cy] (English first), got {list(languages)}", "languages")
        languages = ("en",)
    reader.welsh_required = "cy" in languages
    slug = reader.slug("slug")
    if slug and slug != directory.name:
        reader.error(f"slug {slug!r} must match the folder name {directory.name!r}", "slug")
    pathways: list[PathwaySpec] = []
    for path, item in reader.mapping_list("pathways"):
        sub = reader.child(path, item)
        if not sub.is_mapping("a pathway"):
            continue
        sub.check_unknown(["slug", "title", "introduction"])
        spec = PathwaySpec(sub.slug("slug"), sub.text("title", max_length=120), sub.text("introduction"))
        spec.welsh = sub.welsh
        if spec.slug in {p.slug for p in pathways}:
            sub.error(f"pathway {spec.slug!r} appears twice", "slug")
        pathways.append(spec)
    if not pathways and "pathways" in data:
        reader.error("needs at least one pathway", "pathways")
    course = CourseSpec(
        directory=directory,
        slug=slug,
        title=reader.text("title", max_length=200),
        summary=reader.text("summary"),
        content_note=reader.text("content_note", required=False),
        cpd_minutes=reader.integer("cpd_minutes", minimum=1, maximum=6000),
        validity_months=reader.integer("validity_months", required=False, default=36, minimum=1, maximum=240),
        pathways=pathways,
        units=[],
        content_hash=content_hash(directory),
        file=reader.file,
        pathways_line=reader.line("pathways"),
        languages=languages,
        welsh=reader.welsh,
    )
    unit_dir = directory / "units"
    unit_files = sorted(unit_dir.glob("*.y*ml")) if unit_dir.is_dir() else []
    if not unit_files:
        errors.append(f"{_display(directory, root)}: no unit files under units/")
    seen_numbers: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    for unit_file in unit_files:
        match = UNIT_FILE_RE.match(unit_file.name)
        if not match:
            errors.append(f"{_display(unit_file, root)}: file name must look like 01-unit-slug.yaml")
            continue
        if match.group(1) in seen_numbers:
            errors.append(
                f"{_display(unit_file, root)}: number {match.group(1)} is also used by "
                f"{seen_numbers[match.group(1)]}"
            )
        seen_numbers[match.group(1)] = unit_file.name
        unit = parse_unit(unit_file, root, course.pathway_slugs, errors, welsh_required=course.welsh_required)
        if unit is not None:
            if unit.slug in seen_slugs:
                errors.append(
                    f"{_display(unit_file, root)}: slug (line {unit.slug_line}): {unit.slug!r} is also the "
                    f"slug of {seen_slugs[unit.slug]}; each unit needs its own slug"
                )
            seen_slugs.setdefault(unit.slug, unit_file.name)
            course.units.append(unit)
    for extension in _extensions:
        course.extensions[extension.name] = extension.parse(course, root, errors)
    return course


def parse_unit(
    unit_file: Path, root: Path, pathway_slugs: set[str], errors: list[str], *, welsh_required: bool = False
) -> UnitSpec | None:
    start = len(errors)
    data = read_yaml(unit_file, root, errors)
    if data is None and len(errors) > start:
        return None
    reader = Reader(
        file=_display(unit_file, root), data=data, path="", errors=errors, welsh_required=welsh_required
    )
    if not reader.is_mapping("a unit"):
        return None
    reader.check_unknown(["slug", "title", "minutes", "outcomes", "blocks"])
    unit = UnitSpec(
        slug=reader.slug("slug"),
        title=reader.text("title", max_length=200),
        minutes=reader.integer("minutes", minimum=1, maximum=600),
        outcomes=reader.string_list("outcomes"),
        blocks=[],
        file_stem=unit_file.stem,
        slug_line=reader.line("slug"),
        welsh=reader.welsh,
    )
    for path, item in reader.mapping_list("blocks"):
        sub = reader.child(path, item)
        if not sub.is_mapping("a block"):
            continue
        block = parse_block(sub, pathway_slugs)
        if block is not None:
            key = block.values.get("key") if block.type_name == "story" else None
            if key and any(b.type_name == "story" and b.values.get("key") == key for b in unit.blocks):
                sub.error(f"story {key!r} appears twice in this unit; each story needs its own key", "key")
            unit.blocks.append(block)
    if "blocks" in data and not unit.blocks and len(errors) == start:
        reader.error("needs at least one block", "blocks")
    return unit


def parse_block(reader: Reader, pathway_slugs: set[str]) -> BlockSpec | None:
    type_name = reader.text("type")
    if not type_name:
        return None
    block_class = BLOCK_TYPES.get(type_name)
    if block_class is None:
        reader.error(
            f"unknown block type {type_name!r}; expected one of: {', '.join(sorted(BLOCK_TYPES))}", "type"
        )
        return None
    parsers = BLOCK_FIELD_PARSERS.get(type_name, {})
    reader.check_unknown(["type", "heading", "pathways", "material", *block_class.content_fields, *parsers])
    values: dict[str, Any] = {name: parse(reader) for name, parse in parsers.items()}
    for name, (kind, required) in block_class.content_fields.items():
        if kind == "list":
            values[name] = reader.string_list(name, required=required)
            continue
        value = reader.text(name, required=required)
        if kind == "choice" and value and value not in CHOICES[name]:
            reader.error(
                f"{value!r} is not allowed; expected one of: {', '.join(sorted(CHOICES[name]))}", name
            )
        elif kind == "phone" and value and not PHONE_RE.match(value):
            reader.error(f"{value!r} is not a phone number (digits and spaces only)", name)
        elif kind == "url" and value and not re.match(r"^https?://[^\s]+$", value):
            reader.error(f"{value!r} is not a web address starting http:// or https://", name)
        elif kind == "slug" and value and not SLUG_RE.match(value):
            reader.error(f"{value!r} is not a key: use lower-case letters, digits and single hyphens", name)
        elif kind == "text" and len(value) > 200:
            reader.error("is longer than 200 characters", name)
        values[name] = value
    return BlockSpec(
        type_name=type_name,
        heading=reader.text("heading", required=False, max_length=200),
        pathways=pathway_list(reader, "pathways", pathway_slugs),
        values=values,
        line=reader.line(),
        material=material_flag(reader),
        welsh=reader.welsh,
    )


def content_hash(directory: Path) -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for path in sorted(
        p for p in directory.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml", ".md"}
    ):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def parse_all(root: Path) -> list[CourseSpec]:
    errors: list[str] = []
    if not root.is_dir():
        raise ContentError([f"{root}: content folder not found"])
    specs = []
    directories = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not directories:
        raise ContentError([f"{root}: no course folders found"])
    for directory in directories:
        spec = parse_course(directory, root, errors)
        if spec is not None:
            specs.append(spec)
    if errors:
        raise ContentError(errors)
    return specs
