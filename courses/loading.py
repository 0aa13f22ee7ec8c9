"""Loads courses from the YAML files under courses/content/ (format: courses/content/README.md).

Parsing checks every file first and collects every error with its file and line; only when all files are good
are they written, in one transaction, matched to existing rows by slug/key so progress survives edits.
Other apps (quizzes) add their own files through `register_extension`; courses does not import them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.db import transaction

from .models import BLOCK_TYPES, Block, CalloutBlock, Course, Pathway, ResourceBlock, Unit, UnitProgress

CONTENT_ROOT = Path(__file__).resolve().parent / "content"
# Bump when the loader's mapping of files to rows changes, so every course is reloaded once.
LOADER_VERSION = "1"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PHONE_RE = re.compile(r"^[0-9][0-9 ]{1,30}$")
UNIT_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9-]+)\.ya?ml$")
CHOICES = {"style": {c.value for c in CalloutBlock.Style}, "kind": {c.value for c in ResourceBlock.Kind}}


# YAML with line numbers ------------------------------------------------------------------------------


class LDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
        data.key_lines[key] = key_node.start_mark.line + 1
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class ContentError(Exception):
    """One or more problems in content files; `errors` lists them, each naming file, position and problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def read_yaml(path: Path, root: Path, errors: list[str]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{_display(path, root)}: cannot read the file: {exc}")
        return None
    try:
        # _LineLoader is a SafeLoader subclass that only adds line numbers: no arbitrary objects.
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        errors.append(
            f"{_display(path, root)}{where}: not valid YAML: {problem}{f' ({context})' if context else ''}"
        )
        return None


def _display(path: Path, root: Path) -> str:
    """A short path for messages: relative to the working directory if possible, else to the content root."""
    for base in (Path.cwd(), root.parent):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


# Field reading --------------------------------------------------------------------------------------


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
        for key in self.data:
            if key not in allowed:
                self.error(f"unknown field {key!r}; expected one of: {', '.join(sorted(allowed))}", key)

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
        return value

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
        return Reader(file=self.file, data=data, path=path, errors=self.errors, item_lines=self.item_lines)


# Specs: what the files say, checked -------------------------------------------------------------------


@dataclass
class PathwaySpec:
    slug: str
    title: str
    introduction: str


@dataclass
class BlockSpec:
    type_name: str
    heading: str
    pathways: list[str]
    values: dict[str, Any]


@dataclass
class UnitSpec:
    slug: str
    title: str
    minutes: int
    outcomes: list[str]
    blocks: list[BlockSpec]
    file_stem: str
    slug_line: int = 0


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


def pathway_list(reader: Reader, key: str, known: set[str]) -> list[str]:
    slugs = reader.string_list(key, required=False)
    for slug in slugs:
        if slug not in known:
            reader.error(f"unknown pathway {slug!r}; this course has: {', '.join(sorted(known))}", key)
    return slugs


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
        ["slug", "title", "summary", "content_note", "cpd_minutes", "validity_months", "pathways"]
    )
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
        unit = parse_unit(unit_file, root, course.pathway_slugs, errors)
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


