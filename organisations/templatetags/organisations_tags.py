"""Template helpers for organisation pages: the colour of a status tag."""

from __future__ import annotations

from django import template

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


@register.filter
def has_certificate(status: str) -> bool:
    """Whether the status comes from an issued certificate still in force or expired, so an expiry date
    means something (a revoked certificate no longer expires: it is not valid)."""
    return status in Status.WITH_EXPIRY
