"""The only module other apps may import from certificates."""

from __future__ import annotations

from courses.models import Enrolment

from . import selectors, services
from .models import Certificate


def certificate_eligibility(*, enrolment: Enrolment) -> services.Eligibility:
    return services.certificate_eligibility(enrolment=enrolment)


def certificates_for_learner(*, learner) -> list[Certificate]:
    return list(selectors.certificate_list_for_learner(learner=learner))


def certificate_verification_status(*, code: str) -> str | None:
    """valid, expired, revoked, not-issued, or None for an unknown code."""
    try:
        return selectors.certificate_get_public(code=services.normalise_code(code)).verification_status()
    except Certificate.DoesNotExist:
        return None


__all__ = ["certificate_eligibility", "certificates_for_learner", "certificate_verification_status"]
