"""A real Celery worker runs a task through the configured broker (filesystem by default, Redis in CI)."""

import pytest

from elearning.celery import app

seen: list[str] = []


@app.task(name="tests.record")
def record(value: str) -> None:
    seen.append(value)


@pytest.mark.worker
def test_real_worker_runs_a_task_through_the_broker(celery_worker):
    import time

    record.delay("hello")
    deadline = time.monotonic() + 20
    while "hello" not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen == ["hello"]


def test_celery_is_configured_for_idempotent_tasks():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit
    assert "certificates-sweep-pending" in app.conf.beat_schedule
