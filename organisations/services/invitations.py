"""Invitations: create a link, invite a pasted list of emails, send the emails, accept, revoke."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from email.utils import getaddresses
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts import services as account_services
from certificates import api as certificates_api
from courses import services as course_services
from courses.models import Pathway
from elearning.language import user_language
from elearning.outbox import enqueue_or_leave_for_sweeper

from .. import selectors
from ..models import Invitation, Membership, Organisation
from .contacts import forget_user_organisations
from .members import membership_add

MAX_EXPIRY_DAYS = 90
HEADER_WORDS = {"email", "email address", "e-mail", "e-mail address", "emails"}


class InvitationUnusable(Exception):
    """The invitation is expired, revoked or already used; nothing was changed."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def _new_key() -> str:
    return secrets.token_urlsafe(16)


def _expires_at(days: int) -> dt.datetime:
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"An invitation lasts between 1 and {MAX_EXPIRY_DAYS} days.")
    return timezone.now() + dt.timedelta(days=days)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("organisations:join", args=[selectors.invitation_token(invitation)])


def invitation_link_create(
    *, organisation: Organisation, created_by, pathway: Pathway | None = None, expires_in_days: int = 14
) -> Invitation:
    """A link anyone may use to join until it expires or is revoked."""
    return Invitation.objects.create(
        organisation=organisation,
        kind=Invitation.Kind.LINK,
        key=_new_key(),
        pathway=pathway,
        created_by=created_by,
        expires_at=_expires_at(expires_in_days),
    )


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Stop an invitation working. An emailed invitation's "invited" row leaves the dashboard with it."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
        if locked.kind == Invitation.Kind.EMAIL and locked.membership_id:
            # Keep the "invited" row while a newer invitation for the same person still works.
            others = Invitation.objects.filter(
                membership_id=locked.membership_id, revoked_at__isnull=True
            ).exclude(pk=locked.pk)
            if not any(other.state() == "active" for other in others):
                Membership.objects.filter(pk=locked.membership_id, user__isnull=True).delete()
    return locked


