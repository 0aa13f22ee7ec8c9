"""Major releases and certificate holders: the "what changed" notice (once per holder and release, emailed
through the outbox), the refresher it offers (only the changed units), and the version in plain words for
the verification page. Called by receivers, tasks and views of this app; other apps use certificates.api."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Course, CourseRelease, Enrolment, Unit
from elearning.language import user_language
from elearning.outbox import enqueue_or_leave_for_sweeper

from .models import Certificate, VersionNotice
from .selectors import RENEW_WINDOW_DAYS

log = logging.getLogger(__name__)

EMAIL_TASK = "certificates.tasks.version_notice_email_task"


# Who is on an older version --------------------------------------------------------------------------


def certificates_on_older_major(*, course: Course, today: dt.date | None = None) -> QuerySet[Certificate]:
    """Valid certificates of active holders earned on a major version older than the course's, whose
    holder has no certificate (issued or being prepared) on the current major yet."""
    today = today or timezone.localdate()
    current = Certificate.objects.filter(
        learner=OuterRef("learner"),
        course=course,
        status__in=[Certificate.Status.ISSUED, Certificate.Status.PENDING],
        version_major__gte=course.version_major,
    )
    return (
        Certificate.objects.filter(
            course=course,
            status=Certificate.Status.ISSUED,
            holder_removed_at__isnull=True,
            learner__isnull=False,
            learner__is_active=True,
            expires_on__gte=today,
            version_major__lt=course.version_major,
        )
        .exclude(Exists(current))
        .order_by("learner_id", "-issued_on", "-id")
    )


# Notices ---------------------------------------------------------------------------------------------


def version_notices_create(*, course_id: int, major: int) -> list[int]:
    """A major release was loaded: one notice per holder on an older major (idempotent: the unique
    constraint keeps it to one per holder and release), each emailed after commit through the outbox.
    Returns the ids of the notices still to email."""
    course = Course.objects.get(pk=course_id)
    if course.version_major != major:  # a later release superseded this one: its own notices go out
        return []
    newest: dict[int, Certificate] = {}
    for certificate in certificates_on_older_major(course=course):
        newest.setdefault(certificate.learner_id, certificate)
    VersionNotice.objects.bulk_create(
        [
            VersionNotice(learner_id=learner_id, course=course, major=major, certificate=certificate)
            for learner_id, certificate in newest.items()
        ],
        ignore_conflicts=True,
    )
    ids = list(
        VersionNotice.objects.filter(course=course, major=major, emailed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for notice_id in ids:
        transaction.on_commit(partial(version_notice_enqueue, notice_id=notice_id))
    return ids


def version_notice_enqueue(*, notice_id: int) -> bool:
    return enqueue_or_leave_for_sweeper(model=VersionNotice, pk=notice_id, task=EMAIL_TASK)


def version_notice_email_send(*, notice_id: int) -> VersionNotice | None:
    """Email the notice once, and not at all when a newer release's notice (which lists both) exists.
    Waits (the sweeper retries) while the holder's address is unconfirmed; not sent if they renewed on the
    new version since. The notice is claimed (`emailed_at` set where it is still empty) before sending, so
    a second run at the same time sends nothing even where the row lock is a no-op (SQLite: the claim's
    write is the lock); a failed send rolls the claim back, for the retry or the sweeper."""
    with transaction.atomic():
        notice = (
            VersionNotice.objects.select_for_update(of=("self",))
            .select_related("learner", "course", "certificate")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.emailed_at is not None:
            return notice
        learner = notice.learner
        if not learner.is_active or learner.email_verified_at is None:
            return notice
        superseded = (
            notice.major < notice.course.version_major
            and VersionNotice.objects.filter(
                learner=learner, course=notice.course, major__gt=notice.major
            ).exists()
        )  # a newer release's notice lists this release's changes too: one email, that one
        if (
            superseded
            or not certificates_on_older_major(course=notice.course).filter(learner=learner).exists()
        ):
            notice.emailed_at = timezone.now()  # renewed, expired or revoked since: nothing to tell
            notice.save(update_fields=["emailed_at"])
            return notice
        message = _notice_message(notice)
        claimed_at = timezone.now()
        if not VersionNotice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
            emailed_at=claimed_at
        ):
            return notice  # another run claimed it first
        # Sent inside the claim's transaction: a failed send (or a worker killed here) rolls the claim
        # back, so the retry or the sweeper sends it, as with the certificate email.
        message.send(fail_silently=False)
        notice.emailed_at = claimed_at
    return notice


def _notice_message(notice: VersionNotice) -> EmailMultiAlternatives:
    context = {
        "notice": notice,
        "offer": refresher_offer(certificate=notice.certificate, course=notice.course),
        "certificates_url": settings.SITE_URL.rstrip("/") + reverse("certificates:mine"),
    }
    with translation.override(user_language(notice.learner)):  # course titles read in it too
        message = EmailMultiAlternatives(
            subject=gettext("What changed in %(title)s") % {"title": notice.course.title},
            body=render_to_string("certificates/email/version_notice.txt", context),
            to=[notice.learner.email],
        )
        html = render_to_string("certificates/email/version_notice.html", context)
    message.attach_alternative(html, "text/html")
    return message


def version_notices_sweep(*, older_than: dt.timedelta) -> list[int]:
    """Queue again the notices a broker outage or a lost message left unsent (confirmed addresses only)."""
    cutoff = timezone.now() - older_than
    ids = list(
        VersionNotice.objects.filter(
            emailed_at__isnull=True, learner__is_active=True, learner__email_verified_at__isnull=False
        )
        .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)[:500]
    )
    for notice_id in ids:
        version_notice_enqueue(notice_id=notice_id)
    return ids


# The refresher ---------------------------------------------------------------------------------------


@dataclass
class RefresherOffer:
    """What a holder on an older major is told: each later release's note and the units to do again."""

    certificate: Certificate
    current_label: str
    releases: list[CourseRelease] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    # Expiring within the renewal window: renewing is the whole course (which has the changes), as usual.
    full_course: bool = False


