"""The only module other apps may import from certificates."""

from __future__ import annotations

from courses.models import Enrolment

from . import repair, selectors, services
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


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The certificate with its PDF file present: an issued one whose file was lost is rendered again."""
    if certificate.status == Certificate.Status.ISSUED and repair.pdf_is_missing(certificate):
        return repair.certificate_pdf_repair(certificate_id=certificate.pk)
    return certificate


__all__ = [
    "certificate_eligibility",
    "certificate_pdf_ensure",
    "certificates_for_learner",
    "certificate_verification_status",
]
