"""Course structure (Course, Pathway, Unit, Block types) and learner progress (Enrolment, UnitProgress)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from polymorphic.models import PolymorphicModel

from .markdown import render_markdown


class Course(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    content_note = models.TextField(blank=True, help_text="Markdown shown before the first unit.")
    version = models.PositiveIntegerField(
        default=1, help_text="Content revision: goes up each time the course's files change."
    )
    # The version the files declare (versions.yaml): a major release changes material facts.
    version_major = models.PositiveIntegerField(default=1)
    version_minor = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    cpd_minutes = models.PositiveIntegerField(default=60)
    validity_months = models.PositiveSmallIntegerField(default=36)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def version_label(self) -> str:
        return f"{self.version_major}.{self.version_minor}"


class CourseRelease(models.Model):
    """One major version of a course: when it was released, what changed, and the material content of each
    unit (phone numbers, signs, routes, resources) so later releases can tell which units changed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="releases")
    major = models.PositiveIntegerField()
    released_on = models.DateField()
    what_changed = models.TextField(blank=True)
    # unit slug -> sorted material items, or null when not known (releases made before this was recorded).
    material = models.JSONField(null=True, blank=True)
    material_format = models.PositiveSmallIntegerField(
        default=0, help_text="How `material` was computed; another format is ignored (the rows are compared)."
    )
    changed_units = models.JSONField(default=list, help_text="Slugs of the units this release changed.")

    class Meta:
        ordering = ["course", "major"]
        constraints = [
            models.UniqueConstraint(fields=["course", "major"], name="courses_release_unique_major")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} v{self.major}"


