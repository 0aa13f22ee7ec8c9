"""A course's structure (its units in order) in process memory, per content version (issue 20).

Keyed on the course's `version` (a reload of its files) and `updated_at` (an admin edit marks the course
changed: services.course_content_touched), which every page reads with the course row anyway, so a new
release or an edit in another process is seen on the next request; saves and deletes of units in this
process forget the entry at once (signals below). One entry per course: memory stays bounded.

Callers get copies of the units, so nothing a page sets on one reaches another request.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from .models import Course, StoryBlock, Unit


@dataclass(frozen=True)
class Structure:
    key: tuple
    units: tuple[Unit, ...]
    _story_units: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def story_unit_ids(self) -> frozenset[int]:
        """Units with a story block (for any pathway): one query the first time it is asked, then none."""
        found = self._story_units.get("ids")
        if found is None:
            rows = StoryBlock.objects.filter(unit__course_id=self.key[0]).values_list("unit_id", flat=True)
            found = self._story_units["ids"] = frozenset(rows)
        return found

    @property
    def units_total(self) -> int:
        return len(self.units)

    def unit(self, slug: str) -> Unit:
        """A copy of the unit; Unit.DoesNotExist for a slug the course does not have."""
        for unit in self.units:
            if unit.slug == slug:
                return copy.copy(unit)
        raise Unit.DoesNotExist(slug)

    def neighbours(self, unit: Unit) -> tuple[Unit | None, Unit | None]:
        previous = max((u for u in self.units if u.order < unit.order), key=lambda u: u.order, default=None)
        following = min((u for u in self.units if u.order > unit.order), key=lambda u: u.order, default=None)
        return (copy.copy(previous) if previous else None, copy.copy(following) if following else None)


_structures: dict[int, Structure] = {}
_lock = threading.Lock()


def _key(course: Course) -> tuple:
    return (course.pk, course.version, course.updated_at)


def course_structure(*, course: Course) -> Structure:
    """The course's units in order: one query the first time per content version and process, then none."""
    key = _key(course)
    found = _structures.get(course.pk)
    if found is not None and found.key == key:
        return found
    units = tuple(Unit.objects.filter(course_id=course.pk).order_by("order"))
    structure = Structure(key=key, units=units)
    with _lock:
        _structures[course.pk] = structure
    return structure


def forget(course_id: int | None = None) -> None:
    """Drop the cached structure of one course (or of all)."""
    with _lock:
        if course_id is None:
            _structures.clear()
        else:
            _structures.pop(course_id, None)


def _unit_changed(sender, instance: Unit, **kwargs) -> None:
    forget(instance.course_id)


def _story_changed(sender, instance: StoryBlock, **kwargs) -> None:
    forget(Unit.objects.filter(pk=instance.unit_id).values_list("course_id", flat=True).first())


def _course_changed(sender, instance: Course, **kwargs) -> None:
    forget(instance.pk)


post_save.connect(_unit_changed, sender=Unit, dispatch_uid="courses.structure.unit_saved")
post_delete.connect(_unit_changed, sender=Unit, dispatch_uid="courses.structure.unit_deleted")
post_save.connect(_story_changed, sender=StoryBlock, dispatch_uid="courses.structure.story_saved")
post_delete.connect(_story_changed, sender=StoryBlock, dispatch_uid="courses.structure.story_deleted")
post_save.connect(_course_changed, sender=Course, dispatch_uid="courses.structure.course_saved")
post_delete.connect(_course_changed, sender=Course, dispatch_uid="courses.structure.course_deleted")
