"""Every write to organisations: members and roles, local contacts, invitations, certificate ZIP exports,
reminders and weekly summaries. Views, tasks and the admin call these; nothing else writes organisations'
tables."""

import datetime as dt

from .contacts import (
    ContactError,
    area_number_clean,
    contact_clean,
    contacts_too_many,
    local_contact_create,
    local_contact_delete,
    local_contact_update,
    organisation_area_number_set,
    organisation_box_refresh,
    organisation_delete,
)
from .exports import (
    ExportError,
    export_build,
    export_create,
    export_enqueue,
    export_mark_failed,
    exports_delete_old,
    exports_sweep,
)
from .invitations import (
    InvitationUnusable,
    InviteListResult,
    LineProblem,
    invitation_accept,
    invitation_accept_with_sign_up,
    invitation_enqueue,
    invitation_is_for,
    invitation_link_create,
    invitation_revoke,
    invitation_send,
    invitation_url,
    invitations_create_for_emails,
    invitations_sweep,
    parse_email_lines,
)
from .members import (
    MembershipError,
    membership_add,
    membership_remove,
    membership_set_role,
    user_deletion_blockers,
    user_forget,
)
from .reminders import (
    expiry_reminder_send,
    expiry_reminders_send,
    manager_summaries_send,
    manager_summary_send,
)

EXPORT_KEEP = dt.timedelta(days=7)


def organisations_sweep(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> dict[str, object]:
    """Queue again what a broker outage left behind (invitation emails, ZIP exports) and delete old ZIPs."""
    return {
        "invitations": invitations_sweep(older_than=older_than),
        "exports": exports_sweep(older_than=older_than),
        "exports_deleted": exports_delete_old(older_than=EXPORT_KEEP),
    }


__all__ = [
    "ContactError",
    "area_number_clean",
    "contact_clean",
    "contacts_too_many",
    "local_contact_create",
    "local_contact_delete",
    "local_contact_update",
    "organisation_area_number_set",
    "organisation_box_refresh",
    "organisation_delete",
    "ExportError",
    "InvitationUnusable",
    "InviteListResult",
    "LineProblem",
    "MembershipError",
    "export_build",
    "export_create",
    "export_enqueue",
    "export_mark_failed",
    "exports_delete_old",
    "exports_sweep",
    "expiry_reminder_send",
    "expiry_reminders_send",
    "invitation_accept",
    "invitation_accept_with_sign_up",
    "invitation_enqueue",
    "invitation_is_for",
    "invitation_link_create",
    "invitation_revoke",
    "invitation_send",
    "invitation_url",
    "invitations_create_for_emails",
    "invitations_sweep",
    "manager_summaries_send",
    "manager_summary_send",
    "membership_add",
    "membership_remove",
    "membership_set_role",
    "organisations_sweep",
    "parse_email_lines",
    "user_deletion_blockers",
    "user_forget",
]
