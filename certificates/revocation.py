"""Telling a holder their certificate was revoked: one email (date, the reason staff gave, what to do next),
queued after the revocation commits. Called by services.certificate_revoke and the email task."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from courses.hooks import CompletionNote
from elearning.language import user_language

from .models import Certificate, Revocation

log = logging.getLogger(__name__)
EMAIL_TASK = "certificates.tasks.revocation_email_task"  # by path: tasks import this module


def revocation_email_enqueue(*, certificate_id: int) -> bool:
    """Queue the email; a broker that is down is logged (the page still tells the holder)."""
    try:
        import_string(EMAIL_TASK).delay(certificate_id)
    except Exception:  # kombu raises many types when the broker is unreachable
        log.exception("Could not queue the revocation email for certificate %s", certificate_id)
        return False
    return True


def revocation_email_send(*, certificate_id: int) -> Revocation | None:
    """Email the holder once: the row lock and `emailed_at` make a second run a no-op."""
    with transaction.atomic():
        revocation = (
            Revocation.objects.select_for_update(of=("self",))
            .select_related("certificate__learner")
            .filter(certificate_id=certificate_id)
            .first()
        )
        if revocation is None or revocation.emailed_at is not None:
            return revocation
        certificate = revocation.certificate
        if certificate.learner is None or certificate.holder_removed_at is not None:
            return revocation  # nobody to tell
        context = {
            "certificate": certificate,
            "revocation": revocation,
            "certificates_url": settings.SITE_URL + reverse("certificates:mine"),
        }
        with translation.override(user_language(certificate.learner)):
            message = EmailMultiAlternatives(
                subject=gettext("Your certificate has been revoked: %(title)s")
                % {"title": certificate.course_title},
                body=render_to_string("certificates/email/revoked.txt", context),
                to=[certificate.learner.email],
            )
            html = render_to_string("certificates/email/revoked.html", context)
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
        revocation.emailed_at = timezone.now()
        revocation.save(update_fields=["emailed_at"])
    return revocation


def completion_notes(enrolment_ids: list[int]) -> dict[int, CompletionNote]:
    """For courses pages (registered in apps.py): a completed enrolment whose newest certificate is revoked
    says so instead of "Completed". One query."""
    newest: dict[int, Certificate] = {}
    rows = (
        Certificate.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("revocation")
        .order_by("enrolment_id", "content_version", "id")
    )
    for certificate in rows:
        newest[certificate.enrolment_id] = certificate
    notes = {}
    for enrolment_id, certificate in newest.items():
        if certificate.status == Certificate.Status.REVOKED:
            revocation = getattr(certificate, "revocation", None)
            when = (
                gettext("on %(date)s.")
                % {"date": date_format(timezone.localtime(revocation.revoked_at), "j F Y")}
                if revocation
                else "."
            )
            notes[enrolment_id] = CompletionNote(label=gettext("Certificate revoked"), detail=when)
    return notes
