"""Quiz authoring in the admin, with polymorphic question types and their choices."""

from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from polymorphic.admin import PolymorphicChildModelAdmin, PolymorphicParentModelAdmin

from courses import services as course_services
from courses.admin_material import numbers_unchanged_form

from . import rules, services
from .models import (
    Attempt,
    Choice,
    LockReset,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    Scenario,
    SingleChoiceQuestion,
)

QUESTION_MODELS = (SingleChoiceQuestion, MultipleResponseQuestion, OrderingQuestion, MatchingQuestion)


# Phone numbers in a quiz are material content: changed in the files with a major release, not here.
class ChoiceInline(TranslationStackedInline):  # English and Welsh side by side (issue 21)
    model = Choice
    form = numbers_unchanged_form("text", "feedback", "match")
    extra = 0


class QuestionChildAdmin(TranslationAdmin, PolymorphicChildModelAdmin):
    base_model = Question
    base_form = numbers_unchanged_form("prompt", "section", "explanation", "distractors")
    inlines = [ChoiceInline]
    filter_horizontal = ("pathways",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Mark the course changed: cached quiz content (quizzes.content_cache, every process) is keyed on it,
        # and open attempts drawn before the edit are drawn again.
        course_services.course_content_touched(course_id=form.instance.quiz.unit.course_id)


for _model in QUESTION_MODELS:
    admin.site.register(
        _model, type(f"{_model.__name__}Admin", (QuestionChildAdmin,), {"base_model": Question})
    )


@admin.register(Question)
class QuestionParentAdmin(PolymorphicParentModelAdmin):
    base_model = Question
    child_models = QUESTION_MODELS
    list_display = ("key", "quiz", "order", "is_active")
    list_filter = ("quiz", "is_active")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("unit", "pass_mark", "max_attempts", "is_active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.quiz_unit_sync(quiz=obj)
        course_services.course_content_touched(course_id=obj.unit.course_id)  # cached quiz content

    def delete_model(self, request, obj):
        unit = obj.unit
        super().delete_model(request, obj)
        services.quiz_unit_sync(unit=unit)


@admin.register(Scenario)
class ScenarioAdmin(TranslationAdmin):
    list_display = ("key", "quiz")
    form = numbers_unchanged_form("text")
    filter_horizontal = ("pathways",)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: submitted attempts are a record and are never edited."""

    list_display = ("public_id", "enrolment", "quiz", "score", "passed", "submitted_at")
    list_filter = ("passed", "quiz")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LockResetForm(forms.ModelForm):
    """A reset lifts a lock that exists now, on a quiz of the enrolment's own course: never a quiet way to
    wipe counted failures (extra attempts) or a row about another course."""

    class Meta:
        model = LockReset
        fields = ("enrolment", "quiz")

    def clean(self):
        cleaned = super().clean()
        enrolment, quiz = cleaned.get("enrolment"), cleaned.get("quiz")
        if enrolment is None or quiz is None:
            return cleaned
        if quiz.unit.course_id != enrolment.course_id:
            raise forms.ValidationError("This quiz is not part of the enrolment's course.")
        if not rules.allowance_for(enrolment=enrolment, quiz=quiz).is_locked:
            raise forms.ValidationError("This quiz is not locked for this learner: there is nothing to lift.")
        return cleaned


@admin.register(LockReset)
class LockResetAdmin(admin.ModelAdmin):
    """Staff lift a learner's cooling-off lock by adding a reset (enrolment and quiz); who and when are
    recorded from the request and never edited afterwards."""

    list_display = ("created_at", "enrolment", "quiz", "reset_by_name")
    fields = ("enrolment", "quiz", "reset_by_name", "created_at")
    readonly_fields = ("reset_by_name", "created_at")
    raw_id_fields = ("enrolment",)
    form = LockResetForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        reset = services.lock_reset(enrolment=obj.enrolment, quiz=obj.quiz, by=request.user)
        obj.pk, obj.reset_by, obj.reset_by_name, obj.created_at = (
            reset.pk,
            reset.reset_by,
            reset.reset_by_name,
            reset.created_at,
        )
