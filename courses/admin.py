"""Admin authoring: courses, pathways, units and their polymorphic blocks (one inline form per type)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationBaseModelAdmin, TranslationStackedInline
from polymorphic.admin import (
    PolymorphicChildModelAdmin,
    PolymorphicInlineSupportMixin,
    PolymorphicParentModelAdmin,
    StackedPolymorphicInline,
)

from . import services
from .admin_material import (
    MaterialContentForm,
    MaterialContentFormSet,
    material_items_of,
    numbers_unchanged_form,
)
from .models import (
    Block,
    CalloutBlock,
    ContactBlock,
    Course,
    CourseRelease,
    Enrolment,
    KeyPointsBlock,
    Pathway,
    ReflectionBlock,
    ResourceBlock,
    SignsBlock,
    StoryBlock,
    TextBlock,
    Unit,
)

BLOCK_MODELS = (
    TextBlock,
    KeyPointsBlock,
    SignsBlock,
    ContactBlock,
    CalloutBlock,
    ReflectionBlock,
    ResourceBlock,
    StoryBlock,
)


# Authors edit English and Welsh side by side (issue 21): modeltranslation's admins show `title [en]` and
# `title [cy]` for every translated field (courses/translation.py), in place of the single field.


class PathwayInline(TranslationStackedInline):
    model = Pathway
    form = numbers_unchanged_form("title", "introduction")
    extra = 0


class ReleaseInline(admin.TabularInline):
    """Releases come from versions.yaml through the loader: shown, never edited here."""

    model = CourseRelease
    fields = ("major", "released_on", "what_changed", "changed_units")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(TranslationAdmin):
    list_display = (
        "title",
        "slug",
        "version_label",
        "version",
        "cpd_minutes",
        "validity_months",
        "is_published",
    )
    readonly_fields = ("version", "version_major", "version_minor", "content_hash")
    form = numbers_unchanged_form("title", "summary", "content_note")
    inlines = [PathwayInline, ReleaseInline]


# A story's graph is checked by the loader only (reachable steps, ends, 2–4 choices): edit it in the files.
READ_ONLY = {"story": ("key", "steps")}


class TranslatedChildInline(TranslationBaseModelAdmin, StackedPolymorphicInline.Child):
    """A block type's form in the unit page, with its English and Welsh fields side by side."""

    def get_formset_child(self, request, obj=None, **kwargs):
        kwargs = self._get_form_or_formset(request, obj, **kwargs)
        return super().get_formset_child(request, obj, **kwargs)


def _child_inline(block_model):
    return type(
        f"{block_model.__name__}Inline",
        (TranslatedChildInline,),
        {
            "model": block_model,
            "filter_horizontal": ("pathways",),
            "form": MaterialContentForm,
            "readonly_fields": READ_ONLY.get(block_model.type_name, ()),
        },
    )


class BlockInline(StackedPolymorphicInline):
    model = Block
    formset = MaterialContentFormSet
    child_inlines = tuple(_child_inline(m) for m in BLOCK_MODELS)


class TouchesCourseMixin:
    """Edits in the admin mark the course as changed, so cached unit pages show them at once."""

    def _touch(self, obj) -> None:
        unit = obj if isinstance(obj, Unit) else obj.unit
        services.course_content_touched(course_id=unit.course_id)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._touch(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._touch(form.instance)

    def delete_model(self, request, obj):
        self._touch(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for course_id in {(o if isinstance(o, Unit) else o.unit).course_id for o in queryset}:
            services.course_content_touched(course_id=course_id)
        super().delete_queryset(request, queryset)


@admin.register(Unit)
class UnitAdmin(TouchesCourseMixin, PolymorphicInlineSupportMixin, TranslationAdmin):
    list_display = ("title", "course", "order", "minutes", "completed_by_quiz")
    list_filter = ("course",)
    form = numbers_unchanged_form("title", "outcomes")
    inlines = [BlockInline]


class BlockChildAdmin(TouchesCourseMixin, TranslationAdmin, PolymorphicChildModelAdmin):
    base_model = Block
    base_form = MaterialContentForm

    def has_delete_permission(self, request, obj=None) -> bool:
        """A block holding material content is removed in the files (a major release), not here."""
        if obj is not None and material_items_of(obj):
            return False
        return super().has_delete_permission(request, obj)


for _model in BLOCK_MODELS:
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (BlockChildAdmin,),
            {"base_model": Block, "readonly_fields": READ_ONLY.get(_model.type_name, ())},
        ),
    )


@admin.register(Block)
class BlockParentAdmin(TouchesCourseMixin, PolymorphicParentModelAdmin):
    base_model = Block
    child_models = BLOCK_MODELS
    list_display = ("__str__", "unit", "order")
    list_select_related = ("unit",)
    list_filter = ("unit__course", "unit")


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("learner", "course", "pathway", "started_at", "completed_at")
    list_filter = ("course", "pathway")
    search_fields = ("learner__email",)
    raw_id_fields = ("learner", "last_unit")
