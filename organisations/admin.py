"""Staff create organisations and their first manager here; managers do the rest on the site. Membership
changes made in the admin go through the same services as the site."""

from django.contrib import admin, messages

from . import services
from .models import CertificateExport, ExpiryReminder, Invitation, ManagerSummary, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("user", "role", "email", "invited_at", "joined_at")
    readonly_fields = ("email", "invited_at", "joined_at")
    autocomplete_fields = ("user",)
    verbose_name = "member"
    verbose_name_plural = "members (add a user as Manager to give them the managers' pages)"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # roles change through "Make manager" on the site, or remove and add again here


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or inline_form.instance.pk is not None:
                continue
            user = inline_form.cleaned_data.get("user") if inline_form.has_changed() else None
            if user is not None:
                formset.new_objects.append(
                    services.membership_add(
                        organisation=form.instance, user=user, role=inline_form.cleaned_data["role"]
                    )
                )
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is None:
                continue
            try:
                services.membership_remove(membership=inline_form.instance)
            except services.MembershipError as exc:
                messages.error(request, str(exc))
            else:
                formset.deleted_objects.append(inline_form.instance)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "invited_at", "joined_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("email", "user__email", "user__certificate_name", "organisation__name")
    readonly_fields = [f.name for f in Membership._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "email", "created_at", "expires_at", "revoked_at", "uses")
    list_filter = ("kind",)
    search_fields = ("organisation__name", "email")
    # The key alone cannot be used to join (the link also needs its HMAC), but there is no reason to show it.
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "key"]
    exclude = ("key",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CertificateExport)
class CertificateExportAdmin(admin.ModelAdmin):
    list_display = ("organisation", "status", "certificate_count", "created_at", "finished_at")
    readonly_fields = [f.name for f in CertificateExport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    list_display = ("certificate", "threshold_days", "outcome", "created_at", "sent_at")
    list_filter = ("threshold_days", "outcome")
    readonly_fields = [f.name for f in ExpiryReminder._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ManagerSummary)
class ManagerSummaryAdmin(admin.ModelAdmin):
    list_display = ("organisation", "iso_year", "iso_week", "sent_at", "recipients")
    readonly_fields = [f.name for f in ManagerSummary._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