class Pathway(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="pathways")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    introduction = models.TextField(help_text="Markdown shown when a learner starts this pathway.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="courses_pathway_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Unit(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    slug = models.SlugField(max_length=80)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    outcomes = models.JSONField(default=list, help_text="Learning outcomes, one string each.")
    minutes = models.PositiveSmallIntegerField(help_text="Estimated reading time in minutes.")
    completed_by_quiz = models.BooleanField(
        default=False, help_text="Set by the quizzes app: the unit is complete when its quiz is passed."
    )

    class Meta:
        ordering = ["course", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courses_unit_unique_slug"),
            models.UniqueConstraint(fields=["course", "order"], name="courses_unit_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title


class Block(PolymorphicModel):
    """One piece of a unit's content. Each subclass renders itself with its own small template."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(max_length=200, blank=True)
    pathways = models.ManyToManyField(
        Pathway,
        blank=True,
        related_name="blocks",
        help_text="Leave empty to show the block on every pathway.",
    )

    type_name = "block"
    # Field name -> (kind, required) for content files; kinds: text, markdown, list, choice, url, phone.
    content_fields: dict[str, tuple[str, bool]] = {}
    template_name = "courses/blocks/text.html"

    class Meta:
        # Not by unit: polymorphic fetches each type's rows by id, and ordering by unit would join it in.
        ordering = ["order", "id"]

    def __str__(self) -> str:
        # Readable in the admin's list of base rows too: the real type's name (content types are cached).
        real = self.get_real_instance_class() if self.polymorphic_ctype_id else type(self)
        kind = str((real or type(self))._meta.verbose_name).capitalize()
        return f"{kind}: {self.heading}" if self.heading else f"{kind} (position {self.order}, no heading)"

    def render_context(self) -> dict:
        """Extra template context for this block type; subclasses add their own prepared values."""
        return {}


class TextBlock(Block):
    body = models.TextField(help_text="Markdown.")
    type_name = "text"
    content_fields = {"body": ("markdown", True)}
    template_name = "courses/blocks/text.html"

    def render_context(self) -> dict:
        return {"body_html": render_markdown(self.body)}


class KeyPointsBlock(Block):
    points = models.JSONField(default=list)
    type_name = "key_points"
    content_fields = {"points": ("list", True)}
    template_name = "courses/blocks/key_points.html"


class SignsBlock(Block):
    intro = models.TextField(blank=True, help_text="Markdown.")
    signs = models.JSONField(default=list)
    type_name = "signs"
    content_fields = {"intro": ("markdown", False), "signs": ("list", True)}
    template_name = "courses/blocks/signs.html"

    def render_context(self) -> dict:
        return {"intro_html": render_markdown(self.intro)}


class ContactBlock(Block):
    who = models.CharField(max_length=200)
    number = models.CharField(max_length=40, blank=True)
    when = models.TextField(help_text="Markdown: when to call.")
    note = models.TextField(blank=True, help_text="Markdown.")
    type_name = "contact"
    content_fields = {
        "who": ("text", True),
        "number": ("phone", False),
        "when": ("markdown", True),
        "note": ("markdown", False),
    }
    template_name = "courses/blocks/contact.html"

    def render_context(self) -> dict:
        return {
            "when_html": render_markdown(self.when),
            "note_html": render_markdown(self.note),
            "tel": "".join(ch for ch in self.number if ch.isdigit()),
        }


class CalloutBlock(Block):
    class Style(models.TextChoices):
        EMERGENCY = "emergency", "Emergency"
        IMPORTANT = "important", "Important"
        ROLE = "role", "In your role"

    style = models.CharField(max_length=20, choices=Style.choices, default=Style.IMPORTANT)
    body = models.TextField(help_text="Markdown.")
    type_name = "callout"
    content_fields = {"style": ("choice", True), "body": ("markdown", True)}
    template_name = "courses/blocks/callout.html"

    def render_context(self) -> dict:
        return {"body_html": render_markdown(self.body)}


class ReflectionBlock(Block):
    prompt = models.TextField(help_text="Markdown.")
    type_name = "reflection"
    content_fields = {"prompt": ("markdown", True)}
    template_name = "courses/blocks/reflection.html"

    def render_context(self) -> dict:
        return {"prompt_html": render_markdown(self.prompt)}


class ResourceBlock(Block):
    class Kind(models.TextChoices):
        APP = "app", "App"
        HELPLINE = "helpline", "Helpline"
        WEBSITE = "website", "Website"
        GUIDE = "guide", "Guide"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(help_text="Markdown.")
    url = models.URLField(blank=True)
    number = models.CharField(max_length=40, blank=True)
    type_name = "resource"
    content_fields = {
        "name": ("text", True),
        "kind": ("choice", True),
        "description": ("markdown", True),
        "url": ("url", False),
        "number": ("phone", False),
    }
    template_name = "courses/blocks/resource.html"

    def render_context(self) -> dict:
        return {
            "description_html": render_markdown(self.description),
            "tel": "".join(ch for ch in self.number if ch.isdigit()),
        }


class StoryBlock(Block):
    """A branching story (a scenario the learner plays): steps, each with text and 2–4 choices leading to
    other steps, or an end step. The steps live here as JSON, written by the loader (courses.stories); a
    learner's way through is kept in StoryRun by the story's key, so it survives a reload of the unit."""

    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    intro = models.TextField(help_text="Markdown shown above the first step.")
    steps = models.JSONField(default=list, help_text="The steps, first one first (see courses/stories.py).")
    type_name = "story"
    content_fields = {"key": ("slug", True), "title": ("text", True), "intro": ("markdown", True)}
    template_name = "courses/blocks/story.html"

    def render_context(self) -> dict:
        return {"intro_html": render_markdown(self.intro)}


BLOCK_TYPES: dict[str, type[Block]] = {
    cls.type_name: cls
    for cls in (
        TextBlock,
        KeyPointsBlock,
        SignsBlock,
        ContactBlock,
        CalloutBlock,
        ReflectionBlock,
        ResourceBlock,
        StoryBlock,
    )
}


class Enrolment(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="enrolments")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    content_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The course version when the enrolment was completed."
    )
    last_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    refreshes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A refresher: the completed enrolment it brings up to date; unchanged units carried over.",
    )
    # Time on task, recorded by the server: seconds on units (UnitVisit) plus seconds in submitted quizzes.
    seconds_spent = models.PositiveIntegerField(default=0)
    # When the learner last opened a unit page (the open "stint", credited to last_unit on their next step).
    unit_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One open enrolment per learner and course; completed ones stay as history (renewals).
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=Q(completed_at__isnull=True),
                name="courses_enrolment_one_open_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.pathway_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class UnitProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="unit_progress")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField()
    carried_over = models.BooleanField(
        default=False, help_text="A refresher's unit that did not change: done in the earlier enrolment."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "unit"], name="courses_unitprogress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.unit_id}"


class UnitVisit(models.Model):
    """A learner opened a unit's content (the quiz opens only after this), and how long they spent on it.

    Time is counted by the server: from opening the unit page to the learner's next step (another unit, the
    quiz, "mark as read"), at most UNIT_STINT_MAX_SECONDS per opening, so a tab left open counts little."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="unit_visits")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    first_opened_at = models.DateTimeField()
    last_opened_at = models.DateTimeField()
    times_opened = models.PositiveIntegerField(default=1)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "unit"], name="courses_unitvisit_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.unit_id} opened {self.first_opened_at:%Y-%m-%d %H:%M}"


class StoryRun(models.Model):
    """One way through a story by a learner (an enrolment): where they are, and whether and how it ended.
    "Start again" abandons an open run and opens a new one; ended and abandoned runs stay for analysis."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="story_runs")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    story_key = models.SlugField(max_length=80)
    started_at = models.DateTimeField()
    current_step = models.SlugField(max_length=80)
    ended_at = models.DateTimeField(null=True, blank=True)
    ending = models.CharField(max_length=20, blank=True, help_text="The end step's ending: good or poor.")
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "unit", "story_key"],
                condition=Q(ended_at__isnull=True, abandoned_at__isnull=True),
                name="courses_storyrun_one_open",
            )
        ]
        indexes = [models.Index(fields=["enrolment", "unit", "story_key"], name="courses_storyrun_lookup")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.story_key} at {self.current_step}"


class StoryRunChoice(models.Model):
    """One choice a learner made in a run: at which step, which choice, when (keys, so reloads keep them)."""

    run = models.ForeignKey(StoryRun, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    step_key = models.SlugField(max_length=80)
    choice_key = models.SlugField(max_length=80)
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="courses_storyrunchoice_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.position} {self.step_key}:{self.choice_key}"
