"""Completion in `courses` becomes grade posts here; each receiver calls one service."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from courses.models import UnitProgress
from courses.signals import enrolment_completed

from . import grades


@receiver(post_save, sender=UnitProgress, dispatch_uid="integrations_unit_completed")
def _unit_completed(sender, instance: UnitProgress, created: bool, **kwargs) -> None:
    if created and grades.completion_may_post(user_id=instance.enrolment.learner_id):
        grades.grade_posts_for_unit(progress=instance)


@receiver(enrolment_completed, dispatch_uid="integrations_enrolment_completed")
def _enrolment_completed(sender, enrolment, **kwargs) -> None:
    if grades.completion_may_post(user_id=enrolment.learner_id):
        grades.grade_posts_for_completion(enrolment=enrolment)
