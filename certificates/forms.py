from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .services import CODE_LENGTH, normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        help_text=_("It is on the certificate, for example 7K3M-Q9TX-2HRB-W4PD-A1CE."),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Enter the certificate code")},
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                gettext("Enter the %(length)d-character code shown on the certificate")
                % {"length": CODE_LENGTH}
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, in words the holder will understand"),
        help_text=_("For example: “The quiz answers were not your own work.” The holder sees this."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Give a reason: the holder is told why their certificate was revoked")},
    )
    retake_allowed = forms.BooleanField(
        label=_("Let them take the course again (a new certificate once they complete it)"),
        required=False,
    )
