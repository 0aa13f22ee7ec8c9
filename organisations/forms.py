"""Forms for managers' pages and for joining. Rules live in services; these only parse and check shape."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Membership

EXPIRY_CHOICES = [("7", _("1 week")), ("14", _("2 weeks")), ("30", _("30 days")), ("90", _("90 days"))]
MAX_PASTED_LINES = 2000


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pathway) -> str:
        return f"{pathway.title} ({pathway.course.title})"


def _pathway_field(
    label: str, help_text: str, empty_label: str = _("No pathway: they choose their role")
) -> PathwayChoiceField:
    return PathwayChoiceField(
        queryset=selectors.pathway_choices(),
        required=False,
        label=label,
        help_text=help_text,
        empty_label=empty_label,
    )


class LinkInvitationForm(forms.Form):
    pathway = _pathway_field(
        _("Pathway (optional)"), _("People who join with this link are put on this pathway of the course.")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("The link stops working after"), choices=EXPIRY_CHOICES, coerce=int, initial="14"
    )


class EmailInvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=_(
            "One address a line, or several separated by commas or semicolons (as Outlook copies them). "
            "You can paste a column from a spreadsheet, or CSV rows with the email address in any column. "
            "We list every address we send an invitation to, and every one we cannot use."
        ),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": _("Enter at least one email address.")},
    )
    pathway = _pathway_field(
        _("Pathway (optional)"), _("Everyone on this list is put on this pathway when they join.")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("The invitations stop working after"), choices=EXPIRY_CHOICES, coerce=int, initial="14"
    )

    def clean_emails(self) -> str:
        text = self.cleaned_data["emails"]
        if len(text.splitlines()) > MAX_PASTED_LINES:
            raise forms.ValidationError(
                gettext("Paste at most %(max)s lines at a time.") % {"max": MAX_PASTED_LINES}
            )
        return text


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *selectors.Status.CHOICES]
    )
    pathway = _pathway_field(_("Pathway"), "", empty_label=_("Any pathway"))

    def __init__(self, *args, licensing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if licensing:
            self.fields["q"].label = _("Name, email, or licence or badge number")

    def filters(self) -> dict:
        # A bad filter value is ignored rather than shown as an error: these are links people bookmark.
        if not self.is_valid():
            return {"status": "", "pathway_id": None, "search": ""}
        pathway = self.cleaned_data["pathway"]
        return {
            "status": self.cleaned_data["status"],
            "pathway_id": pathway.pk if pathway else None,
            "search": self.cleaned_data["q"],
        }


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)  # posted by buttons: values only, never shown


class LicenceLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Licence or badge number"),
        max_length=40,
        error_messages={"required": _("Enter a licence or badge number.")},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


def parse_ids(values: list[str], *, limit: int) -> list[int]:
    """Checkbox values to ids; anything but a plain ASCII number of a database id's size is dropped ("²"
    and 4,301 digits pass str.isdigit), and at most limit + 1 are kept so the service can say "too many"."""
    ids = (parse_id(value) for value in values)
    return [value for value in ids if value is not None][: limit + 1]


MAX_ID = 2**63 - 1  # a bigint primary key


def parse_id(value: object) -> int | None:
    """One id from a form: ASCII digits only, no sign, no spaces, at most 19 digits, 1 to 2**63 - 1."""
    if not isinstance(value, str) or not 0 < len(value) <= 19 or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