# A pasted list of emails -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineProblem:
    line: int
    value: str
    reason: str

    def __str__(self) -> str:
        return gettext("Line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class InviteListResult:
    invited: list[Invitation] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


MAX_LINE_LENGTH = 1000  # no address is this long; csv would refuse much longer lines with an error


def _shown(value: str) -> str:
    return value if len(value) <= 80 else value[:77] + "..."


def _not_an_address(value: str) -> str:
    return gettext("'%(value)s' is not an email address.") % {"value": _shown(value)}


SEPARATORS = ",;\t"  # commas (RFC 5322 lists, CSV), semicolons (Outlook), tabs (a spreadsheet row)


def _pieces(line: str) -> list[str]:
    """Cut a line at separators outside quotes and angle brackets, so `"Last, First" <b@x>` stays whole."""
    pieces, current, quoted, angled = [], [], False, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        if char in SEPARATORS and not quoted and not angled:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    pieces.append("".join(current).strip())
    return [piece for piece in pieces if piece]


def _address_in(piece: str) -> str | None:
    """The one address in `piece` (RFC 5322, read by email.utils.getaddresses), or None if it has none
    that is valid."""
    found = [address for _name, address in getaddresses([piece]) if address]
    if len(found) != 1:
        return None
    address = found[0].strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def parse_email_lines(text: str) -> tuple[list[tuple[int, str]], list[LineProblem]]:
    """Every address on every line: one per line, or several separated by commas or semicolons
    (`a@x; b@x`, Outlook's `Name <a@x>; "Last, First" <b@x>`), or CSV and spreadsheet rows whose other
    columns hold no "@" (names, roles: ignored). A first line that is only a column heading is ignored.
    Each address is checked on its own; each one that cannot be used is reported."""
    good: list[tuple[int, str]] = []
    problems: list[LineProblem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_LENGTH:
            problems.append(
                LineProblem(
                    number,
                    raw[:80],
                    gettext("the line is longer than %(max)s characters.") % {"max": MAX_LINE_LENGTH},
                )
            )
            continue
        pieces = _pieces(raw)
        with_at = [piece for piece in pieces if "@" in piece]
        if not with_at:
            if number == 1 and any(piece.lower() in HEADER_WORDS for piece in pieces):
                continue
            value = raw.strip()
            problems.append(LineProblem(number, value, _not_an_address(value)))
            continue
        for piece in with_at:
            address = _address_in(piece)
            if address is None:
                problems.append(LineProblem(number, piece, _not_an_address(piece)))
                continue
            if address in first_line:
                earlier = first_line[address]
                shown = {"address": _shown(address), "line": earlier}
                reason = (
                    gettext("'%(address)s' is already earlier on this line.") % shown
                    if earlier == number
                    else gettext("'%(address)s' is already on line %(line)s.") % shown
                )
                problems.append(LineProblem(number, piece, reason))
                continue
            first_line[address] = number
            good.append((number, address))
    return good, problems


def invitations_create_for_emails(
    *,
    organisation: Organisation,
    text: str,
    created_by,
    pathway: Pathway | None = None,
    expires_in_days: int = 14,
) -> InviteListResult:
    """Invite every good line; report each bad one. Good rows are saved and emailed even when others fail."""
    rows, problems = parse_email_lines(text)
    result = InviteListResult(problems=problems)
    expires_at = _expires_at(expires_in_days)
    now = timezone.now()
    with transaction.atomic():
        addresses = [address for _, address in rows]
        existing = {
            m.email: m
            for m in Membership.objects.select_for_update().filter(
                organisation=organisation, email__in=addresses
            )
        }
        # A member who joined with another address still has their account's address on file.
        joined_by_account = set(
            Membership.objects.filter(organisation=organisation, user__email__in=addresses).values_list(
                "user__email", flat=True
            )
        )
        active = {
            inv.membership_id: inv
            for inv in Invitation.objects.filter(
                membership__in=[m.pk for m in existing.values()],
                kind=Invitation.Kind.EMAIL,
                revoked_at__isnull=True,
                uses=0,
                expires_at__gt=now,
            )
        }
        for number, address in rows:
            membership = existing.get(address)
            if address in joined_by_account or (membership and membership.user_id):
                result.problems.append(
                    LineProblem(
                        number,
                        address,
                        gettext("'%(address)s' is already a member of %(name)s.")
                        % {"address": address, "name": organisation.name},
                    )
                )
                continue
            if membership and membership.pk in active:
                until = date_format(timezone.localtime(active[membership.pk].expires_at), "j F Y")
                result.problems.append(
                    LineProblem(
                        number,
                        address,
                        gettext("'%(address)s' has already been invited (until %(date)s).")
                        % {"address": address, "date": until},
                    )
                )
                continue
            if membership is None:
                membership = Membership.objects.create(
                    organisation=organisation, email=address, role=Membership.Role.LEARNER, invited_at=now
                )
            else:
                membership.invited_at = now
                membership.save(update_fields=["invited_at"])
            invitation = Invitation.objects.create(
                organisation=organisation,
                kind=Invitation.Kind.EMAIL,
                key=_new_key(),
                email=address,
                membership=membership,
                pathway=pathway,
                created_by=created_by,
                expires_at=expires_at,
            )
            transaction.on_commit(partial(invitation_enqueue, invitation_id=invitation.pk))
            result.invited.append(invitation)
    result.problems.sort(key=lambda problem: problem.line)
    return result


# By dotted path, looked up when queueing: tasks import these services, so these must not import tasks.
SEND_TASK = "organisations.tasks.invitation_send_task"


def invitation_enqueue(*, invitation_id: int) -> bool:
    """Queue the email. A broker that is down is logged, not raised: the sweeper queues it again."""
    return enqueue_or_leave_for_sweeper(model=Invitation, pk=invitation_id, task=SEND_TASK)


def _invitation_language(invitation: Invitation) -> str:
    """The invitee's own choice if they have an account and made one, else the inviting manager's."""
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).only("language").first()
    return user_language(invitee if invitee is not None and invitee.language else invitation.created_by)


def invitation_send(*, invitation_id: int) -> Invitation:
    """Email an invitation once. Safe to run twice: the row lock and `emailed_at` make the second a no-op."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))  # lock the invitation, not the joined rows
            .select_related("organisation", "pathway", "created_by")
            .get(pk=invitation_id)
        )
        if invitation.emailed_at is not None or invitation.kind != Invitation.Kind.EMAIL:
            return invitation
        if not invitation.is_usable():
            return invitation
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "url": invitation_url(invitation),
            "expires_at": invitation.expires_at,
            "site_url": settings.SITE_URL,
        }
        with translation.override(_invitation_language(invitation)):
            message = EmailMultiAlternatives(
                subject=gettext("%(name)s has invited you to CSE awareness training")
                % {"name": invitation.organisation.name},
                body=render_to_string("organisations/email/invitation.txt", context),
                to=[invitation.email],
            )
            html = render_to_string("organisations/email/invitation.html", context)
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return invitation


# Accepting -----------------------------------------------------------------------------------------------


def _has_current_certificate(*, user, pathway: Pathway) -> bool:
    return any(
        c.course_id == pathway.course_id and c.verification_status() == "valid"
        for c in certificates_api.certificates_for_learner(learner=user)
    )


def _join_from_email_invitation(invitation: Invitation, user) -> Membership:
    organisation = invitation.organisation
    placeholder = (
        Membership.objects.select_for_update().filter(pk=invitation.membership_id, user__isnull=True).first()
    )
    already = Membership.objects.filter(organisation=organisation, user=user).first()
    if placeholder is None or already is not None:
        if placeholder is not None:
            placeholder.delete()
        return already or membership_add(organisation=organisation, user=user)
    email = user.email.lower()
    if placeholder.email != email:  # accepted with another account: its address is the one on file now
        Membership.objects.filter(organisation=organisation, user__isnull=True, email=email).delete()
        placeholder.email = email
    placeholder.user = user
    placeholder.joined_at = timezone.now()
    placeholder.save(update_fields=["user", "email", "joined_at"])
    forget_user_organisations(user_id=user.pk)  # their boxes of local contacts, once this commits
    return placeholder


def invitation_is_for(*, invitation: Invitation, user) -> bool:
    """A link invitation is for anyone; an emailed one only for an account with the address it was sent to."""
    if invitation.kind != Invitation.Kind.EMAIL:
        return True
    return (user.email or "").strip().lower() == (invitation.email or "").strip().lower()


def invitation_accept(*, invitation_id: int, user) -> Membership:
    """Join the organisation and, when the invitation names a pathway, enrol on it (unless the learner
    already holds a valid certificate for that course). Raises InvitationUnusable and changes nothing when
    the invitation has expired, been revoked or been used, or ("another-address") when an emailed invitation
    is used by an account with another address."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "pathway")
            .get(pk=invitation_id)
        )
        state = invitation.state()
        if state != "active":
            raise InvitationUnusable(state)
        if invitation.kind == Invitation.Kind.EMAIL:
            if not invitation_is_for(invitation=invitation, user=user):
                raise InvitationUnusable("another-address")
            membership = _join_from_email_invitation(invitation, user)
            # The invitation reached this address, so the address is the account holder's.
            account_services.user_email_mark_verified(user=user)
        else:
            membership = membership_add(organisation=invitation.organisation, user=user)
        invitation.uses += 1
        invitation.last_used_at = timezone.now()
        invitation.save(update_fields=["uses", "last_used_at"])
        if invitation.pathway is not None and not _has_current_certificate(
            user=user, pathway=invitation.pathway
        ):
            course_services.enrolment_create(learner=user, pathway=invitation.pathway)
    return membership


def invitation_accept_with_sign_up(
    *, invitation_id: int, email: str, password: str, certificate_name: str
) -> Membership:
    """Create the account and join in one transaction: an unusable invitation creates no account."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        state = invitation.state()
        if state != "active":
            raise InvitationUnusable(state)
        user = account_services.user_create(email=email, password=password, certificate_name=certificate_name)
        return invitation_accept(invitation_id=invitation_id, user=user)


def invitations_sweep(*, older_than: dt.timedelta) -> list[int]:
    """Queue again emailed invitations whose message never went (broker down, lost message)."""
    cutoff = timezone.now() - older_than
    ids = list(
        Invitation.objects.filter(
            kind=Invitation.Kind.EMAIL,
            emailed_at__isnull=True,
            revoked_at__isnull=True,
            uses=0,
            expires_at__gt=timezone.now(),
        )
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
        .values_list("pk", flat=True)[:500]
    )
    for invitation_id in ids:
        invitation_enqueue(invitation_id=invitation_id)
    return ids
