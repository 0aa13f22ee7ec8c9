from django import forms
from django.contrib import admin

from .models import OrganisationSSO, SSOIdentity


class OrganisationSSOForm(forms.ModelForm):
    client_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted (SSO_SECRET_KEY). Leave blank to keep the stored one, or name an "
        "environment variable below instead.",
    )

    class Meta:
        model = OrganisationSSO
        fields = [
            "organisation",
            "enabled",
            "issuer",
            "client_id",
            "client_secret",
            "client_secret_env",
            "allowed_domains",
            "password_login_allowed",
        ]

    def save(self, commit: bool = True):
        config = super().save(commit=False)
        if self.cleaned_data.get("client_secret"):
            config.set_client_secret(self.cleaned_data["client_secret"])
        if commit:
            config.save()
        return config


@admin.register(OrganisationSSO)
class OrganisationSSOAdmin(admin.ModelAdmin):
    form = OrganisationSSOForm
    list_display = ("organisation", "issuer", "enabled", "password_login_allowed")
    autocomplete_fields = ("organisation",)


@admin.register(SSOIdentity)
class SSOIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "issuer", "subject", "created_at")
    search_fields = ("user__email", "subject")
    readonly_fields = ("user", "issuer", "subject", "created_at")
