"""Second factors that django-otp has no device for in the shape we need: recovery codes kept only as hashes,
and the audit row of a second factor reset by someone else."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device

RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper without mistakes
RECOVERY_CODE_LENGTH = 12  # 12 symbols of 32: 60 random bits each, too many to guess or to brute-force a hash
RECOVERY_CODE_COUNT = 10


def normalise_recovery_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    # A fast hash is enough: the codes are 60-bit random secrets, not passwords a person chose.
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """One per user: the set of recovery codes. The codes are shown once, when made; only hashes are kept,
    and each works once."""

    def generate(self) -> list[str]:
        codes = [
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
            for _ in range(RECOVERY_CODE_COUNT)
        ]
        with transaction.atomic():
            self.codes.all().delete()
            RecoveryCode.objects.bulk_create(
                RecoveryCode(device=self, code_hash=hash_recovery_code(code)) for code in codes
            )
        return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: str) -> bool:
        code = normalise_recovery_code(token)
        if len(code) != RECOVERY_CODE_LENGTH:
            return False
        with transaction.atomic():  # two requests with one code: only one wins
            used = (
                RecoveryCode.objects.select_for_update()
                .filter(device=self, code_hash=hash_recovery_code(code), used_at__isnull=True)
                .update(used_at=timezone.now())
            )
        return used == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "code_hash"])]

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class TwoFactorReset(models.Model):
    """Someone else removed a user's second factors (a lost phone). Kept for the audit trail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    via = models.CharField(max_length=200, help_text="Where it was done: the admin, or an organisation.")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} reset by {self.reset_by} ({self.created_at:%Y-%m-%d %H:%M})"
