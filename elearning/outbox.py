"""Queueing a task for a row that a sweeper will re-queue if this fails (the outbox pattern)."""

from __future__ import annotations

import logging

from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def enqueue_or_leave_for_sweeper(*, model: type[models.Model], pk: int, task: str) -> bool:
    """Record when the row was queued, then queue `task(pk)`. A broker that is down is logged, not raised:
    the row stays due, and its app's sweeper queues it again.

    `task` is the task's dotted path ("certificates.tasks.certificate_issue_task"), looked up only now, so
    an app's services never import its tasks (which import the services): no import cycle."""
    model.objects.filter(pk=pk).update(enqueued_at=timezone.now())
    try:
        import_string(task).delay(pk)
    except Exception:  # kombu raises many types when the broker is unreachable
        log.exception("Could not queue %s %s; the sweeper will retry", model._meta.model_name, pk)
        return False
    return True
