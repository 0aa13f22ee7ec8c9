"""`make bench`, second part: 2,000 certificate issues queued on Redis and drained by 2 Celery worker
processes, timed and their CPU read from /proc (the workers and their pool children, the PostgreSQL backends,
the bench's redis-server), beside a bare in-process render."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from bench.cpu import Sources, children, cpu_used, process_cpu_ms

# Django's file email backend ends each message with a line of 79 hyphens; a file can hold several.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
# The PDF's attachment, one per certificate email. Its .jwt and .json credential files are named after the
# code too, so counting every "certificate-" file name counted each email three times.
PDF_ATTACHMENT = re.compile(rb'filename="certificate-([0-9A-Z]+)\.pdf"')


def emails_per_certificate(mail_dir: Path, codes: set[str]) -> Counter:
    """How many emails carried each of these certificates (by code): a message counts once per code."""
    sent: Counter = Counter()
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for message in path.read_bytes().split(MAIL_SEPARATOR):
            sent.update({code for raw in PDF_ATTACHMENT.findall(message) if (code := raw.decode()) in codes})
    return sent


def pdfs_per_certificate(folder: Path, codes: set[str]) -> Counter:
    """How many PDF files each certificate has: its fixed name CODE.pdf, and any name a storage derived
    from it (CODE_xxxxxxx.pdf), which only a second write of the same certificate makes."""
    files = (path.stem.split("_")[0] for path in folder.glob("*.pdf")) if folder.exists() else ()
    return Counter(code for code in files if code in codes)


def duplicates(per_certificate: Counter) -> int:
    """Copies beyond the first: a certificate emailed (or stored) twice counts once."""
    return sum(count - 1 for count in per_certificate.values() if count > 1)


def certificate_throughput(
    env: dict, python: str, redis_pid: int | None, *, root: Path, out: Path, var: Path, count: int
) -> dict:
    """Queue N issues on Redis, drain them with 2 worker processes; compare with a bare in-process render."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf
    from certificates.services import add_months, new_code, verification_url
    from certificates.tasks import certificate_issue_task
    from courses.models import Course, Pathway
    from elearning.celery import app

    course = Course.objects.get(slug="cse-awareness")
    pathway = Pathway.objects.filter(course=course).first()
    learners = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk")[:count])
    today = timezone.localdate()
    batch = Certificate.objects.bulk_create(
        [
            Certificate(
                code=new_code(),
                learner=learner,
                course=course,
                pathway=pathway,
                content_version=course.version,
                holder_name=learner.certificate_name,
                course_title=course.title,
                pathway_title=pathway.title,
                cpd_minutes=course.cpd_minutes,
                issued_on=today,
                expires_on=add_months(today, 36),
            )
            for learner in learners
        ]
    )
    ids = [c.pk for c in batch]

    sample = batch[:50]
    start = time.perf_counter()
    for certificate in sample:
        render_certificate_pdf(certificate, verification_url=verification_url(certificate))
    bare_ms = (time.perf_counter() - start) * 1000 / len(sample)

    app.control.purge()
    worker_log = (out / "workers.log").open("w")
    workers = [
        subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "elearning",
                "worker",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{n}@%h",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=root,
            start_new_session=True,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]

    def worker_tree() -> dict[int, float]:
        pids = [pid for w in workers for pid in (w.pid, *children(w.pid))]
        return {pid: ms for pid in pids if (ms := process_cpu_ms(pid)) is not None}

    sources = Sources(gunicorn_pid=0, redis_pid=redis_pid, database_url=env["DATABASE_URL"])
    try:
        time.sleep(5)  # let both workers connect before the clock starts
        before = {**sources.snapshot(), "workers": worker_tree()}
        start = time.perf_counter()
        for certificate_id in ids:
            certificate_issue_task.delay(certificate_id)
        enqueue_s = time.perf_counter() - start
        deadline = time.monotonic() + 420
        pending = len(ids)
        while pending and time.monotonic() < deadline:
            time.sleep(0.25)
            pending = Certificate.objects.filter(pk__in=ids).exclude(status=Certificate.Status.ISSUED).count()
        drain_s = time.perf_counter() - start
        used = cpu_used(before, {**sources.snapshot(), "workers": worker_tree()})
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        worker_log.close()

    issued = Certificate.objects.filter(pk__in=ids, status=Certificate.Status.ISSUED).count()
    duplicate_codes = Certificate.objects.values("code").annotate(n=Count("pk")).filter(n__gt=1).count()
    codes = {c.code for c in batch}
    pdfs = pdfs_per_certificate(var / "media" / "certificates", codes)
    emails = emails_per_certificate(var / "mail", codes)
    per_certificate_ms = drain_s * 1000 / len(ids)
    return {
        "count": len(ids),
        "workers": 2,
        "enqueue_seconds": round(enqueue_s, 2),
        "drain_seconds": round(drain_s, 2),
        "ms_per_certificate": round(per_certificate_ms, 1),
        "bare_render_ms": round(bare_ms, 1),
        "ratio_to_bare_render": round(per_certificate_ms / bare_ms, 2),
        "cpu_ms_per_certificate": round(sum(used.values()) / len(ids), 2),
        "cpu_ms": {group: round(ms / len(ids), 2) for group, ms in used.items()},
        "issued": issued,
        "not_issued": len(ids) - issued,
        "pdf_files": sum(pdfs.values()),
        "emails": sum(emails.values()),
        "not_emailed": len(codes - set(emails)),
        "duplicates": duplicates(pdfs) + duplicates(emails) + duplicate_codes,
    }
