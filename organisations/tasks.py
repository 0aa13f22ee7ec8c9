"""Celery entry points: ids in, one service call, nothing else."""

from __future__ import annotations

import smtplib

from celery import Task, shared_task

from . import services

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(
    name="organisations.send_invitation",
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def invitation_send_task(invitation_id: int) -> None:
    services.invitation_send(invitation_id=invitation_id)


class ExportBuildTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Called once retries are used up or on a non-transient error: the page stops saying "being prepared".
        export_id = args[0] if args else kwargs.get("export_id")
        if export_id is not None:
            services.export_mark_failed(export_id=export_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=ExportBuildTask,
    name="organisations.build_export",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=5,
    max_retries=3,
)
def export_build_task(export_id: int) -> None:
    services.export_build(export_id=export_id)


@shared_task(name="organisations.send_expiry_reminders")
def expiry_reminders_task() -> None:
    services.expiry_reminders_send()


@shared_task(name="organisations.send_manager_summaries")
def manager_summaries_task() -> None:
    services.manager_summaries_send()


@shared_task(name="organisations.sweep")
def sweep_task() -> None:
    services.organisations_sweep()
