"""Every write to accounts goes through here."""

from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def user_create(*, email: str, password: str, certificate_name: str) -> User:
    return User.objects.create_user(email=email, password=password, certificate_name=certificate_name.strip())


def user_certificate_name_update(*, user: User, certificate_name: str) -> User:
    user.certificate_name = certificate_name.strip()
    user.save(update_fields=["certificate_name"])
    return user
