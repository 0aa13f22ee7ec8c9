"""Organisations, their members (managers and learners), invitations, certificate ZIP exports, the
records that make expiry reminders and weekly summaries go out once, and each organisation's own local
safeguarding contacts with their audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FOSTERING = "fostering", "Fostering service"
        LICENSING = "licensing", "Licensing authority"
        SCHOOL = "school", "School"
        HOSPITALITY = "hospitality", "Hotel or hospitality group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    children_services_phone = models.CharField(
        max_length=20,
        blank=True,
        help_text="Optional, outside Cardiff: your area's children's services number (E.164).",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_licensing_authority(self) -> bool:
        return self.kind == self.Kind.LICENSING


class Membership(models.Model):
    """A person in an organisation. An emailed invitation makes a row with no user yet ("invited"), so the
    dashboard lists invited people and joined members from one table."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        LEARNER = "learner", "Learner"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    email = models.EmailField(max_length=254, help_text="Lower case. The invited address until they join.")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEARNER)
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="organisations_membership_unique_user",
            ),
            models.UniqueConstraint(
                fields=["organisation", "email"], name="organisations_membership_unique_email"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(joined_at__isnull=False),
                name="organisations_membership_joined_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} in {self.organisation_id} ({self.role})"

    @property
    def is_invited(self) -> bool:
        return self.user_id is None

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


class Invitation(models.Model):
    """A way in. A link invitation admits many people until it expires or is revoked; an email invitation
    admits one person, once. Only `key` is stored: the secret half of the token is an HMAC of it."""

    class Kind(models.TextChoices):
        LINK = "link", "Link"
        EMAIL = "email", "Email"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=32, unique=True)
    email = models.EmailField(max_length=254, blank=True)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    pathway = models.ForeignKey(
        "courses.Pathway", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="link") | ~Q(email=""), name="organisations_invitation_email_has_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} invitation to {self.organisation_id}"

    def state(self, now=None) -> str:
        """active, revoked, expired or used."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.kind == self.Kind.EMAIL and self.uses > 0:
            return "used"
        if self.expires_at <= now:
            return "expired"
        return "active"

    def is_usable(self, now=None) -> bool:
        return self.state(now) == "active"


class CertificateExport(models.Model):
    """A ZIP of selected members' certificate PDFs, built by a Celery task into default storage."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membership_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="organisations/exports/", blank=True)
    certificate_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export {self.pk} for {self.organisation_id} ({self.status})"


class ExpiryReminder(models.Model):
    """One row per certificate and threshold: the reminder was sent, or skipped because a more urgent one
    was due when the task ran late. The unique constraint is what makes each reminder go out once."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (a more urgent reminder was due)"

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.CASCADE, related_name="+")
    threshold_days = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "threshold_days"], name="organisations_reminder_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.threshold_days}-day reminder for certificate {self.certificate_id}: {self.outcome}"


class ManagerSummary(models.Model):
    """The weekly summary email to an organisation's managers: one row per ISO week."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="summaries")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-iso_year", "-iso_week"]
        verbose_name_plural = "manager summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "iso_year", "iso_week"], name="organisations_summary_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"Summary for {self.organisation_id}, {self.iso_year}-W{self.iso_week:02d}"


class LocalContact(models.Model):
    """One of an organisation's own safeguarding contacts (its designated safeguarding person, an out-of-hours
    line), shown to its members below the guide's routes. Written only by services.local_contact_*."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="local_contacts")
    label = models.CharField(max_length=80, help_text='Who this is, e.g. "Designated safeguarding person".')
    name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +442079460000; a UK number.")
    email = models.EmailField(max_length=254, blank=True)
    when_to_use = models.CharField(max_length=200, help_text="One plain-English sentence.")
    order = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(phone=""), name="organisations_local_contact_has_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.organisation_id})"


class LocalContactChange(models.Model):
    """Audit trail of an organisation's local contacts: who changed what, when, and the values before and
    after. Kept when the contact is deleted; goes with the organisation."""

    class Action(models.TextChoices):
        CREATED = "created", "Added"
        UPDATED = "updated", "Changed"
        DELETED = "deleted", "Removed"
        AREA_NUMBER = "area_number", "Children's services number changed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contact_changes")
    contact_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} in {self.organisation_id} at {self.changed_at:%Y-%m-%d %H:%M}"
