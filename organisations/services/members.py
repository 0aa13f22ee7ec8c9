"""Writes to memberships: add someone who has an account, change a role, remove a member."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from elearning.files import delete_files_on_commit

from ..models import Membership, Organisation
from .contacts import forget_user_organisations


class MembershipError(Exception):
    """A change the rules do not allow; the message is written for the manager."""


def membership_add(*, organisation: Organisation, user, role: str = Membership.Role.LEARNER) -> Membership:
    """Put a user in an organisation (idempotent). An "invited" row for their email becomes theirs. Adding
    an existing learner as a manager promotes them; adding a manager as a learner never demotes."""
    email = user.email.lower()
    with transaction.atomic():
        forget_user_organisations(user_id=user.pk)  # read again once this commits, for their boxes
        existing = Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
        if existing is None:
            existing = (
                Membership.objects.select_for_update()
                .filter(organisation=organisation, user__isnull=True, email=email)
                .first()
            )
            if existing is not None:
                existing.user = user
                existing.joined_at = timezone.now()
                existing.save(update_fields=["user", "joined_at"])
        if existing is None:
            try:
                with transaction.atomic():
                    return Membership.objects.create(
                        organisation=organisation, user=user, email=email, role=role, joined_at=timezone.now()
                    )
            except IntegrityError:  # a concurrent join (double click) made it first
                existing = Membership.objects.get(organisation=organisation, user=user)
        if role == Membership.Role.MANAGER and existing.role != Membership.Role.MANAGER:
            existing.role = Membership.Role.MANAGER
            existing.save(update_fields=["role"])
        return existing


def _is_last_manager(membership: Membership) -> bool:
    if membership.role != Membership.Role.MANAGER:
        return False
    others = (
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Membership.Role.MANAGER)
        .exclude(pk=membership.pk)
    )
    return not others.exists()


def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise MembershipError(gettext("Choose manager or learner."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.user_id is None:
            raise MembershipError(gettext("Only people who have joined can be made a manager."))
        if role == Membership.Role.LEARNER and _is_last_manager(locked):
            raise MembershipError(
                gettext("An organisation needs at least one manager. Make someone else a manager first.")
            )
        if locked.role != role:
            locked.role = role
            locked.save(update_fields=["role"])
    return locked


def membership_remove(*, membership: Membership) -> None:
    """Take someone out of the organisation; their own training and certificates are not touched. An
    invited person's unused invitations stop working."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if _is_last_manager(locked):
            raise MembershipError(
                gettext("An organisation needs at least one manager. Make someone else a manager first.")
            )
        locked.invitations.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        locked.delete()
        if locked.user_id is not None:
            forget_user_organisations(user_id=locked.user_id)


def user_deletion_blockers(user) -> list[str]:
    """Reasons the user may not delete their account yet: they are the only manager of an organisation."""
    from django.db.models import Count

    mine = Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values("organisation_id")
    alone = (
        Membership.objects.filter(organisation_id__in=mine, role=Membership.Role.MANAGER)
        .values("organisation_id")
        .annotate(managers=Count("pk"))
        .filter(managers=1)
        .values("organisation_id")
    )
    managed = Organisation.objects.filter(pk__in=alone).order_by("name")
    return [
        gettext("You are the only manager of %(name)s. Make someone else a manager there first.")
        % {"name": organisation.name}
        for organisation in managed
    ]


def user_forget(*, user) -> None:
    """The user is deleting their account: remove what organisations keep about them that no one else
    needs — email invitations sent to their address and certificate ZIPs that include them."""
    from ..models import CertificateExport, Invitation

    memberships = set(Membership.objects.filter(user=user).values_list("pk", flat=True))
    Invitation.objects.filter(kind=Invitation.Kind.EMAIL, email__iexact=user.email).delete()
    for export in CertificateExport.objects.all().only("pk", "membership_ids", "file"):
        if memberships & set(export.membership_ids or []):
            if export.file:  # deleted only once the account deletion commits
                delete_files_on_commit(export.file.name)
            export.delete()
