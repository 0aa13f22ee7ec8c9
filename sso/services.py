"""Single sign-on: which organisation an email address signs in with, and the sign-in itself: linking by
(issuer, sub), or by a verified email address; a new account and membership just in time; no takeover."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.names import normalise_name
from elearning.language import CODES
from organisations.models import Membership
from organisations.services import membership_add

from .models import OrganisationSSO, SSOIdentity

STAFF_REFUSED = _(
    "This is a staff account: staff cannot sign in through an organisation. Log in with your password."
)


class SignInRefused(Exception):
    """Nothing was created or linked; the message is safe to show."""


def _current_language() -> str:
    """A new account keeps the language its holder was using when it was made (issue 21)."""
    code = translation.get_language() or ""
    return code if code in CODES else ""


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in (email or "") else ""


def config_for_email(email: str) -> OrganisationSSO | None:
    domain = email_domain(email)
    if not domain:
        return None
    for config in OrganisationSSO.objects.filter(enabled=True).select_related("organisation"):
        if domain in config.domains:
            return config
    return None


def password_login_refusal(user) -> str | None:
    """A member of an organisation that turned password sign-in off must use its provider (staff never)."""
    if user.is_staff:
        return None
    blocked = OrganisationSSO.objects.filter(
        enabled=True,
        password_login_allowed=False,
        organisation__memberships__user=user,
    ).select_related("organisation")
    first = blocked.first()
    if first is None:
        return None
    return gettext(
        "%(organisation)s signs its members in with its own account. "
        "Use “Continue with your organisation” instead of a password."
    ) % {"organisation": first.organisation.name}


def sign_in(*, config: OrganisationSSO, claims: dict):
    """The account for these (already verified) id_token claims, made or linked; it joins the organisation."""
    issuer, subject = claims.get("iss", ""), str(claims.get("sub", ""))
    email = (claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified") is True
    if not subject:
        raise SignInRefused(gettext("Your organisation's sign-in service did not say who you are."))
    if email_domain(email) not in config.domains:
        raise SignInRefused(
            gettext(
                "The address %(email)s is not one %(organisation)s signs in here. "
                "Log in with your password instead."
            )
            % {"email": email or gettext("(none)"), "organisation": config.organisation.name}
        )
    User = get_user_model()
    with transaction.atomic():
        identity = SSOIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
        if identity is not None:
            user = identity.user
        else:
            if not verified:  # never link or create on an address the provider has not checked
                raise SignInRefused(
                    gettext(
                        "Your organisation's sign-in service has not confirmed your email address, so we "
                        "cannot sign you in with it. Ask your IT team, or log in with your password."
                    )
                )
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and user.is_staff:
                raise SignInRefused(STAFF_REFUSED)
            if user is not None and user.email_verified_at is None:
                # Someone registered this address and never confirmed it; the provider just proved it is
                # this person's. Whoever registered it may not be them: their password, second factors and
                # sessions go, so only this sign-in (and a password reset to this address) gets in.
                two_factor.strip_credentials(user=user)
                user.email_verified_at = timezone.now()
                user.save(update_fields=["email_verified_at"])
            if user is None:
                name = normalise_name(claims.get("name") or email.partition("@")[0])
                user = User.objects.create_user(
                    email=email, password=None, certificate_name=name, language=_current_language()
                )
                user.email_verified_at = timezone.now()
                user.save(update_fields=["email_verified_at"])
            try:
                with transaction.atomic():
                    SSOIdentity.objects.create(user=user, issuer=issuer, subject=subject)
            except IntegrityError:  # the same person, twice at once: the other request linked it
                user = SSOIdentity.objects.get(issuer=issuer, subject=subject).user
        if user.is_staff:  # linked earlier, made staff since: staff log in with our own password and 2FA
            raise SignInRefused(STAFF_REFUSED)
        if not user.is_active:
            raise SignInRefused(gettext("This account is switched off. Ask our staff."))
        membership_add(organisation=config.organisation, user=user, role=Membership.Role.LEARNER)
    return user
