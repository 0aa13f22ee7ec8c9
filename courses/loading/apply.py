"""Writes checked course specs to the database, all or nothing, matching existing rows by slug so learners'
progress survives edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction
from django.utils import translation
from modeltranslation.translator import translator

from ..models import BLOCK_TYPES, Block, Course, Pathway, Unit, UnitProgress
from ..services import enrolments_reevaluate
from .lines import ContentError
from .parse import CourseSpec, _extensions, parse_all
from .versions import release_check, release_record

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content"


@dataclass
class LoadResult:
    slug: str
    action: str  # created, updated, unchanged
    version: int


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
    for result in results:
        if result.action == "updated":
            enrolments_reevaluate(course=Course.objects.get(slug=result.slug))


def apply_welsh(row: models.Model, welsh: dict) -> None:
    """Set the row's Welsh twins (`<field>_cy`) from the file's, clearing those the file no longer has."""
    for name in translator.get_options_for_model(type(row)).all_fields:
        setattr(row, f"{name}_cy", welsh.get(name))


def apply_course(spec: CourseSpec) -> LoadResult:
    # The English fields are the files' English: plain `title = …` writes the active language's column.
    with translation.override("en"):
        return _apply_course(spec)


def _apply_course(spec: CourseSpec) -> LoadResult:
    course = Course.objects.select_for_update().filter(slug=spec.slug).first()
    if course is not None and course.content_hash == spec.content_hash:
        return LoadResult(spec.slug, "unchanged", course.version)
    plan = release_check(course=course, spec=spec)  # a material change needs a major release
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
    apply_welsh(course, spec.welsh)
    course.save()

    pathways = _apply_pathways(course, spec)
    _apply_units(course, spec, pathways)
    for extension in _extensions:
        extension.apply(course=course, spec=spec, parsed=spec.extensions.get(extension.name))
    release_record(course=course, spec=spec, plan=plan)
    return LoadResult(spec.slug, "created" if created else "updated", course.version)


def _apply_pathways(course: Course, spec: CourseSpec) -> dict[str, Pathway]:
    existing = {p.slug: p for p in course.pathways.all()}
    result: dict[str, Pathway] = {}
    for order, item in enumerate(spec.pathways):
        pathway = existing.pop(item.slug, None) or Pathway(course=course, slug=item.slug)
        pathway.title, pathway.introduction, pathway.order = item.title, item.introduction, order
        apply_welsh(pathway, item.welsh)
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
        apply_welsh(unit, item.welsh)
        unit.save()
        Block.objects.filter(unit=unit).delete()
        for position, block_spec in enumerate(item.blocks, start=1):
            block_class = BLOCK_TYPES[block_spec.type_name]
            block = block_class(unit=unit, order=position, heading=block_spec.heading, **block_spec.values)
            apply_welsh(block, block_spec.welsh)
            block.save()
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
