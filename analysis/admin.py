from django.contrib import admin

from .models import Commissioner


@admin.register(Commissioner)
class CommissionerAdmin(admin.ModelAdmin):
    list_display = ["organisation", "created_at"]
    autocomplete_fields = ["organisation"]
