"""Changing the role (pathway) of an open enrolment. Completed units the two pathways share (the same blocks
and the same quiz questions) are kept; the others are done again. Called by the "change your role" page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import hooks
from .models import Block, Enrolment, Pathway, StoryRun, Unit, UnitProgress, UnitVisit
from .structure import course_structure


class PathwayChangeRefused(ValueError):
    """The change cannot be made; the message says why, for the page."""


@dataclass(frozen=True)
class PathwayChangePlan:
    pathway: Pathway
    kept: list[Unit]  # completed, and the same on both pathways
    redo: list[Unit]  # completed, but different on the new pathway: to be done again


def _units_with_different_blocks(*, course_id: int, first: int, second: int) -> set[int]:
    """One query: units where the blocks one pathway sees are not the blocks the other sees."""
    limited: dict[int, set[int | None]] = defaultdict(set)
    unit_of: dict[int, int] = {}
    blocks = Block.objects.non_polymorphic().filter(unit__course_id=course_id)
    rows = blocks.values_list("pk", "unit_id", "pathways")
    for block_id, unit_id, pathway_id in rows:
        unit_of[block_id] = unit_id
        limited[block_id].add(pathway_id)
    differing = set()
    for block_id, pathways in limited.items():
        everyone = pathways == {None}
        if not everyone and ((first in pathways) != (second in pathways)):
            differing.add(unit_of[block_id])
    return differing


def pathway_change_plan(*, enrolment: Enrolment, pathway: Pathway) -> PathwayChangePlan:
    """What a change to `pathway` keeps and what it sends back to be done again.

    Raises PathwayChangeRefused."""
    if enrolment.completed_at is not None:
        raise PathwayChangeRefused(
            gettext("You have completed this course, so its role can no longer be changed.")
        )
    if pathway.course_id != enrolment.course_id:
        raise PathwayChangeRefused(gettext("Choose one of this course's roles."))
    if pathway.pk == enrolment.pathway_id:
        raise PathwayChangeRefused(
            gettext("You are already taking the course as %(pathway)s.") % {"pathway": pathway.title}
        )
    ids = {"course_id": enrolment.course_id, "first": enrolment.pathway_id, "second": pathway.pk}
    differing = _units_with_different_blocks(**ids) | hooks.assessment_differences(
        course_id=enrolment.course_id, first_pathway_id=enrolment.pathway_id, second_pathway_id=pathway.pk
    )
    done_ids = getattr(enrolment, "done_unit_ids", None)  # brought by selectors.enrolment_current
    if done_ids is not None and enrolment.course_id is not None:
        done = [u for u in course_structure(course=enrolment.course).units if u.pk in done_ids]
    else:
        done = Unit.objects.filter(
            pk__in=UnitProgress.objects.filter(enrolment=enrolment).values("unit_id")
        ).order_by("order", "id")
    kept, redo = [], []
    for unit in done:
        (redo if unit.pk in differing else kept).append(unit)
    return PathwayChangePlan(pathway=pathway, kept=kept, redo=redo)


def enrolment_pathway_change(*, enrolment: Enrolment, pathway: Pathway) -> PathwayChangePlan:
    """Move the open enrolment to `pathway`: the units to redo lose their completion; the rest stay done.
    An open quiz attempt with the old role's questions is replaced when the quiz is next opened."""
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        plan = pathway_change_plan(enrolment=locked, pathway=pathway)
        UnitProgress.objects.filter(enrolment=locked, unit__in=[u.pk for u in plan.redo]).delete()
        # The new role's content of those units is to be opened before their quizzes open.
        UnitVisit.objects.filter(enrolment=locked, unit__in=[u.pk for u in plan.redo]).delete()
        # And their stories played again (the runs kept for analysis, set aside).
        StoryRun.objects.filter(
            enrolment=locked, unit__in=[u.pk for u in plan.redo], abandoned_at__isnull=True
        ).update(abandoned_at=timezone.now())
        locked.pathway = pathway
        locked.save(update_fields=["pathway"])
    enrolment.pathway = pathway
    return plan
