"""Certificate (one per completed enrolment and course version) and its Revocation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from courses.models import Course, Enrolment, Pathway


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"
        REVOKED = "revoked", "Revoked"

    code = models.CharField(max_length=32, unique=True, help_text="Verification code: 100 random bits.")
    enrolment = models.ForeignKey(
        Enrolment, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    pathway = models.ForeignKey(Pathway, null=True, on_delete=models.SET_NULL, related_name="certificates")
    content_version = models.PositiveIntegerField(help_text="The course's content revision (loader count).")
    # The course version it was earned on, as the files declare it (major.minor); existing ones are 1.0.
    version_major = models.PositiveIntegerField(default=1)
    version_minor = models.PositiveIntegerField(default=0)
    # Snapshots: the certificate says what was true when it was issued, whatever changes later.
    holder_name = models.CharField(max_length=255)  # a snapshot of accounts' certificate_name
    course_title = models.CharField(max_length=200)
    pathway_title = models.CharField(max_length=120)
    cpd_minutes = models.PositiveIntegerField()
    # False: cpd_minutes is the course's declared CPD time. True: the learner spent less than the required
    # share of it (settings.CPD_MIN_TIME_SHARE_PERCENT), so cpd_minutes is the time actually spent.
    cpd_is_time_spent = models.BooleanField(default=False)
    time_spent_minutes = models.PositiveIntegerField(null=True, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField()

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time the issue task was queued."
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    failed_at = models.DateTimeField(null=True, blank=True, help_text="When issuing last gave up.")
    issue_failures = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many times issuing gave up (the sweeper re-queues transient ones, up to a limit).",
    )
    failure_transient = models.BooleanField(
        default=False, help_text="The last failure was a passing one (database, broker, storage, SMTP)."
    )
    holder_removed_at = models.DateTimeField(
        null=True, blank=True, help_text="The holder deleted their account; their name is no longer shown."
    )
    # Issue 21: the language it was issued in (the learner's at issue; the titles above are in it).
    language = models.CharField(
        max_length=8, default="en", help_text="The language it was issued in (en or cy)."
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "content_version"], name="certificates_one_per_enrolment_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.holder_name})"

    @property
    def version_label(self) -> str:
        return f"{self.version_major}.{self.version_minor}"

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def is_expired(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    def verification_status(self, today: dt.date | None = None) -> str:
        """What the public page says: not-issued, revoked, holder-removed, expired or valid."""
        if self.status not in (self.Status.ISSUED, self.Status.REVOKED):
            return "not-issued"
        if self.status == self.Status.REVOKED:
            return "revoked"
        if self.holder_removed_at is not None:
            return "holder-removed"
        return "expired" if self.is_expired(today) else "valid"


class Revocation(models.Model):
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="revocation")
    reason = models.TextField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(default=timezone.now)
    retake_allowed = models.BooleanField(
        default=False, help_text="The holder may take the course again for a new certificate."
    )
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When the holder was told by email.")

    def __str__(self) -> str:
        return f"Revocation of {self.certificate_id}"


class VersionNotice(models.Model):
    """A holder told once that a major release changed the facts of a course they hold a certificate for;
    emailed through the outbox (`enqueued_at`, `emailed_at`) and shown on their certificates page."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    major = models.PositiveIntegerField(help_text="The release the notice is about.")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="version_notices")
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course", "major"], name="certificates_one_notice_per_release"
            )
        ]

    def __str__(self) -> str:
        return f"Notice v{self.major} to {self.learner_id}"
