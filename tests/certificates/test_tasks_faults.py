"""Fault tests: a worker killed with SIGKILL while issuing, and a broker that is down when the enrolment
completes. Either way the learner ends up with exactly one certificate, one PDF and one email."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection

from certificates import services
from certificates.models import Certificate
from elearning.celery import app
from tests.certificates.helpers import (
    complete_enrolment,
    pass_the_last_quiz,
    pdf_files,
    sample_course_up_to_the_last_quiz,
    sent_messages,
    wait_for,
)

pytestmark = pytest.mark.worker

UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


def _on_redis() -> bool:
    return app.conf.broker_url.startswith(("redis://", "rediss://"))


def _database_url() -> str:
    """The test database as a URL, for a worker subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise AssertionError(f"no URL for {connection.vendor}")  # pragma: no cover


class WorkerProcess:
    """A real `celery -A elearning worker` subprocess on the test database and broker; logs to a file."""

    def __init__(self, tmp_path: Path, name: str, *, render_delay: float = 0) -> None:
        self.log = tmp_path / f"{name}.log"
        self.var_dir = tmp_path / "worker-var"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "VAR_DIR": str(self.var_dir),
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "SITE_URL": django_settings.SITE_URL,
            "CERTIFICATE_RENDER_DELAY_SECONDS": str(render_delay),
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
        env.pop("EMAIL_HOST", None)  # the file backend, under VAR_DIR/mail
        # CELERY_BROKER_FOLDER (filesystem broker) or REDIS_URL/CELERY_BROKER_URL come through os.environ.
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "elearning",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}-{uuid.uuid4().hex[:8]}@%h",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited ({self.process.returncode}):\n{self.output()}")
            return text in self.output()

        wait_for(seen, timeout=timeout, interval=0.05, what=f"{text!r} in the worker log")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.mark.timeout(240)
def test_worker_killed_while_issuing_leaves_one_certificate_after_a_new_worker_starts(
    empty_queue, sample_enrolment, tmp_path
):
    workers: list[WorkerProcess] = []
    try:
        first = WorkerProcess(tmp_path, "doomed", render_delay=5)
        workers.append(first)
        first.wait_for_log(" ready.", timeout=60)

        complete_enrolment(sample_enrolment)  # commits, then queues the issue task
        certificate = Certificate.objects.get()
        first.wait_for_log("certificates.issue[", timeout=30)  # "Task certificates.issue[...] received"
        received_at = time.monotonic()
        time.sleep(0.5)  # now inside the render delay, holding the row lock
        first.kill()

        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.PENDING
        assert pdf_files() == []
        assert sent_messages(first.mail_dir) == []

        if _on_redis():
            # Redis puts an unacknowledged message back once the visibility timeout has passed; a worker
            # restores expired messages when it starts, so start the new one after that.
            time.sleep(max(0.0, received_at + 3 + 1 - time.monotonic()))
        second = WorkerProcess(tmp_path, "replacement")
        workers.append(second)
        second.wait_for_log(" ready.", timeout=60)
        if not _on_redis():
            # The filesystem transport removes a message when it is delivered: beat's sweeper re-queues it.
            assert services.certificate_sweep_pending(older_than=dt.timedelta(0)) == [certificate.pk]

        wait_for(
            lambda: Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.ISSUED).exists(),
            timeout=60,
            what=f"the certificate to be issued; worker log:\n{second.output()}",
        )
        time.sleep(1)  # room for a duplicate delivery to do damage, if there were one
    finally:
        for worker in workers:
            worker.kill()

    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert len(pdf_files()) == 1
    assert len(sent_messages(first.mail_dir)) == 1
    assert "certificates.issue[" in second.output()


# The broker is down when the enrolment completes -----------------------------------------------------


def _drop_broker_connections() -> None:
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    saved = app.conf.broker_url
    _drop_broker_connections()
    app.conf.broker_url = UNREACHABLE_BROKER
    try:
        yield
    finally:
        app.conf.broker_url = saved
        _drop_broker_connections()


@pytest.mark.timeout(120)
def test_broker_down_at_completion_costs_a_delay_not_the_certificate(
    empty_queue, sample_course, user, client
):
    client.force_login(user)
    sample_course_up_to_the_last_quiz(client)

    with broker_unreachable():
        started = time.monotonic()
        pass_the_last_quiz(client)  # 302 to the result page, which renders: no 500
        elapsed = time.monotonic() - started

    certificate = Certificate.objects.get()
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.enqueued_at is not None
    assert elapsed < 15  # publishing gave up quickly instead of hanging the request
    assert sent_messages() == []

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        swept = services.certificate_sweep_pending(older_than=dt.timedelta(0))
        assert swept == [certificate.pk]
        wait_for(
            lambda: Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.ISSUED).exists(),
            timeout=30,
            what="the swept certificate to be issued",
        )

    assert Certificate.objects.count() == 1
    assert len(pdf_files()) == 1
    assert len(sent_messages()) == 1
