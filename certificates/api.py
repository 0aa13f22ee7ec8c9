"""The only module other apps may import from certificates.

Querysets returned here are for reading only: filter, annotate, count or use them in a subquery, but never
update, delete or save their rows (every write goes through certificates.services)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.models import Enrolment

from . import repair, selectors, services
from .hooks import EmailSection, register_email_sections  # noqa: F401 - for other apps
from .models import Certificate

# For type hints and status values only (`Certificate.Status.ISSUED`); rows come from the functions below.
CertificateStatus = Certificate.Status


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


def certificates_latest_first(*, learner) -> QuerySet[Certificate]:
    """Read-only. A learner's certificates, newest first. `learner` may be a user, an id or an OuterRef
    (e.g. `OuterRef("user")` for a correlated subquery)."""
    return Certificate.objects.filter(learner=learner).order_by("-issued_on", "-id")


def certificates_issued_with_pdf(*, learners) -> QuerySet[Certificate]:
    """Read-only. Issued certificates with a stored PDF of these learners (ids or a values("user_id")
    queryset), ordered by the name printed on them."""
    return (
        Certificate.objects.filter(learner_id__in=learners, status=Certificate.Status.ISSUED)
        .exclude(pdf="")
        .order_by("holder_name", "-issued_on", "id")
    )


def certificates_issued_expiring(*, start: dt.date, end: dt.date) -> QuerySet[Certificate]:
    """Read-only. Issued certificates of active learners expiring between `start` and `end` (inclusive)
    that no later certificate (issued or pending) for the same course has replaced; learner selected.
    A refresher's certificate replaces the one it renewed though it keeps its expiry date (a newer major)."""
    replaced = Certificate.objects.filter(
        Q(expires_on__gt=OuterRef("expires_on"))
        | Q(expires_on=OuterRef("expires_on"), version_major__gt=OuterRef("version_major")),
        learner=OuterRef("learner"),
        course=OuterRef("course"),
        status__in=[Certificate.Status.ISSUED, Certificate.Status.PENDING],
    )
    return (
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            learner__isnull=False,
            learner__is_active=True,
            expires_on__gte=start,
            expires_on__lte=end,
        )
        .exclude(Exists(replaced))
        .select_related("learner")
    )


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The certificate with its PDF file present: an issued one whose file was lost is rendered again."""
    if certificate.status == Certificate.Status.ISSUED and repair.pdf_is_missing(certificate):
        return repair.certificate_pdf_repair(certificate_id=certificate.pk)
    return certificate


__all__ = [
    "Certificate",
    "CertificateStatus",
    "certificate_eligibility",
    "certificate_pdf_ensure",
    "certificate_verification_status",
    "certificates_for_learner",
    "certificates_issued_expiring",
    "certificates_issued_with_pdf",
    "certificates_latest_first",
]
