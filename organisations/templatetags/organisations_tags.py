"""Template helpers for organisation pages: the colour and words of a status tag, the kind of organisation."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from organisations.selectors import Status

register = template.Library()

TAG_CLASSES = {
    Status.INVITED: "tag tag--grey",
    Status.NOT_STARTED: "tag tag--grey",
    Status.IN_PROGRESS: "tag",
    Status.COMPLETED: "tag",
    Status.VALID: "tag tag--done",
    Status.EXPIRING: "tag org-tag--expiring",
    Status.EXPIRED: "tag tag--fail",
    Status.REVOKED: "tag tag--fail",
}


@register.filter
def status_class(status: str) -> str:
    return TAG_CLASSES.get(status, "tag")


@register.filter
def status_label(status: str) -> str:
    return Status.LABELS.get(status, status)


# The model's choices stay as they are (no migration); pages show these, in the reader's language.
KIND_LABELS = {
    "fostering": _("Fostering service"),
    "licensing": _("Licensing authority"),
    "school": _("School"),
    "hospitality": _("Hotel or hospitality group"),
    "other": _("Other"),
}


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def has_certificate(status: str) -> bool:
    """Whether the status comes from an issued certificate still in force or expired, so an expiry date
    means something (a revoked certificate no longer expires: it is not valid)."""
    return status in Status.WITH_EXPIRY
