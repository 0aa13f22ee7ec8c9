"""Celery entry points for grade posts: ids in, one service call."""

from __future__ import annotations

from celery import Task, shared_task

from . import grades
from .ags import PlatformUnavailable


class GradePostTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # The retries are used up (or an unexpected error): recorded, and the sweeper queues it again later.
        post_id = args[0] if args else kwargs.get("post_id")
        if post_id is not None:
            grades.grade_post_mark_failed(post_id=post_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=GradePostTask,
    name="integrations.grade_post_send",
    acks_late=True,
    autoretry_for=(PlatformUnavailable, ConnectionError, TimeoutError, OSError),
    retry_backoff=5,
    retry_backoff_max=grades.RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=6,
)
def grade_post_send_task(post_id: int) -> None:
    grades.grade_post_send(post_id=post_id)


@shared_task(name="integrations.sweep")
def integrations_sweep_task() -> None:
    grades.grade_posts_reconcile()
    grades.grade_posts_sweep()
    from .lti_launch import used_nonces_prune

    used_nonces_prune()
