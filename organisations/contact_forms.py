"""Forms for an organisation's local contacts. They check shape; the phone rules (a full UK number, not one
of the guide's) are services.contact_clean's, reported here against the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .phones import PhoneError, phone_display, phone_normalise


class LocalContactForm(forms.Form):
    label = forms.CharField(
        label=_("Who this is"),
        max_length=80,
        help_text=_(
            "For example: Designated safeguarding person, Licensing safeguarding officer, Out of hours."
        ),
        error_messages={
            "required": _("Enter who this contact is, for example Designated safeguarding person.")
        },
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("A UK number with its area code, like 020 7946 0000. Not one of the guide's numbers."),
        error_messages={"required": _("Enter a phone number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.org, or leave it empty.")},
    )
    when_to_use = forms.CharField(
        label=_("When to use it"),
        max_length=200,
        help_text=_("One plain-English sentence, for example: Tell them the same day about any worry."),
        error_messages={"required": _("Enter when to use this contact, in one sentence.")},
    )
    order = forms.IntegerField(
        label=_("Position in the list"),
        min_value=1,
        max_value=99,
        initial=1,
        help_text=_("1 is shown first."),
        error_messages={
            "required": _("Enter a position from 1 to 99."),
            "invalid": _("Enter a position from 1 to 99."),
            "min_value": _("Enter a position from 1 to 99."),
            "max_value": _("Enter a position from 1 to 99."),
        },
    )

    def clean_phone(self) -> str:
        try:
            return phone_normalise(self.cleaned_data["phone"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                cleaned = services.contact_clean(
                    label=data["label"],
                    name=data.get("name", ""),
                    phone=data["phone"],
                    email=data.get("email", ""),
                    when_to_use=data["when_to_use"],
                )
            except services.ContactError as exc:
                raise forms.ValidationError(str(exc)) from exc
            data.update(cleaned)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name, "") for name in ("label", "name", "phone", "email", "when_to_use")}

    @classmethod
    def initial_for(cls, contact) -> dict:
        return {
            "label": contact.label,
            "name": contact.name,
            "phone": phone_display(contact.phone),
            "email": contact.email,
            "when_to_use": contact.when_to_use,
            "order": contact.order,
        }


class AreaNumberForm(forms.Form):
    phone = forms.CharField(
        label=_("Children's services in your area (optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "For organisations outside Cardiff: your council's children's services number, like "
            "0161 496 0000. Leave it empty to remove it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        try:
            return services.area_number_clean(self.cleaned_data["phone"])
        except services.ContactError as exc:
            raise forms.ValidationError(str(exc)) from exc
