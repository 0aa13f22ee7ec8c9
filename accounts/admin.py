from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import User
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
        ("Certificate", {"fields": ("certificate_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "certificate_name", "password1", "password2")}),
    )
