"""Reads for certificate pages."""

from __future__ import annotations

import datetime as dt
import functools

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from courses.models import CourseRelease, Enrolment

from .models import Certificate, Revocation


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


# Every value of a certificate its verification page shows or decides its state from.
_PUBLIC_FIELDS = (
    "status",
    "holder_removed_at",
    "code",
    "holder_name",
    "course_title",
    "pathway_title",
    "issued_on",
    "expires_on",
    "language",
    "version_major",
    "version_minor",
)


@functools.cache
def _public_state_sql() -> str:
    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def table(model) -> str:
        return quote(model._meta.db_table)

    fields = ", ".join(f"c.{column(Certificate, name)}" for name in _PUBLIC_FIELDS)
    course, major = column(Certificate, "course"), column(Certificate, "version_major")
    r_course, r_major, r_on = (column(CourseRelease, n) for n in ("course", "major", "released_on"))
    releases = f"FROM {table(CourseRelease)} r WHERE r.{r_course} = c.{course} AND r.{r_major}"
    newest = f"{releases} > c.{major} ORDER BY r.{r_major} DESC LIMIT 1"
    pk, revocation = quote(Certificate._meta.pk.column), column(Revocation, "certificate")
    revoked = f"FROM {table(Revocation)} v WHERE v.{revocation} = c.{pk}"
    return (
        f"SELECT {fields}, (SELECT v.{column(Revocation, 'revoked_at')} {revoked}), "  # noqa: S608  # nosec B608
        f"(SELECT r.{r_on} {releases} = c.{major}), "
        f"(SELECT r.{r_major} {newest}), (SELECT r.{r_on} {newest}) "
        f"FROM {table(Certificate)} c WHERE c.{column(Certificate, 'code')} = %s"
    )


def certificate_public_state(*, code: str) -> tuple | None:
    """What the verification page of this code shows, as plain values in one statement (names from the
    models' meta; the code is a parameter): the certificate's shown fields, its revocation time, the date its
    release came out, and the newest later release's major and date. None for an unknown code. Issue 20: the
    page cache keys the page on it; the page itself is built from the ORM only on a miss."""
    with connection.cursor() as cursor:
        cursor.execute(_public_state_sql(), [code])
        row = cursor.fetchone()
    return tuple(row) if row else None


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
