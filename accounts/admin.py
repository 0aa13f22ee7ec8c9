from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import two_factor
from .models import TwoFactorReset, User
from .names import clean_certificate_name


class _CertificateNameRules:
    def clean_certificate_name(self) -> str:
        return clean_certificate_name(self.cleaned_data.get("certificate_name", ""))


class UserChangeAdminForm(_CertificateNameRules, UserChangeForm):
    pass


class UserCreationAdminForm(_CertificateNameRules, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = ("email", "certificate_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "certificate_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Certificate"), {"fields": ("certificate_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-step verification (lost phone): audited, the owner is emailed"))
    def reset_two_factor(self, request, queryset) -> None:
        done = 0
        for user in queryset.exclude(pk=request.user.pk):  # never one's own: that needs a recovery code
            two_factor.two_factor_reset(
                user=user, reset_by=request.user, via="the admin", reason="Reset by staff"
            )
            done += 1
        self.message_user(
            request,
            ngettext(
                "Two-step verification reset for %(count)d account; its owner was emailed.",
                "Two-step verification reset for %(count)d accounts; each owner was emailed.",
                done,
            )
            % {"count": done},
        )

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "certificate_name", "password1", "password2")}),
    )


@admin.register(TwoFactorReset)
class TwoFactorResetAdmin(admin.ModelAdmin):
    """The audit trail: read-only."""

    list_display = ("created_at", "user", "reset_by", "via", "reason")
    search_fields = ("user__email", "reset_by__email")
    readonly_fields = ("created_at", "user", "reset_by", "via", "reason")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
