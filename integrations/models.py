"""What ties an LMS to us: an LTI deployment bound to an organisation, LMS people linked to our accounts,
the line items grades go to, the grade-post outbox, used launch nonces, and SCORM dispatch packages."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class DeploymentBinding(models.Model):
    """An LTI deployment (django-lti's `LtiDeployment`) that may launch: learners go into `organisation`,
    and onto `pathway` when the link names none. A deployment without a binding gets a clear error page."""

    deployment = models.OneToOneField(
        "lti_tool.LtiDeployment", on_delete=models.CASCADE, related_name="binding"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="lti_bindings"
    )
    pathway = models.ForeignKey(
        "courses.Pathway",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Used when the LMS link has no custom parameter pathway=… (blank: the learner chooses).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.deployment} → {self.organisation}"


class RegistrationInvite(models.Model):
    """The one URL an LMS admin pastes for dynamic registration; made by staff for one organisation,
    used once, expires."""

    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    pathway = models.ForeignKey("courses.Pathway", null=True, blank=True, on_delete=models.SET_NULL)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    registration = models.ForeignKey(
        "lti_tool.LtiRegistration", null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )

    def __str__(self) -> str:
        return f"Registration link for {self.organisation}"


class LtiIdentity(models.Model):
    """One LMS person, by (platform, deployment, `sub`), linked to one of our accounts."""

    deployment = models.ForeignKey("lti_tool.LtiDeployment", on_delete=models.CASCADE)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "sub"], name="integrations_lti_identity")
        ]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.deployment_id}"


class LineItemLink(models.Model):
    """Where a learner's grades for a course go: the AGS line item of the resource link they launched."""

    identity = models.ForeignKey(LtiIdentity, on_delete=models.CASCADE, related_name="line_items")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    lineitem_url = models.URLField(max_length=1000)
    scopes = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "lineitem_url"], name="integrations_lineitem_link")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return self.lineitem_url


class GradePost(models.Model):
    """Outbox row: one score to send to one line item. Made in the transaction that completed the unit or
    the course (unique `key` per link, so it exists once), sent by Celery after commit, re-queued by the
    sweeper. Its `timestamp` is fixed when made, so a repeat after a lost answer is the same score."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    link = models.ForeignKey(LineItemLink, on_delete=models.CASCADE, related_name="posts")
    key = models.CharField(max_length=100, help_text="unit:<id> or course:<enrolment id>")
    score_given = models.DecimalField(max_digits=6, decimal_places=2)
    score_maximum = models.DecimalField(max_digits=6, decimal_places=2, default=100)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    comment = models.CharField(max_length=500, blank=True)
    timestamp = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    requeues = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["link", "key"], name="integrations_gradepost_once")]
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.link.lineitem_url} ({self.status})"


class UsedNonce(models.Model):
    """A launch nonce (LTI) or a launch token id (SCORM) already used: a replay is refused."""

    value = models.CharField(max_length=255, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.value


class ScormDispatch(models.Model):
    """A SCORM 1.2 package a manager downloaded for their organisation. Its `key` is in the package; a new
    package (or withdrawing this one) stops the old one working."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="scorm_dispatches"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    pathway = models.ForeignKey("courses.Pathway", null=True, blank=True, on_delete=models.SET_NULL)
    key = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    lms_origin = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional: your LMS's address (https://lms.example.org), to open the course in its frame.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"SCORM package {self.pk} for {self.organisation}"


class ScormLearner(models.Model):
    """An LMS learner (SCORM `cmi.core.student_id`) of one organisation, linked to one of our accounts."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    lms_learner_id = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorm_learners"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "lms_learner_id"], name="integrations_scorm_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lms_learner_id} @ {self.organisation_id}"
