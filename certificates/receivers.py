"""Signal receivers: each only calls a service."""

from django.dispatch import receiver

from accounts.signals import email_verified
from courses.signals import enrolment_completed

from . import services


@receiver(enrolment_completed, dispatch_uid="certificates.enrolment_completed")
def on_enrolment_completed(sender, enrolment, **kwargs) -> None:
    services.certificate_create_pending(enrolment=enrolment)


@receiver(email_verified, dispatch_uid="certificates.email_verified")
def on_email_verified(sender, user, **kwargs) -> None:
    services.certificate_emails_send_waiting(learner=user)
