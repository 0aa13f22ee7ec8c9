"""Admin: bind LTI deployments to organisations (manual registration is django-lti's own "LTI
registrations" and "LTI deployments" pages), make dynamic-registration links, see and retry grade posts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone

from . import grades
from .models import DeploymentBinding, GradePost, LtiIdentity, RegistrationInvite, ScormDispatch, ScormLearner


@admin.register(DeploymentBinding)
class DeploymentBindingAdmin(admin.ModelAdmin):
    list_display = ["deployment", "organisation", "pathway", "created_at"]
    list_select_related = ["deployment__registration", "organisation", "pathway"]
    autocomplete_fields = []


@admin.register(RegistrationInvite)
class RegistrationInviteAdmin(admin.ModelAdmin):
    list_display = ["organisation", "expires_at", "used_at", "registration_url"]
    readonly_fields = ["registration_url", "used_at", "registration"]
    fields = ["organisation", "pathway", "expires_at", "registration_url", "used_at", "registration"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timezone.timedelta(days=7)}

    @admin.display(description="Paste this into the LMS (dynamic registration)")
    def registration_url(self, obj: RegistrationInvite) -> str:
        return f"{settings.SITE_URL}/lti/register/{obj.token}/" if obj.pk else "(saved first)"


@admin.register(LtiIdentity)
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ["sub", "deployment", "user", "created_at"]
    list_select_related = ["deployment", "user"]
    search_fields = ["sub", "user__email"]
    raw_id_fields = ["user"]


@admin.register(GradePost)
class GradePostAdmin(admin.ModelAdmin):
    list_display = ["key", "status", "score_given", "activity_progress", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["link"]
    readonly_fields = [f.name for f in GradePost._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send again")
    def retry(self, request, queryset):
        ids = list(queryset.exclude(status=GradePost.Status.SENT).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(status=GradePost.Status.PENDING, requeues=0)
        for post_id in ids:
            grades.grade_post_enqueue(post_id=post_id)
        messages.success(request, f"{len(ids)} grade post(s) queued.")


@admin.register(ScormDispatch)
class ScormDispatchAdmin(admin.ModelAdmin):
    list_display = ["organisation", "course", "pathway", "created_at", "withdrawn_at"]
    list_select_related = ["organisation", "course", "pathway"]
    readonly_fields = ["key"]


@admin.register(ScormLearner)
class ScormLearnerAdmin(admin.ModelAdmin):
    list_display = ["lms_learner_id", "organisation", "user", "created_at"]
    raw_id_fields = ["user"]
