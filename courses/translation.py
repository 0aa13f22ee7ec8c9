"""Welsh beside English (issue 21): the learner-facing fields of course content, registered with
django-modeltranslation. Each gets `<field>_en` and `<field>_cy` columns in the same row, so a page reads the
same rows in either language (no extra query) and `unit.title` is the active language's text, falling back to
English where a Welsh field is empty. Why modeltranslation rather than django-parler: parler keeps
translations in a table of their own, one more join or query per model on every page and awkward with
django-polymorphic's per-type queries; modeltranslation needs neither, and its admin shows both
languages side by side.

The course files carry the Welsh as `<field>_cy` twins (courses/loading/welsh.py)."""

from modeltranslation import manager as _manager
from modeltranslation.translator import TranslationOptions, register

from .models import (
    Block,
    CalloutBlock,
    ContactBlock,
    Course,
    CourseRelease,
    KeyPointsBlock,
    Pathway,
    ReflectionBlock,
    ResourceBlock,
    SignsBlock,
    StoryBlock,
    TextBlock,
    Unit,
)


def _post_init(self) -> None:
    """modeltranslation's queryset set up without its one side effect we cannot have: it copies the model's
    Meta.ordering into every queryset as an explicit ORDER BY, so that it can rewrite translated names in it.
    Django leaves Meta.ordering out of GROUP BY and adds no joins for it unless asked; explicit, it splits
    every `values(...).annotate(Count(...))` by the ordering columns (a unit count per course came back as
    1) and joins the course into unit queries. Meta.ordering then orders by the English column, as before."""
    self._rewrite = True
    self._populate = None


_manager.MultilingualQuerySet._post_init = _post_init


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title", "summary", "content_note")


@register(CourseRelease)
class CourseReleaseTranslation(TranslationOptions):
    fields = ("what_changed",)


@register(Pathway)
class PathwayTranslation(TranslationOptions):
    fields = ("title", "introduction")


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("title", "outcomes")


@register(Block)
class BlockTranslation(TranslationOptions):
    fields = ("heading",)


@register(TextBlock)
class TextBlockTranslation(TranslationOptions):
    fields = ("body",)


@register(KeyPointsBlock)
class KeyPointsBlockTranslation(TranslationOptions):
    fields = ("points",)


@register(SignsBlock)
class SignsBlockTranslation(TranslationOptions):
    fields = ("intro", "signs")


@register(ContactBlock)
class ContactBlockTranslation(TranslationOptions):
    fields = ("who", "when", "note")


@register(CalloutBlock)
class CalloutBlockTranslation(TranslationOptions):
    fields = ("body",)


@register(ReflectionBlock)
class ReflectionBlockTranslation(TranslationOptions):
    fields = ("prompt",)


@register(ResourceBlock)
class ResourceBlockTranslation(TranslationOptions):
    fields = ("description",)


@register(StoryBlock)
class StoryBlockTranslation(TranslationOptions):
    fields = ("title", "intro", "steps")
