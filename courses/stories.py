"""Branching stories (StoryBlock): reading a story's steps, a learner's runs through it, and the writes that
walk a run (choose, start again). Called by the story views and, for the quiz gate, by courses.services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from elearning.language import localized

from .markdown import render_markdown
from .models import Block, Enrolment, Pathway, StoryBlock, StoryRun, StoryRunChoice, Unit, UnitVisit


class StoryChoiceInvalid(Exception):
    """The submitted step or choice is not one of the story's (a tampered form): nothing is recorded."""


class StoryChoiceStale(Exception):
    """The run has moved on since the page was shown (the browser's back button, a second tab)."""


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    next: str
    feedback: str


@dataclass(frozen=True)
class Step:
    key: str
    heading: str
    text: str
    choices: list[Choice]
    ending: str = ""
    why: str = ""
    image: str = ""
    alt: str = ""

    @property
    def is_end(self) -> bool:
        return bool(self.ending)

    def text_html(self) -> SafeString:
        return render_markdown(self.text)

    def why_html(self) -> SafeString:
        return render_markdown(self.why)

    def choice(self, key: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.key == key), None)


@dataclass
class Story:
    block: StoryBlock
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def first(self) -> Step:
        return next(iter(self.steps.values()))

    @classmethod
    def of(cls, block: StoryBlock) -> Story:
        story = cls(block=block)
        for raw in block.steps:
            story.steps[raw["key"]] = _step(raw)
        return story


def _step(raw: dict[str, Any]) -> Step:
    return Step(
        key=raw["key"],
        heading=raw.get("heading", ""),
        text=raw.get("text", ""),
        choices=[Choice(c["key"], c["text"], c["next"], c["feedback"]) for c in raw.get("choices", [])],
        ending=raw.get("ending", ""),
        why=raw.get("why", ""),
        image=raw.get("image", ""),
        alt=raw.get("alt", ""),
    )


@dataclass(frozen=True)
class PathItem:
    """One choice of a run, with the step it was made at and what followed (for the end summary)."""

    step: Step | None
    choice: Choice | None
    made: StoryRunChoice


# Reads ----------------------------------------------------------------------------------------------------


def _visible_to(pathway_id: int | OuterRef) -> Q:
    through = Block.pathways.through
    return Q(~Exists(through.objects.filter(block_id=OuterRef("pk")))) | Q(
        Exists(through.objects.filter(block_id=OuterRef("pk"), pathway_id=pathway_id))
    )


def attempt_unfinished_story() -> Subquery:
    """For a query over quiz attempts: the title of a story of the attempt's unit that the attempt's learner
    sees but has not reached an end of (None when there is none). The same rule as unit_story_blocker."""
    through = Block.pathways.through
    visible = Q(~Exists(through.objects.filter(block_id=OuterRef("pk")))) | Q(
        Exists(
            through.objects.filter(
                block_id=OuterRef("pk"), pathway_id=OuterRef(OuterRef("enrolment__pathway_id"))
            )
        )
    )
    unfinished = (
        StoryBlock.objects.filter(unit_id=OuterRef("quiz__unit_id"))
        .filter(visible)
        .exclude(
            Exists(
                StoryRun.objects.filter(
                    enrolment_id=OuterRef(OuterRef("enrolment_id")),
                    unit_id=OuterRef(OuterRef("quiz__unit_id")),
                    story_key=OuterRef("key"),
                    ended_at__isnull=False,
                    abandoned_at__isnull=True,
                )
            )
        )
        .order_by("order")
    )
    return Subquery(unfinished.annotate(t=localized("title")).values("t")[:1])


def story_get(*, unit: Unit, pathway: Pathway, key: str) -> Story:
    """The unit's story with this key, if the pathway sees it (one query); raises StoryBlock.DoesNotExist."""
    block = StoryBlock.objects.filter(unit=unit, key=key).filter(_visible_to(pathway.pk)).get()
    return Story.of(block)


def unit_stories_for_pathway(*, unit: Unit, pathway: Pathway) -> list[StoryBlock]:
    """The unit's stories this pathway sees, in the unit's order (one query)."""
    return list(StoryBlock.objects.filter(unit=unit).filter(_visible_to(pathway.pk)).order_by("order", "id"))


def story_run_latest(*, enrolment: Enrolment, unit: Unit, key: str) -> StoryRun | None:
    """The learner's latest run through the story that was not abandoned (open or ended), with its
    choices in order (two queries)."""
    return (
        StoryRun.objects.filter(enrolment=enrolment, unit=unit, story_key=key, abandoned_at__isnull=True)
        .prefetch_related("choices")
        .order_by("-started_at", "-id")
        .first()
    )


def run_path(story: Story, run: StoryRun) -> list[PathItem]:
    """The run's choices with their steps and choices as the story has them now (None if since removed)."""
    items = []
    for made in run.choices.all():
        step = story.steps.get(made.step_key)
        items.append(PathItem(step=step, choice=step.choice(made.choice_key) if step else None, made=made))
    return items


