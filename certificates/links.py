"""Public addresses of certificates (for the PDF's QR code and the email): one place, no app imports."""

from __future__ import annotations

from django.conf import settings

from .models import Certificate


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}/verify/{certificate.code}/"
