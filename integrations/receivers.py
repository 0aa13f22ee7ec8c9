"""Completion in `courses` becomes grade posts here; each receiver calls one service."""

from __future__ import annotations

from django.dispatch import receiver

from courses.signals import enrolment_completed, unit_completed

from . import grades


@receiver(unit_completed, dispatch_uid="integrations_unit_completed")
def _unit_completed(sender, progress, **kwargs) -> None:
    if grades.completion_may_post(user_id=progress.enrolment.learner_id):
        grades.grade_posts_for_unit(progress=progress)


@receiver(enrolment_completed, dispatch_uid="integrations_enrolment_completed")
def _enrolment_completed(sender, enrolment, **kwargs) -> None:
    if grades.completion_may_post(user_id=enrolment.learner_id):
        grades.grade_posts_for_completion(enrolment=enrolment)
