"""One signed Open Badges 3.0 credential per issued certificate, and its place on the status list."""

from __future__ import annotations

from django.db import models

from certificates.models import Certificate


class IssuedCredential(models.Model):
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="credential")
    credential_id = models.CharField(max_length=64, unique=True, help_text="The credential's id (urn:uuid).")
    status_list = models.PositiveIntegerField(default=1, help_text="Which status list holds its bit.")
    status_index = models.PositiveIntegerField(help_text="Its bit on that list (chosen at random).")
    key_id = models.CharField(max_length=100, help_text="The signing key (a file under CREDENTIAL_KEYS_DIR).")
    # What was signed, and the signed JWT. Both name the holder: wiped when the holder deletes their account.
    document = models.JSONField(default=dict, blank=True)
    jwt = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credentials_one_bit_each")
        ]

    def __str__(self) -> str:
        return self.credential_id
