"""Every write to accounts goes through here."""

from __future__ import annotations

from django.db import transaction

from elearning.language import CODES

from . import personal_data
from .models import User
from .names import normalise_name


@transaction.atomic
def user_create(*, email: str, password: str, certificate_name: str, language: str = "") -> User:
    """`language`: the one they signed up in (issue 21); anything but a site language is left unset."""
    return User.objects.create_user(
        email=email,
        password=password,
        certificate_name=normalise_name(certificate_name),
        language=language if language in CODES else "",
    )


def user_certificate_name_update(*, user: User, certificate_name: str) -> User:
    user.certificate_name = normalise_name(certificate_name)
    user.save(update_fields=["certificate_name"])
    return user


def user_language_update(*, user: User, language: str) -> str:
    """Welsh or English for the user's pages, emails and certificates; returns the code saved."""
    if language not in CODES:
        raise ValueError(f"Not a site language: {language!r}")
    user.language = language
    user.save(update_fields=["language"])
    return language


def normalise_licence_number(raw: str) -> str:
    """Licence and badge numbers compare without spaces, hyphens or case: "ph 12-34" is "PH1234"."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def user_licence_number_update(*, user: User, licence_number: str) -> User:
    user.licence_number = normalise_licence_number(licence_number)
    user.save(update_fields=["licence_number"])
    return user


def user_deletion_blockers(*, user: User) -> list[str]:
    """Reasons other apps give for refusing the deletion (e.g. the only manager of an organisation); the
    checks are registered in `personal_data` from their AppConfig.ready."""
    return personal_data.deletion_blockers_for(user=user)


class AccountDeletionRefused(Exception):
    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything that is only theirs (enrolments, progress, quiz attempts,
    organisation memberships). Certificates they earned stay, with no learner, so a code someone was
    shown still verifies. Refused, with the reasons, when another app says the account is still needed.
    The apps' registered deletion steps run from the pre_delete receiver (accounts/receivers.py)."""
    reasons = user_deletion_blockers(user=user)
    if reasons:
        raise AccountDeletionRefused(reasons)
    user.delete()


def user_email_mark_verified(*, user: User) -> bool:
    """The address is the holder's (a verification link, or an invitation sent to it was accepted)."""
    from .verification import user_email_mark_verified as mark

    return mark(user=user)
