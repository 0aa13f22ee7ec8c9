"""Reads for certificate pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import Enrolment

from .models import Certificate


def certificate_list_for_learner(*, learner) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(learner=learner)
        .select_related("revocation", "course")
        .order_by("-issued_on", "-id")
    )


def certificate_get_for_owner(*, code: str, learner) -> Certificate:
    """Raises Certificate.DoesNotExist for unknown codes and for other people's certificates alike."""
    return Certificate.objects.get(code=code, learner=learner)


def certificate_get_public(*, code: str) -> Certificate:
    return Certificate.objects.select_related("revocation").get(code=code)


RENEW_WINDOW_DAYS = 90


def certificate_renewal_due(certificate: Certificate, today: dt.date | None = None) -> bool:
    """Due when the certificate has expired, expires within 90 days, or a major release (material changes)
    came after the version it was earned on. A minor release (wording) makes nothing due."""
    today = today or timezone.localdate()
    return (certificate.expires_on - today).days <= RENEW_WINDOW_DAYS or (
        certificate.course.version_major > certificate.version_major
    )


def certificate_renews_by_refresher(certificate: Certificate, today: dt.date | None = None) -> bool:
    """Renewed by a refresher (only the changed units) rather than the whole course: due only because of a
    major release, not because it expires soon."""
    today = today or timezone.localdate()
    return (certificate.expires_on - today).days > RENEW_WINDOW_DAYS and (
        certificate.course.version_major > certificate.version_major
    )


def certificate_ids_renewable(*, learner, certificates: list[Certificate]) -> set[int]:
    """Which of the learner's certificates (pass them all) offer "Renew": issued and due, or revoked with a
    retake allowed; the newest for their course, and no enrolment on that course already open (so pressing
    Renew twice does not start two)."""
    open_courses = set(
        Enrolment.objects.filter(learner=learner, completed_at__isnull=True).values_list(
            "course_id", flat=True
        )
    )
    newest: dict[int, Certificate] = {}
    for certificate in sorted(certificates, key=lambda c: (c.issued_on, c.pk)):
        newest[certificate.course_id] = certificate
    return {
        c.pk
        for c in certificates
        if c.pathway_id is not None
        and c.course_id not in open_courses
        and newest.get(c.course_id, c).pk == c.pk
        and (
            (c.status == Certificate.Status.ISSUED and certificate_renewal_due(c))
            or (c.status == Certificate.Status.REVOKED and _retake_allowed(c))  # staff allowed a retake
        )
    }


def _retake_allowed(certificate: Certificate) -> bool:
    try:
        return certificate.revocation.retake_allowed
    except Certificate.revocation.RelatedObjectDoesNotExist:
        return False
