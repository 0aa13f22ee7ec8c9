"""A member's training status: the values, their labels and the 90-day expiry window (shared by the
selectors, the grouped training query and the CSV)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

EXPIRING_WITHIN_DAYS = 90


class Status:
    """A member's training status, as the dashboard shows and filters it."""

    INVITED = "invited"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"

    LABELS = {
        INVITED: _("Invited"),
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed, certificate not issued yet"),
        VALID: _("Certificate valid"),
        EXPIRING: format_lazy(_("Expiring within {days} days"), days=EXPIRING_WITHIN_DAYS),
        EXPIRED: _("Certificate expired"),
        REVOKED: _("Certificate revoked"),
    }
    CHOICES = list(LABELS.items())
    # Statuses from an issued (or since revoked) certificate: its code and expiry date mean something.
    FROM_CERTIFICATE = (VALID, EXPIRING, EXPIRED, REVOKED)
    # ...and of those, the ones whose expiry date still tells the manager something.
    WITH_EXPIRY = (VALID, EXPIRING, EXPIRED)