def unit_story_blocker(*, enrolment: Enrolment, unit: Unit) -> tuple[bool, str | None]:
    """(opened, the title of a story of the unit the learner sees but has not reached an end of), in one
    query: the unit's quiz opens only when opened and no such story is left."""
    unfinished = (
        StoryBlock.objects.filter(unit_id=unit.pk)
        .filter(_visible_to(enrolment.pathway_id))
        .exclude(
            Exists(
                StoryRun.objects.filter(
                    enrolment_id=enrolment.pk,
                    unit_id=unit.pk,
                    story_key=OuterRef("key"),
                    ended_at__isnull=False,
                    abandoned_at__isnull=True,  # set aside when a release reopened the unit
                )
            )
        )
        .order_by("order")
    )
    row = (
        Unit.objects.filter(pk=unit.pk)
        .annotate(
            opened=Exists(UnitVisit.objects.filter(enrolment_id=enrolment.pk, unit_id=OuterRef("pk"))),
            story=Subquery(unfinished.annotate(t=localized("title")).values("t")[:1]),
        )
        .values_list("opened", "story")
        .first()
    )
    return (bool(row[0]), row[1]) if row else (False, None)


# Writes ---------------------------------------------------------------------------------------------------


def story_choose(
    *, enrolment: Enrolment, unit: Unit, story: Story, step_key: str, choice_key: str, now=None
) -> StoryRun:
    """Record the learner's choice at a step and move the run on (an end step ends it). A step or choice the
    story does not have raises StoryChoiceInvalid; a step the run is no longer at raises StoryChoiceStale.
    The first choice of a story opens the run."""
    now = now or timezone.now()
    step = story.steps.get(step_key)
    choice = step.choice(choice_key) if step else None
    if step is None or choice is None or choice.next not in story.steps:
        raise StoryChoiceInvalid(gettext("That is not one of this story's choices."))
    key = story.block.key
    with transaction.atomic():
        run = (
            StoryRun.objects.select_for_update()
            .filter(
                enrolment=enrolment,
                unit=unit,
                story_key=key,
                ended_at__isnull=True,
                abandoned_at__isnull=True,
            )
            .first()
        )
        if run is None:
            if step_key != story.first.key or _has_ended(enrolment, unit, key):
                raise StoryChoiceStale("This story has moved on since that page was shown.")
            try:
                with transaction.atomic():
                    run = StoryRun.objects.create(
                        enrolment=enrolment, unit=unit, story_key=key, started_at=now, current_step=step_key
                    )
            except IntegrityError as raced:  # a second tab opened it first
                raise StoryChoiceStale("This story has moved on since that page was shown.") from raced
        elif run.current_step != step_key:
            raise StoryChoiceStale("This story has moved on since that page was shown.")
        position = run.choices.count() + 1
        StoryRunChoice.objects.create(
            run=run, position=position, step_key=step_key, choice_key=choice_key, chosen_at=now
        )
        target = story.steps[choice.next]
        run.current_step = target.key
        update = ["current_step"]
        if target.is_end:
            run.ended_at, run.ending = now, target.ending
            update += ["ended_at", "ending"]
        run.save(update_fields=update)
    return run


def _has_ended(enrolment: Enrolment, unit: Unit, key: str) -> bool:
    """The latest run ended: its summary is showing, and "start again" opens the next one."""
    latest = (
        StoryRun.objects.filter(enrolment=enrolment, unit=unit, story_key=key, abandoned_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )
    return latest is not None and latest.ended_at is not None


def story_restart(*, enrolment: Enrolment, unit: Unit, story: Story, now=None) -> StoryRun:
    """Back to the start: an open run is abandoned (kept, with its choices) and a new one opens at the first
    step. An ended run stays ended: the learner has reached an end, whatever they do next."""
    now = now or timezone.now()
    key = story.block.key
    open_run = {"enrolment": enrolment, "unit": unit, "story_key": key}
    with transaction.atomic():
        StoryRun.objects.select_for_update().filter(
            enrolment=enrolment, unit=unit, story_key=key, ended_at__isnull=True, abandoned_at__isnull=True
        ).update(abandoned_at=now)
        try:
            with transaction.atomic():
                return StoryRun.objects.create(**open_run, started_at=now, current_step=story.first.key)
        except IntegrityError:  # a second tab started again at the same moment: one open run, theirs
            return StoryRun.objects.get(**open_run, ended_at__isnull=True, abandoned_at__isnull=True)


def story_run_abandon_if_changed(*, story: Story, run: StoryRun) -> bool:
    """An open run whose step the story no longer has (the content changed): abandoned, so the learner
    starts again at the first step. Returns True if it was."""
    if run.ended_at is None and run.current_step not in story.steps:
        StoryRun.objects.filter(pk=run.pk).update(abandoned_at=timezone.now())
        return True
    return False
