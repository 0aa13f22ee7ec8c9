"""The user: logs in with an email address and keeps the name to print on certificates."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    certificate_name = models.CharField(
        "name as it should appear on your certificate",
        max_length=255,  # 120 characters as people count them (accounts.names), marks and emoji take more
        help_text="Use the name an employer or council will know you by.",
    )
    licence_number = models.CharField(
        "licence or badge number",
        max_length=40,
        blank=True,
        db_index=True,
        help_text="Optional, e.g. a taxi or private-hire badge number: capitals, letters and digits only.",
    )
    email_verified_at = models.DateTimeField(
        "email address verified",
        null=True,
        blank=True,
        help_text="When the holder followed a verification link (or joined by an invitation sent to it). "
        "Certificates are emailed only to a verified address.",
    )
    language = models.CharField(
        "language",
        max_length=8,
        choices=[("en", "English"), ("cy", "Cymraeg")],
        blank=True,
        help_text="Welsh or English for pages, emails and certificates; empty: not chosen yet.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["certificate_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self) -> str:
        return self.certificate_name

    def get_short_name(self) -> str:
        return self.certificate_name

    # Part of the session hash (see _get_session_auth_hash): a new value signs the account out everywhere.
    # Changed on every password or two-factor change (accounts.two_factor.sign_out_everywhere).
    security_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        from django.utils.crypto import salted_hmac

        if not self.security_stamp:  # never changed: Django's own hash, so existing sessions stay valid
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
from .two_factor_models import RecoveryCode, RecoveryCodeDevice, TwoFactorReset  # noqa: E402,F401
