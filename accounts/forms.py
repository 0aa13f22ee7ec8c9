"""Sign-up, log-in and profile forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import names
from .models import User
from .names import clean_certificate_name
from .verification import mail_language

# Say what is missing, not "This field is required." (GOV.UK error messages).
EMAIL_REQUIRED = _("Enter your email address")
PASSWORD_REQUIRED = _("Enter a password")
PASSWORD_AGAIN_REQUIRED = _("Enter the same password again, to confirm it")
# The models' English labels, translated here (models.py stays as it is: no migration for a label)
NAME_LABEL = _("Name as it should appear on your certificate")


def _name_field_as_people_count(field: forms.Field) -> None:
    """No maxlength in the page (browsers cut a name off silently, counting an emoji as two) and no
    Django "Ensure this value has at most…": clean_certificate_name counts and words it."""
    field.widget.attrs.pop("maxlength", None)
    field.max_length = None
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.help_text = names.HINT
    field.error_messages["required"] = names.EMPTY_MESSAGE


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "certificate_name")
        labels = {"email": _("Email address"), "certificate_name": NAME_LABEL}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "certificate_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args: object, check_existing: bool = True, **kwargs: object) -> None:
        # The sign-up page passes check_existing=False: it must not say which addresses have accounts.
        super().__init__(*args, **kwargs)
        self.check_existing = check_existing
        _name_field_as_people_count(self.fields["certificate_name"])
        self.fields["email"].error_messages["required"] = EMAIL_REQUIRED
        self.fields["password1"].error_messages["required"] = PASSWORD_REQUIRED
        self.fields["password2"].error_messages["required"] = PASSWORD_AGAIN_REQUIRED

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()
        if not self.check_existing:  # the page handles an existing address without saying so
            exclude.add("email")
        return exclude

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.check_existing and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email address already exists. Log in, or reset your password.")
            )
        return email

    def clean_certificate_name(self) -> str:
        return clean_certificate_name(self.cleaned_data["certificate_name"])


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct email address and password. The password is case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": False})
        self.fields["username"].max_length = 254
        self.fields["username"].error_messages["required"] = EMAIL_REQUIRED
        self.fields["password"].error_messages["required"] = _("Enter your password")


class CertificateNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("certificate_name",)
        labels = {"certificate_name": NAME_LABEL}
        widgets = {"certificate_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _name_field_as_people_count(self.fields["certificate_name"])

    def clean_certificate_name(self) -> str:
        return clean_certificate_name(self.cleaned_data["certificate_name"])


class LicenceNumberForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("licence_number",)
        labels = {"licence_number": _("Licence or badge number (optional)")}
        help_texts = {
            "licence_number": _(
                "For example your taxi or private-hire badge number. Managers of organisations you have "
                "joined can see it, so a licensing authority can check your training. Leave it empty to "
                "remove it."
            )
        }
        widgets = {"licence_number": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})}

    def clean_licence_number(self) -> str:
        raw = self.cleaned_data["licence_number"]
        if raw.strip() and not any(ch.isalnum() for ch in raw):
            raise forms.ValidationError(_("Enter a licence or badge number using letters and numbers."))
        return raw


class LanguageForm(forms.Form):
    """Welsh or English for pages, emails and certificates (issue 21), each named in the page's language."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("cy", _("Welsh")), ("en", _("English"))],
        widget=forms.RadioSelect,
        help_text=_("For pages, emails and certificates."),
        error_messages={
            "required": _("Choose Welsh or English"),
            "invalid_choice": _("Choose Welsh or English"),
        },
    )


class UserLanguagePasswordResetForm(PasswordResetForm):
    """Django's reset form; each email goes in its account holder's language (else the page's)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        with translation.override(mail_language(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to delete your account.")},
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right. Your account has not been deleted."))
        return password

    def clean(self) -> dict:
        from .services import user_deletion_blockers

        for reason in user_deletion_blockers(user=self.user):
            self.add_error(None, reason)
        return super().clean()
