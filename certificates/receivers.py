"""Signal receivers: each only calls a service."""

from django.dispatch import receiver

from accounts.signals import email_verified
from courses.signals import course_released, enrolment_completed

from . import services, version_notices


@receiver(enrolment_completed, dispatch_uid="certificates.enrolment_completed")
def on_enrolment_completed(sender, enrolment, **kwargs) -> None:
    services.certificate_create_pending(enrolment=enrolment)


@receiver(email_verified, dispatch_uid="certificates.email_verified")
def on_email_verified(sender, user, **kwargs) -> None:
    services.certificate_emails_send_waiting(learner=user)


@receiver(course_released, dispatch_uid="certificates.course_released")
def on_course_released(sender, course, major, **kwargs) -> None:
    version_notices.version_notices_create(course_id=course.pk, major=major)
