from django import forms
from django.utils.translation import gettext_lazy as _

from .verify import MAX_CHARACTERS

MAX_UPLOAD_BYTES = 100_000


class CredentialCheckForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential"),
        help_text=_("The whole text of the .jwt file (it starts with eyJ), or of the .json file."),
        required=False,
        max_length=MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "max_length": _("The credential is too long: paste only the text of one .jwt or .json file")
        },
    )
    upload = forms.FileField(
        label=_("Or upload the credential file"),
        help_text=_("A .jwt or .json file, up to 100 KB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jwt,.json,application/json,application/vc+jwt"}),
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return ""
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too big: a credential file is under 100 KB"))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("The file is not a credential: choose the .jwt or .json file")
            ) from exc

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("credential") or "").strip() and not cleaned.get("upload"):
            self.add_error("credential", _("Paste a credential or choose a credential file"))
        return cleaned

    @property
    def text(self) -> str:
        return self.cleaned_data.get("upload") or self.cleaned_data.get("credential") or ""
