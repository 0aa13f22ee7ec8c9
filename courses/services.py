"""Every write to courses: enrolment and unit progress. Called by views, quizzes and the loader."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Course, Enrolment, Pathway, Unit, UnitProgress
from .selectors import enrolment_units_outstanding
from .signals import enrolment_completed


class UnitNotInPathway(ValidationError):
    pass


def enrolment_create(*, learner, pathway: Pathway) -> Enrolment:
    """Enrol the learner on a pathway, or return their open enrolment on this course.

    A learner has at most one open enrolment per course. Choosing another pathway while one is open and not
    yet started moves the learner to it; once progress exists the enrolment keeps its pathway.
    """
    with transaction.atomic():
        open_enrolment = (
            Enrolment.objects.select_for_update()
            .filter(learner=learner, course_id=pathway.course_id, completed_at__isnull=True)
            .first()
        )
        if open_enrolment is not None:
            if open_enrolment.pathway_id != pathway.pk and not open_enrolment.unit_progress.exists():
                open_enrolment.pathway = pathway
                open_enrolment.save(update_fields=["pathway"])
            return open_enrolment
        try:
            with transaction.atomic():
                return Enrolment.objects.create(learner=learner, course_id=pathway.course_id, pathway=pathway)
        except IntegrityError:
            # Two requests raced (double click): the other one created it.
            return Enrolment.objects.get(
                learner=learner, course_id=pathway.course_id, completed_at__isnull=True
            )


def unit_visit(*, enrolment: Enrolment, unit: Unit) -> Enrolment:
    """Remember the last unit opened, for "continue where you left off"."""
    if enrolment.last_unit_id != unit.pk and not enrolment.is_complete:
        enrolment.last_unit = unit
        enrolment.save(update_fields=["last_unit"])
    return enrolment


def unit_complete(*, enrolment: Enrolment, unit: Unit) -> UnitProgress:
    """Mark a unit complete (idempotent). Completing the last unit completes the enrolment and sends
    `enrolment_completed` once, inside this transaction, so listeners commit or roll back with it."""
    if unit.course_id != enrolment.course_id:
        raise UnitNotInPathway("This unit is not part of the learner's course.")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        progress, _ = UnitProgress.objects.get_or_create(
            enrolment=locked, unit=unit, defaults={"completed_at": timezone.now()}
        )
        _complete_if_done(locked)
        enrolment.completed_at = locked.completed_at
        enrolment.content_version = locked.content_version
    return progress


def _complete_if_done(locked: Enrolment) -> bool:
    """Complete a locked, open enrolment with no unit outstanding; `enrolment_completed` goes out once."""
    if locked.completed_at is not None or enrolment_units_outstanding(enrolment=locked):
        return False
    locked.completed_at = timezone.now()
    locked.content_version = locked.course.version
    locked.save(update_fields=["completed_at", "content_version"])
    enrolment_completed.send(sender=Enrolment, enrolment=locked)
    return True


def enrolments_reevaluate(*, course: Course) -> list[int]:
    """After the course's content changed (a reload, units removed in the admin), complete every open
    enrolment that now has nothing left to do, so no learner is left at "6 of 6" without a certificate.
    Idempotent; returns the ids of the enrolments it completed."""
    completed: list[int] = []
    candidates = Enrolment.objects.filter(course=course, completed_at__isnull=True).values_list(
        "pk", flat=True
    )
    for enrolment_id in list(candidates):
        with transaction.atomic():
            locked = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment_id)
            if _complete_if_done(locked):
                completed.append(locked.pk)
    return completed


def course_content_touched(*, course_id: int) -> None:
    """Content was edited outside the loader (the admin): mark the course changed, so cached renderings of its
    units, keyed on the course's last change, are not used again."""
    Course.objects.filter(pk=course_id).update(updated_at=timezone.now())