def parse_unit(unit_file: Path, root: Path, pathway_slugs: set[str], errors: list[str]) -> UnitSpec | None:
    start = len(errors)
    data = read_yaml(unit_file, root, errors)
    if data is None and len(errors) > start:
        return None
    reader = Reader(file=_display(unit_file, root), data=data, path="", errors=errors)
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
    )
    for path, item in reader.mapping_list("blocks"):
        sub = reader.child(path, item)
        if not sub.is_mapping("a block"):
            continue
        block = parse_block(sub, pathway_slugs)
        if block is not None:
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
    reader.check_unknown(["type", "heading", "pathways", *block_class.content_fields])
    values: dict[str, Any] = {}
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
        elif kind == "text" and len(value) > 200:
            reader.error("is longer than 200 characters", name)
        values[name] = value
    return BlockSpec(
        type_name=type_name,
        heading=reader.text("heading", required=False, max_length=200),
        pathways=pathway_list(reader, "pathways", pathway_slugs),
        values=values,
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


# Writing --------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    slug: str
    action: str  # created, updated, unchanged
    version: int


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


def load_courses(
    root: Path = CONTENT_ROOT, *, dry_run: bool = False, log: Callable[[str], None] | None = None
) -> list[LoadResult]:
    """Load every course under root; all or nothing. With dry_run, check everything, then roll back."""
    specs = parse_all(root)
    results: list[LoadResult] = []
    with transaction.atomic():
        for spec in specs:
            results.append(apply_course(spec))
        if not dry_run:
            _reevaluate_changed(results)
        if dry_run:
            transaction.set_rollback(True)
    if log:
        for result in results:
            log(f"{result.slug}: {result.action} (content version {result.version})")
    return results


def _reevaluate_changed(results: list[LoadResult]) -> None:
    """Units may have gone: learners with nothing left to do complete now (same rule as a unit completion)."""
    from .services import enrolments_reevaluate

    for result in results:
        if result.action == "updated":
            enrolments_reevaluate(course=Course.objects.get(slug=result.slug))


def apply_course(spec: CourseSpec) -> LoadResult:
    course = Course.objects.select_for_update().filter(slug=spec.slug).first()
    if course is not None and course.content_hash == spec.content_hash:
        return LoadResult(spec.slug, "unchanged", course.version)
    created = course is None
    if created:
        course = Course(slug=spec.slug, version=1)
    else:
        course.version += 1
    course.title = spec.title
    course.summary = spec.summary
    course.content_note = spec.content_note
    course.cpd_minutes = spec.cpd_minutes
    course.validity_months = spec.validity_months
    course.content_hash = spec.content_hash
    course.save()

    pathways = _apply_pathways(course, spec)
    _apply_units(course, spec, pathways)
    for extension in _extensions:
        extension.apply(course=course, spec=spec, parsed=spec.extensions.get(extension.name))
    return LoadResult(spec.slug, "created" if created else "updated", course.version)


def _apply_pathways(course: Course, spec: CourseSpec) -> dict[str, Pathway]:
    existing = {p.slug: p for p in course.pathways.all()}
    result: dict[str, Pathway] = {}
    for order, item in enumerate(spec.pathways):
        pathway = existing.pop(item.slug, None) or Pathway(course=course, slug=item.slug)
        pathway.title, pathway.introduction, pathway.order = item.title, item.introduction, order
        pathway.save()
        result[item.slug] = pathway
    for slug, pathway in existing.items():
        if pathway.enrolments.exists():
            raise ContentError(
                [
                    f"{spec.file}: pathways (line {spec.pathways_line}): pathway {slug!r} was removed but "
                    "learners are enrolled on it; keep it, or move those learners first"
                ]
            )
        pathway.delete()
    return result


def _apply_units(course: Course, spec: CourseSpec, pathways: dict[str, Pathway]) -> None:
    existing = {u.slug: u for u in course.units.all()}
    # Move existing units out of the way so re-ordering does not trip the (course, order) constraint.
    for offset, unit in enumerate(existing.values(), start=1):
        unit.order = 10_000 + offset
        unit.save(update_fields=["order"])
    for order, item in enumerate(spec.units, start=1):
        unit = existing.pop(item.slug, None) or Unit(course=course, slug=item.slug)
        unit.order, unit.title, unit.minutes, unit.outcomes = order, item.title, item.minutes, item.outcomes
        unit.save()
        Block.objects.filter(unit=unit).delete()
        for position, block_spec in enumerate(item.blocks, start=1):
            block_class = BLOCK_TYPES[block_spec.type_name]
            block = block_class.objects.create(
                unit=unit, order=position, heading=block_spec.heading, **block_spec.values
            )
            if block_spec.pathways:
                block.pathways.set([pathways[slug] for slug in block_spec.pathways])
    for unit in existing.values():
        reasons = []
        if UnitProgress.objects.filter(unit=unit).exists():
            reasons.append("learners have completed it")
        for extension in _extensions:
            blockers = getattr(extension, "unit_removal_blockers", None)
            reasons += blockers(unit) if blockers else []
        if reasons:
            raise ContentError(
                [
                    f"{spec.slug}: unit {unit.slug!r} was removed from the files but "
                    f"{' and '.join(reasons)}; keep the unit (its slug), or ask a developer to retire it"
                ]
            )
        unit.delete()
