"""Every write to certificates: create pending, issue (PDF + email, exactly once), fail, retry, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses import services as course_services
from courses.models import Enrolment
from elearning.language import user_language
from elearning.outbox import enqueue_or_leave_for_sweeper

from . import repair, revocation, version_notices
from .credentials.issue import credential_attachments, credential_ensure
from .hooks import email_sections
from .links import verification_url
from .models import Certificate, Revocation

log = logging.getLogger(__name__)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O or U
CODE_LENGTH = 20  # 20 characters x 5 bits = 100 random bits


# Eligibility ----------------------------------------------------------------------------------------


@dataclass
class Eligibility:
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def _check_enrolment_complete(enrolment: Enrolment) -> str | None:
    return None if enrolment.completed_at else gettext("The enrolment is not complete.")


def holder_name_reason(enrolment: Enrolment) -> str | None:
    return (
        None
        if enrolment.learner.certificate_name.strip()
        else gettext("The learner has no certificate name.")
    )


def certificate_eligibility(*, enrolment: Enrolment) -> Eligibility:
    """Complete, by the same rule that completes an enrolment (courses.services.enrolment_completion_blockers,
    which includes this app's name check): so every completed enrolment gets its pending certificate."""
    reasons = [reason] if (reason := _check_enrolment_complete(enrolment)) else []
    return Eligibility(reasons=reasons + course_services.enrolment_completion_blockers(enrolment=enrolment))


# Creating and queueing --------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Accept codes typed with spaces, hyphens, lower case, or O/I/L for 0/1."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - unreachable


def cpd_fields(*, course, enrolment: Enrolment) -> dict:
    """The CPD time a certificate states (see README, "Assessment rules"): the course's declared CPD time when
    the learner's recorded time is at least settings.CPD_MIN_TIME_SHARE_PERCENT of it, otherwise the time
    actually spent (rounded to whole minutes, at least 1). A refresher's certificate stands for the whole
    course, so its time includes the enrolments it brings up to date (a query per refresher in the chain)."""
    seconds, current, hops = enrolment.seconds_spent or 0, enrolment, 0
    while (renewed := current.refreshes) is not None and hops < 20:
        current, hops = renewed, hops + 1
        seconds += current.seconds_spent or 0
    spent = round(seconds / 60)
    needed = course.cpd_minutes * settings.CPD_MIN_TIME_SHARE_PERCENT / 100
    if spent >= needed:
        return {"cpd_minutes": course.cpd_minutes, "cpd_is_time_spent": False, "time_spent_minutes": spent}
    return {"cpd_minutes": max(spent, 1), "cpd_is_time_spent": True, "time_spent_minutes": spent}


def certificate_create_pending(*, enrolment: Enrolment) -> Certificate | None:
    """Create the pending certificate for a completed enrolment (idempotent) and queue its issue after commit.

    Runs inside the transaction that completes the enrolment, so both commit or neither does."""
    eligibility = certificate_eligibility(enrolment=enrolment)
    if not eligibility.eligible:
        log.warning(
            "Enrolment %s not eligible for a certificate: %s", enrolment.pk, "; ".join(eligibility.reasons)
        )
        return None
    course = enrolment.course
    issued_on = timezone.localdate(enrolment.completed_at)
    language = user_language(enrolment.learner)  # issued in the learner's language, titles in it too
    with translation.override(language):
        titles = {"course_title": course.title, "pathway_title": enrolment.pathway.title}
    with transaction.atomic():
        try:
            with transaction.atomic():
                certificate, created = Certificate.objects.get_or_create(
                    enrolment=enrolment,
                    content_version=enrolment.content_version or course.version,
                    defaults={
                        "code": new_code(),
                        "learner": enrolment.learner,
                        "course": course,
                        "pathway": enrolment.pathway,
                        "holder_name": enrolment.learner.certificate_name.strip(),
                        **titles,
                        "language": language,
                        **cpd_fields(course=course, enrolment=enrolment),
                        "issued_on": issued_on,
                        "expires_on": _expires_on(enrolment, issued_on),
                        "version_major": course.version_major,
                        "version_minor": course.version_minor,
                    },
                )
        except IntegrityError:
            certificate = Certificate.objects.get(
                enrolment=enrolment, content_version=enrolment.content_version or course.version
            )
            created = False
        if created or certificate.status == Certificate.Status.PENDING:
            certificate_enqueue_on_commit(certificate_id=certificate.pk)
    return certificate


def _expires_on(enrolment: Enrolment, issued_on: dt.date) -> dt.date:
    """A full course runs for the course's validity; a refresher (only the changed units) brings the
    certificate up to date but keeps the expiry of the one it renews."""
    full = add_months(issued_on, enrolment.course.validity_months)
    if enrolment.refreshes_id is None:
        return full
    renewed = (
        Certificate.objects.filter(enrolment_id=enrolment.refreshes_id, status=Certificate.Status.ISSUED)
        .order_by("-expires_on")
        .values_list("expires_on", flat=True)
        .first()
    )
    return min(renewed, full) if renewed else full


def certificate_enqueue_on_commit(*, certificate_id: int) -> None:
    transaction.on_commit(partial(certificate_enqueue, certificate_id=certificate_id))


# By dotted path, looked up when queueing: tasks import these services, so these must not import tasks.
ISSUE_TASK = "certificates.tasks.certificate_issue_task"


def certificate_enqueue(*, certificate_id: int) -> bool:
    """Queue the issue task. A broker that is down is logged, not raised: the sweeper queues it again."""
    return enqueue_or_leave_for_sweeper(model=Certificate, pk=certificate_id, task=ISSUE_TASK)


def certificate_sweep_pending(*, older_than: dt.timedelta | None = None) -> list[int]:
    """Re-queue certificates left pending (broker down at completion time, lost message)."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.CERTIFICATE_SWEEP_AFTER_MINUTES)
    cutoff = timezone.now() - older_than
    ids = list(
        Certificate.objects.filter(status=Certificate.Status.PENDING)
        # Never queued (the process died between commit and on_commit) counts from its creation.
        .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)[:500]
    )
    ids += certificate_requeue_transient_failures(older_than=older_than)
    for certificate_id in ids:
        certificate_enqueue(certificate_id=certificate_id)
    # Emails that waited for a verified address and whose queued message was lost (broker down).
    waiting = list(
        _waiting_for_email()
        .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True))
        .values_list("pk", flat=True)[:500]
    )
    for certificate_id in waiting:
        certificate_email_enqueue(certificate_id=certificate_id)
    return ids


def certificate_requeue_transient_failures(*, older_than: dt.timedelta) -> list[int]:
    """Failed on a passing error (a database restart, SMTP down) a while ago and not too often: back to
    pending, for the sweeper to queue. Returns their ids."""
    cutoff = timezone.now() - older_than
    ids = []
    candidates = Certificate.objects.filter(
        status=Certificate.Status.FAILED,
        failure_transient=True,
        issue_failures__lte=settings.CERTIFICATE_FAILED_REQUEUES,
        failed_at__lt=cutoff,
    ).values_list("pk", flat=True)[:500]
    for certificate_id in list(candidates):
        with transaction.atomic():
            changed = Certificate.objects.filter(pk=certificate_id, status=Certificate.Status.FAILED).update(
                status=Certificate.Status.PENDING
            )
        if changed:
            log.info("Certificate %s failed on a passing error; queued again", certificate_id)
            ids.append(certificate_id)
    return ids


# Issuing ----------------------------------------------------------------------------------------------


def certificate_issue(*, certificate_id: int) -> Certificate:
    """Render and store the PDF once, email it once, mark the certificate issued. Safe to run twice or
    concurrently: the row lock serialises runs, and each step is skipped when its result is recorded."""
    from .pdf import render_certificate_pdf

    with transaction.atomic():
        # Read once, with what the credential needs (credential_ensure's `locked`: not read again).
        certificate = _locked(certificate_id, "learner", "course", "pathway")
        if certificate.status in (Certificate.Status.ISSUED, Certificate.Status.REVOKED):
            if certificate.status == Certificate.Status.ISSUED and repair.pdf_is_missing(certificate):
                return repair.certificate_pdf_repair(certificate_id=certificate.pk)
            return certificate
        if certificate.holder_removed_at is not None:  # the holder deleted their account meanwhile
            certificate.status = Certificate.Status.FAILED
            certificate.failure_reason = "The holder deleted their account before it was issued."
            certificate.save(update_fields=["status", "failure_reason"])
            return certificate
        if not certificate.pdf_sha256:
            delay = settings.CERTIFICATE_RENDER_DELAY_SECONDS
            if delay:  # only set by the fault-injection tests, to kill a worker mid-issue
                time.sleep(delay)
            content = render_certificate_pdf(certificate, verification_url=verification_url(certificate))
            certificate.pdf.name = repair.pdf_write(certificate, content)  # under its fixed name
            certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
            certificate.save(update_fields=["pdf", "pdf_sha256"])
        credential_ensure(certificate, locked=True)  # Open Badges 3.0 credential, once, in this transaction
    if repair.pdf_is_missing(certificate):  # recorded, but the file was lost since: render it again
        repair.certificate_pdf_repair(certificate_id=certificate.pk)

    with transaction.atomic():
        # The credential may be joined here (see credentials.issue._ensure): the first transaction made it, or
        # found it, and committed before this read began.
        certificate = _locked(certificate_id, "learner", "credential")
        if certificate.emailed_at is None and certificate.status != Certificate.Status.REVOKED:
            if certificate.learner is None:
                certificate.emailed_at = timezone.now()  # nobody to send it to
            elif certificate.learner.email_verified_at is not None:
                _send_certificate_email(certificate)
                certificate.emailed_at = timezone.now()
            # Otherwise the email waits for the address to be verified (certificate_email_send).
        if certificate.status != Certificate.Status.REVOKED:
            certificate.status = Certificate.Status.ISSUED
            certificate.issued_at = certificate.issued_at or timezone.now()
            certificate.failure_reason = ""
        certificate.save(update_fields=["emailed_at", "status", "issued_at", "failure_reason"])
    return certificate


def _locked(certificate_id: int, *related: str) -> Certificate:
    # of=("self",): PostgreSQL cannot lock the nullable side of an outer join (learner, credential).
    return Certificate.objects.select_for_update(of=("self",)).select_related(*related).get(pk=certificate_id)


def certificate_email_send(*, certificate_id: int) -> Certificate:
    """Email an issued certificate whose email waited for the holder's address to be verified. Once: the
    row lock and `emailed_at` make a second run, or a run racing certificate_issue, a no-op."""
    with transaction.atomic():
        certificate = _locked(certificate_id, "learner")
        learner = certificate.learner
        if (
            certificate.emailed_at is None
            and certificate.status == Certificate.Status.ISSUED
            and learner is not None
            and learner.email_verified_at is not None
            and certificate.pdf
        ):
            _send_certificate_email(certificate)
            certificate.emailed_at = timezone.now()
            certificate.save(update_fields=["emailed_at"])
    return certificate


def _waiting_for_email():
    return Certificate.objects.filter(
        status=Certificate.Status.ISSUED,
        emailed_at__isnull=True,
        learner__isnull=False,
        learner__email_verified_at__isnull=False,
    ).exclude(pdf="")


EMAIL_TASK = "certificates.tasks.certificate_email_task"


def certificate_email_enqueue(*, certificate_id: int) -> bool:
    return enqueue_or_leave_for_sweeper(model=Certificate, pk=certificate_id, task=EMAIL_TASK)


def certificate_emails_send_waiting(*, learner) -> list[int]:
    """The holder's address is now verified: queue (after commit) the certificate emails that waited."""
    ids = list(_waiting_for_email().filter(learner=learner).values_list("pk", flat=True))
    for certificate_id in ids:
        transaction.on_commit(partial(certificate_email_enqueue, certificate_id=certificate_id))
    return ids


def _send_certificate_email(certificate: Certificate) -> None:
    with translation.override(user_language(certificate.learner)):  # the learner's language now
        _send_certificate_email_in_language(certificate)


def _send_certificate_email_in_language(certificate: Certificate) -> None:
    context = {
        "certificate": certificate,
        "verify_url": verification_url(certificate),
        "site_url": settings.SITE_URL,
        # Other apps' parts (organisations: the learner's local contacts), after the guide's 999 line.
        "extra_sections": email_sections(learner=certificate.learner),
    }
    message = EmailMultiAlternatives(
        subject=gettext("Your certificate: %(title)s") % {"title": certificate.course_title},
        body=render_to_string("certificates/email/issued.txt", context),
        to=[certificate.learner.email],
    )
    message.attach_alternative(render_to_string("certificates/email/issued.html", context), "text/html")
    with certificate.pdf.open("rb") as handle:
        message.attach(f"certificate-{certificate.code}.pdf", handle.read(), "application/pdf")
    # The .jwt and .json credential; every caller holds the row lock.
    for name, content, mime_type in credential_attachments(certificate, locked=True):
        message.attach(name, content, mime_type)
    message.send(fail_silently=False)


def certificate_mark_failed(
    *, certificate_id: int, reason: str, transient: bool = False
) -> Certificate | None:
    """Record that issuing gave up. A transient failure is re-queued by the sweeper up to
    CERTIFICATE_FAILED_REQUEUES times; any other, or one past that, alerts staff (ERROR log, ADMINS mail)."""
    from .failures import alert_staff

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None:  # deleted meanwhile: nothing to record
            return None
        if certificate.status == Certificate.Status.PENDING:
            certificate.status = Certificate.Status.FAILED
            certificate.failure_reason = reason[:2000]
            certificate.failed_at = timezone.now()
            certificate.issue_failures += 1
            certificate.failure_transient = transient
            certificate.save(
                update_fields=["status", "failure_reason", "failed_at", "issue_failures", "failure_transient"]
            )
            if not transient or certificate.issue_failures > settings.CERTIFICATE_FAILED_REQUEUES:
                transaction.on_commit(
                    partial(
                        alert_staff,
                        certificate_id=certificate.pk,
                        code=certificate.code,
                        reason=certificate.failure_reason,
                        failures=certificate.issue_failures,
                        transient=transient,
                    )
                )
    return certificate


def certificate_retry(*, certificate_id: int) -> Certificate:
    """Admin action: put a failed certificate back in the queue."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status == Certificate.Status.FAILED:
            certificate.status = Certificate.Status.PENDING
            certificate.issue_failures = 0  # staff fixed the cause: passing errors may be retried again
            certificate.save(update_fields=["status", "issue_failures"])
            certificate_enqueue_on_commit(certificate_id=certificate.pk)
    return certificate


def certificate_revoke(
    *, certificate: Certificate, reason: str, revoked_by, retake_allowed: bool = False
) -> Certificate:
    """Revoke with the reason the holder is shown; they are emailed once, after commit. With
    `retake_allowed` their certificates page offers the course again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required to revoke a certificate.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        Revocation.objects.update_or_create(
            certificate=locked,
            defaults={
                "reason": reason,
                "revoked_by": revoked_by,
                "revoked_at": timezone.now(),
                "retake_allowed": retake_allowed,
            },
        )
        locked.status = Certificate.Status.REVOKED
        locked.save(update_fields=["status"])
        transaction.on_commit(partial(revocation.revocation_email_enqueue, certificate_id=locked.pk))
        version_notices.refreshers_without_valid_certificate_reopen()  # its refresher: the whole course
    return locked


def certificate_holder_removed(*, learner) -> int:
    """The holder is deleting their account: their certificates stay verifiable but say "holder removed",
    and no longer show their name; the PDFs, which print it, are deleted. Returns how many changed."""
    certificates = list(Certificate.objects.filter(learner=learner, holder_removed_at__isnull=True))
    for certificate in certificates:
        # Every file of it, recorded or not (a failed issue may have left one); only once this commits.
        repair.delete_pdf_files_on_commit(certificate)
    return Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        holder_removed_at=timezone.now(), holder_name="", pdf="", pdf_sha256=""
    )
