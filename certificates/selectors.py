"""Reads for certificate pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Certificate


def certificate_list_for_learner(*, learner) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(learner=learner)
        .select_related("revocation", "course")
        .order_by("-issued_on", "-id")
    )


def certificate_get_for_owner(*, code: str, learner) -> Certificate:
    """Raises Certificate.DoesNotExist for unknown codes and for other people's certificates alike."""
    return Certificate.objects.get(code=code, learner=learner)


def certificate_get_public(*, code: str) -> Certificate:
    return Certificate.objects.select_related("revocation").get(code=code)
