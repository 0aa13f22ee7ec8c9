"""An organisation's own identity provider (OpenID Connect), and the identities linked to accounts."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models

from organisations.models import Organisation

from . import crypto


class OrganisationSSO(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sso")
    enabled = models.BooleanField(default=True)
    issuer = models.URLField(
        max_length=400,
        help_text="The issuer URL, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 for Microsoft "
        "Entra ID, or https://accounts.google.com for Google Workspace. Its discovery document is read from "
        "<issuer>/.well-known/openid-configuration.",
    )
    client_id = models.CharField(max_length=400)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    client_secret_env = models.CharField(
        "client secret from environment variable",
        max_length=100,
        blank=True,
        help_text="Optional: the name of an environment variable holding the secret (then none is stored).",
    )
    allowed_domains = models.TextField(
        help_text="Email domains this provider may sign in, one a line or comma-separated "
        "(e.g. cardiff.gov.uk)."
    )
    password_login_allowed = models.BooleanField(
        default=True,
        help_text="Untick to make the organisation's members (not staff) sign in only through the provider.",
    )

    class Meta:
        verbose_name = "organisation single sign-on"

    def __str__(self) -> str:
        return f"{self.organisation} via {self.issuer}"

    @property
    def domains(self) -> set[str]:
        raw = self.allowed_domains.replace(",", "\n")
        return {d.strip().lower().lstrip("@") for d in raw.splitlines() if d.strip()}

    def set_client_secret(self, plain: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(plain)

    @property
    def client_secret(self) -> str:
        if self.client_secret_env:
            return os.environ.get(self.client_secret_env, "")
        return crypto.decrypt(self.client_secret_encrypted)


class SSOIdentity(models.Model):
    """An account's identity at a provider: (issuer, sub) is how the provider names the person, for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=400)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
