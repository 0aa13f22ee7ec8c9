"""The Celery app: JSON only, late acknowledgement, so every task must be idempotent."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")

app = Celery("elearning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # A task is acknowledged only after it ran, and re-queued if its worker dies: tasks are idempotent.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=120,
    task_soft_time_limit=90,
    broker_connection_retry_on_startup=True,
    # Publishing must not hang a web request when the broker is down: the outbox sweeper retries later.
    broker_connection_timeout=3,
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
    },
    worker_hijack_root_logger=False,
    timezone="Europe/London",
    beat_schedule={},
)
app.autodiscover_tasks()


def register_periodic(name: str, task: str, schedule: float, **options: object) -> None:
    """Hook for apps to add beat entries (called from their AppConfig.ready)."""
    app.conf.beat_schedule[name] = {"task": task, "schedule": schedule, "options": options}


@app.task(name="elearning.ping")
def ping(value: str = "pong") -> str:
    """A trivial task used to check that the broker and a worker work."""
    return value