def refresher_offer(*, certificate: Certificate, course: Course) -> RefresherOffer | None:
    """For a valid certificate on a major older than the course's: the notes and the changed units."""
    if certificate.version_major >= course.version_major or certificate.is_expired():
        return None
    releases = course_selectors.course_releases_since(course=course, major=certificate.version_major)
    units = course_selectors.units_changed_since(course=course, major=certificate.version_major)
    full_course = (certificate.expires_on - timezone.localdate()).days <= RENEW_WINDOW_DAYS
    return RefresherOffer(certificate, course.version_label, releases, units, full_course)


def refresher_certificate_reason(enrolment: Enrolment) -> str | None:
    """Part of the completion rule: a refresher completes only while the certificate it renews is valid
    (otherwise `refreshers_without_valid_certificate_reopen` makes it the whole course)."""
    if enrolment.refreshes_id is None:
        return None
    valid = _valid_certificates(today=timezone.localdate()).filter(enrolment_id=enrolment.refreshes_id)
    if valid.exists():
        return None
    return gettext(
        "The certificate this refresher renews was revoked or has expired: the whole course is to do."
    )


def refreshers_without_valid_certificate_reopen(*, today: dt.date | None = None) -> list[int]:
    """Open refreshers whose renewed certificate was revoked or has expired become the whole course (run by
    the sweeper and on revocation). Returns their ids."""
    valid = _valid_certificates(today=today or timezone.localdate()).filter(enrolment=OuterRef("refreshes"))
    ids = list(
        Enrolment.objects.filter(refreshes__isnull=False, completed_at__isnull=True)
        .exclude(Exists(valid))
        .values_list("pk", flat=True)[:500]
    )
    for enrolment_id in ids:
        course_services.enrolment_refresher_make_full(enrolment_id=enrolment_id)
    return ids


def _valid_certificates(*, today: dt.date) -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=Certificate.Status.ISSUED, expires_on__gte=today)


# The verification page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionFacts:
    label: str
    trained_as_of: dt.date | None  # the release date of the version the certificate was earned on
    newer_label: str = ""  # set when a newer major (material changes) exists
    newer_released_on: dt.date | None = None


def certificate_version_facts(*, certificate: Certificate) -> VersionFacts:
    """One query: the release the certificate was earned on and any later (material) one."""
    releases = list(
        CourseRelease.objects.filter(
            course_id=certificate.course_id, major__gte=certificate.version_major
        ).order_by("major")
    )
    own = next((r for r in releases if r.major == certificate.version_major), None)
    newest = releases[-1] if releases and releases[-1].major > certificate.version_major else None
    return VersionFacts(
        label=certificate.version_label,
        trained_as_of=own.released_on if own else None,
        newer_label=f"{newest.major}.0" if newest else "",
        newer_released_on=newest.released_on if newest else None,
    )
