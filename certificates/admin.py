"""Certificates in the admin: see status, retry failed issues, revoke with a reason."""

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from . import services
from .forms import RevokeForm
from .models import Certificate, Revocation


class RevocationInline(admin.StackedInline):
    model = Revocation
    extra = 0
    can_delete = False
    readonly_fields = ("reason", "retake_allowed", "revoked_by", "revoked_at", "emailed_at")

    def has_add_permission(self, request, obj=None):
        return False


class IssueProblemFilter(admin.SimpleListFilter):
    """Failed certificates: those the sweeper will try again, and those that need staff."""

    title = "issue problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("needs-staff", "Failed: needs staff"), ("retrying", "Failed: will be retried")]

    def queryset(self, request, queryset):
        from django.conf import settings
        from django.db.models import Q

        failed = queryset.filter(status=Certificate.Status.FAILED)
        retried = Q(failure_transient=True, issue_failures__lte=settings.CERTIFICATE_FAILED_REQUEUES)
        if self.value() == "needs-staff":
            return failed.exclude(retried)
        if self.value() == "retrying":
            return failed.filter(retried)
        return queryset


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = (
        "display_code",
        "holder_name",
        "course_title",
        "pathway_title",
        "status",
        "issued_on",
        "expires_on",
        "issue_failures",
    )
    list_filter = ("status", IssueProblemFilter, "course", "language")
    search_fields = ("code", "holder_name", "learner__email")
    readonly_fields = [f.name for f in Certificate._meta.fields]
    inlines = [RevocationInline]
    actions = ["retry_issue"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry issuing the selected failed certificates")
    def retry_issue(self, request, queryset):
        count = 0
        for certificate in queryset.filter(status=Certificate.Status.FAILED):
            services.certificate_retry(certificate_id=certificate.pk)
            count += 1
        self.message_user(request, f"{count} certificate(s) queued again.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/", self.admin_site.admin_view(self.revoke_view), name="certificates_revoke"
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk: int):
        certificate = self.get_object(request, str(pk))
        if certificate is None or not self.has_view_permission(request, certificate):
            return redirect("admin:certificates_certificate_changelist")
        if not request.user.has_perm("certificates.change_certificate"):
            return redirect("admin:certificates_certificate_change", pk)
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            services.certificate_revoke(
                certificate=certificate,
                reason=form.cleaned_data["reason"],
                revoked_by=request.user,
                retake_allowed=form.cleaned_data["retake_allowed"],
            )
            self.message_user(request, f"Certificate {certificate.display_code} revoked.", messages.SUCCESS)
            return redirect("admin:certificates_certificate_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "certificate": certificate,
            "form": form,
            "opts": self.model._meta,
            "title": f"Revoke {certificate.display_code}",
        }
        status = 400 if request.method == "POST" else 200  # a refused form says so, in place
        return render(request, "admin/certificates/revoke.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["revoke_url"] = reverse("admin:certificates_revoke", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)
