"""Signal receivers: each only calls a service."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from courses.signals import enrolment_completed
from elearning.accounts.signals import email_verified

from . import services


@receiver(enrolment_completed, dispatch_uid="certificates.enrolment_completed")
def on_enrolment_completed(sender, enrolment, **kwargs) -> None:
    services.certificate_create_pending(enrolment=enrolment)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="certificates.holder_removed")
def on_learner_deleted(sender, instance, **kwargs) -> None:
    services.certificate_holder_removed(learner=instance)


@receiver(email_verified, dispatch_uid="certificates.email_verified")
def on_email_verified(sender, user, **kwargs) -> None:
    services.certificate_emails_send_waiting(learner=user)
