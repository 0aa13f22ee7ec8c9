"""Sign-up, log-in and profile forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from .models import User


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "certificate_name")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "certificate_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in, or reset your password."
            )
        return email

    def clean_certificate_name(self) -> str:
        name = " ".join(self.cleaned_data["certificate_name"].split())
        if not name:
            raise forms.ValidationError("Enter your name as it should appear on your certificate.")
        return name


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": False})
        self.fields["username"].max_length = 254


class CertificateNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("certificate_name",)
        widgets = {"certificate_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_certificate_name(self) -> str:
        name = " ".join(self.cleaned_data["certificate_name"].split())
        if not name:
            raise forms.ValidationError("Enter your name as it should appear on your certificate.")
        return name
