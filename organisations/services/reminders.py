"""Expiry reminders to learners (90, 30 and 7 days before) and the weekly summary to managers, each sent
once: a unique row is claimed before the email goes, and a row already sent is never sent again."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from certificates.api import Certificate
from elearning.language import CODES, user_language

from .. import selectors
from ..models import ExpiryReminder, ManagerSummary, Organisation

log = logging.getLogger(__name__)


def _send_reminder_email(certificate: Certificate, *, threshold: int, today: dt.date) -> None:
    with translation.override(user_language(certificate.learner)):
        _send_reminder_email_in_language(certificate, threshold=threshold, today=today)


def _send_reminder_email_in_language(certificate: Certificate, *, threshold: int, today: dt.date) -> None:
    context = {
        "certificate": certificate,
        "days_left": (certificate.expires_on - today).days,
        "threshold": threshold,
        "renew_url": settings.SITE_URL + reverse("certificates:mine"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=gettext("Your CSE awareness certificate expires on %(date)s")
        % {"date": date_format(certificate.expires_on, "j F Y")},
        body=render_to_string("organisations/email/expiry_reminder.txt", context),
        to=[certificate.learner.email],
    )
    message.attach_alternative(
        render_to_string("organisations/email/expiry_reminder.html", context), "text/html"
    )
    message.send(fail_silently=False)


def expiry_reminder_send(
    *, certificate: Certificate, threshold: int, today: dt.date
) -> ExpiryReminder | None:
    """Send the `threshold`-day reminder for one certificate unless it went already. Less urgent reminders
    that were never sent (the task ran late) are recorded as skipped, so only the most urgent one goes."""
    days_left = (certificate.expires_on - today).days
    with transaction.atomic():
        for days in selectors.REMINDER_DAYS:
            if days > threshold and days_left <= days:
                ExpiryReminder.objects.get_or_create(
                    certificate=certificate,
                    threshold_days=days,
                    defaults={"outcome": ExpiryReminder.Outcome.SKIPPED},
                )
        reminder, _ = ExpiryReminder.objects.get_or_create(certificate=certificate, threshold_days=threshold)
        reminder = ExpiryReminder.objects.select_for_update().get(pk=reminder.pk)
        if reminder.outcome != ExpiryReminder.Outcome.PENDING:
            return None
        _send_reminder_email(certificate, threshold=threshold, today=today)
        reminder.outcome = ExpiryReminder.Outcome.SENT
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["outcome", "sent_at"])
    return reminder


def expiry_reminders_send(*, today: dt.date | None = None) -> list[ExpiryReminder]:
    """The daily run: every certificate whose most urgent due reminder has not gone yet."""
    today = today or timezone.localdate()
    sent = []
    for certificate in selectors.certificates_due_a_reminder(today=today):
        try:
            reminder = expiry_reminder_send(
                certificate=certificate, threshold=certificate.threshold, today=today
            )
        except OSError:  # one bad address or a mail server hiccup must not stop the others; retried tomorrow
            log.exception("Expiry reminder for certificate %s not sent", certificate.pk)
            continue
        if reminder is not None:
            sent.append(reminder)
    return sent


def manager_summary_send(*, organisation: Organisation, today: dt.date) -> ManagerSummary | None:
    """The weekly summary for one organisation, once per ISO week."""
    iso_year, iso_week, _ = today.isocalendar()
    with transaction.atomic():
        row, _ = ManagerSummary.objects.get_or_create(
            organisation=organisation, iso_year=iso_year, iso_week=iso_week
        )
        row = ManagerSummary.objects.select_for_update().get(pk=row.pk)
        if row.sent_at is not None:
            return None
        recipients = selectors.manager_recipients(organisation=organisation)
        summary = selectors.summary_for(organisation=organisation, today=today)
        context = {
            "organisation": organisation,
            "summary": summary,
            "count_rows": [(label, summary.counts[key]) for key, label in selectors.Status.CHOICES],
            "today": today,
            "dashboard_url": settings.SITE_URL + reverse("organisations:dashboard", args=[organisation.pk]),
        }
        rendered: dict[str, tuple[str, str, str]] = {}  # each manager's language, rendered once
        with get_connection() as connection:
            for address, chosen in recipients:  # one message each: managers do not see each other's addresses
                language = chosen if chosen in CODES else settings.LANGUAGE_CODE
                if language not in rendered:
                    with translation.override(language):
                        rendered[language] = (
                            gettext("Weekly training summary: %(name)s") % {"name": organisation.name},
                            render_to_string("organisations/email/manager_summary.txt", context),
                            render_to_string("organisations/email/manager_summary.html", context),
                        )
                subject, body, html = rendered[language]
                message = EmailMultiAlternatives(
                    subject=subject, body=body, to=[address], connection=connection
                )
                message.attach_alternative(html, "text/html")
                message.send(fail_silently=False)
        row.sent_at = timezone.now()
        row.recipients = len(recipients)
        row.save(update_fields=["sent_at", "recipients"])
    return row


def manager_summaries_send(*, today: dt.date | None = None) -> list[ManagerSummary]:
    today = today or timezone.localdate()
    iso_year, iso_week, _ = today.isocalendar()
    sent = []
    done = ManagerSummary.objects.filter(
        organisation=OuterRef("pk"), iso_year=iso_year, iso_week=iso_week, sent_at__isnull=False
    )
    organisations = selectors.organisations_with_managers().exclude(Exists(done))
    for organisation in organisations:
        try:
            row = manager_summary_send(organisation=organisation, today=today)
        except OSError:
            log.exception("Weekly summary for organisation %s not sent", organisation.pk)
            continue
        if row is not None:
            sent.append(row)
    return sent
