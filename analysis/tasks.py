"""Celery entry points: one service call, nothing else."""

from __future__ import annotations

from celery import shared_task

from . import precompute


@shared_task(name="analysis.warm_reports")
def warm_reports_task() -> int:
    return precompute.warm_every_learner_reports()
