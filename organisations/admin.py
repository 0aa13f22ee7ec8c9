"""Staff create organisations and their first manager here; managers do the rest on the site. Membership
changes made in the admin go through the same services as the site."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet

from . import services
from .local_contacts import contact_values
from .models import (
    CertificateExport,
    ExpiryReminder,
    Invitation,
    LocalContact,
    LocalContactChange,
    ManagerSummary,
    Membership,
    Organisation,
)
from .phones import PhoneError, phone_normalise


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


class LocalContactForm(forms.ModelForm):
    class Meta:
        model = LocalContact
        fields = ("order", "label", "name", "phone", "email", "when_to_use")

    def clean_phone(self) -> str:
        try:
            return phone_normalise(self.cleaned_data["phone"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from exc


class LocalContactFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """The short-list limit, checked before anything is saved (the service would refuse it mid-save)."""
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if not (self.can_delete and self._should_delete_form(form))]
        added = sum(1 for form in kept if form.instance.pk is None and form.has_changed())
        removed = [form.instance.pk for form in self.forms if form not in kept and form.instance.pk]
        saved = (
            LocalContact.objects.filter(organisation_id=self.instance.pk).exclude(pk__in=removed).count()
            if self.instance.pk
            else 0
        )
        too_many = services.contacts_too_many(saved + added)
        if too_many:
            raise forms.ValidationError(too_many)


class LocalContactInline(admin.StackedInline):
    """Staff edit any organisation's local contacts here; every change is audited like a manager's."""

    model = LocalContact
    form = LocalContactForm
    formset = LocalContactFormSet
    extra = 0
    verbose_name = "local contact"
    verbose_name_plural = "local contacts (shown to members below the guide's routes)"


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name", "kind", "children_services_phone")

    def clean_children_services_phone(self) -> str:
        try:
            return services.area_number_clean(self.cleaned_data["children_services_phone"])
        except services.ContactError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [MembershipInline, LocalContactInline]

    def save_model(self, request, obj, form, change) -> None:
        phone = obj.children_services_phone
        if "children_services_phone" in form.changed_data:  # saved through the service, for the audit row
            obj.children_services_phone = form.initial.get("children_services_phone", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:  # members' boxes are headed with the name
            services.organisation_box_refresh(organisation_id=obj.pk)
        if phone != obj.children_services_phone:
            services.organisation_area_number_set(
                organisation=obj, actor=request.user, phone=phone, by_staff=True
            )

    def delete_model(self, request, obj) -> None:
        services.organisation_delete(organisation=obj)

    def delete_queryset(self, request, queryset) -> None:
        for organisation in queryset:
            services.organisation_delete(organisation=organisation)

    def _save_contacts(self, request, form, formset) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            values = {
                name: data.get(name) or "" for name in ("label", "name", "phone", "email", "when_to_use")
            }
            try:  # the formset checked the limit; a change saved on the site since then can still refuse
                if inline_form.instance.pk is None:
                    formset.new_objects.append(
                        services.local_contact_create(
                            organisation=form.instance,
                            actor=request.user,
                            by_staff=True,
                            order=data["order"],
                            **values,
                        )
                    )
                else:
                    original = LocalContact.objects.get(pk=inline_form.instance.pk)
                    updated = services.local_contact_update(
                        contact=original, actor=request.user, by_staff=True, order=data["order"], **values
                    )
                    formset.changed_objects.append((updated, list(contact_values(original))))
            except services.ContactError as exc:
                messages.error(request, f"{values['label']}: not saved. {exc}")
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                services.local_contact_delete(contact=inline_form.instance, actor=request.user, by_staff=True)
                formset.deleted_objects.append(inline_form.instance)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is LocalContact:
            return self._save_contacts(request, form, formset)
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


@admin.register(LocalContactChange)
class LocalContactChangeAdmin(admin.ModelAdmin):
    list_display = ("organisation", "action", "changed_by", "by_staff", "changed_at")
    list_filter = ("action", "by_staff")
    search_fields = ("organisation__name",)
    readonly_fields = [f.name for f in LocalContactChange._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Rows go only with their organisation. Delete permission stays (the organisation's delete page checks
    # it for the cascade), so the row's own delete page is refused instead.
    def get_actions(self, request):
        return {}

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)
