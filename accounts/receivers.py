"""Signal receivers: each only calls a service."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from . import personal_data


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_deleted")
def on_user_deleted(sender, instance, **kwargs) -> None:
    # One receiver runs every app's step in their registered order (rather than one receiver per app,
    # whose order would follow INSTALLED_APPS by accident), for every way a user row is deleted.
    personal_data.deletion_steps_run(user=instance)
