from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
