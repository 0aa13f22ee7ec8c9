"""Shared parts of `make faults` (bench/faults.py): settings, services it starts, HTTP journeys, counts."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "faults"
VAR = OUT / "var"
HOST = "127.0.0.1"
LEARNERS_PER_RUN = int(os.environ.get("FAULTS_LEARNERS", "40"))
PG_CERTIFICATES = int(os.environ.get("FAULTS_PG_CERTIFICATES", "30"))
THREADS = 8
PASSWORD = "faults-password-1234"  # noqa: S105 - test learners on a throwaway database

CSRF_SECRET = "b" * 32  # as bench/seed.py: the cookie and the form field carry the same value

from tests.resilience.redis_server import RedisServer, free_port  # noqa: E402,F401


def log(message: str) -> None:
    print(message, flush=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = OUT / "faults.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_faults"
    import psycopg

    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


class Services:
    """gunicorn and Celery worker subprocesses on this script's database and private Redis."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], **extra_env: str) -> None:
        out = (OUT / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def web(self) -> None:
        self.start(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "elearning.wsgi",
                "--workers",
                "2",
                "--bind",
                f"{HOST}:{self.port}",
                "--config",
                str(ROOT / "bench/gunicorn_conf.py"),
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request("GET", self.port, "/")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def worker(self, name: str, **extra_env: str) -> None:
        self.start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "elearning",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
                "--loglevel",
                "INFO",
            ],
            **extra_env,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def request(method: str, port: int, path: str, *, cookie: str = "", body: str = "") -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def seed_learners(prefix: str, count: int) -> list[dict]:
    """Learners who have done everything but the last quiz, with an open attempt at it and a session."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from bench.seed import right_answers, session_for
    from courses.models import Course, Enrolment, Pathway, Unit, UnitProgress, UnitVisit
    from quizzes.models import Attempt
    from quizzes.selectors import question_ids_for_pathway

    course = Course.objects.get(slug="cse-awareness")
    pathways = list(Pathway.objects.filter(course=course))
    units = list(Unit.objects.filter(course=course).order_by("order"))
    last = units[-1]
    assert last.completed_by_quiz, "the last unit should end with a quiz"
    hashed = make_password(PASSWORD)
    learners = []
    for n in range(count):
        user = User.objects.create(
            email=f"{prefix}{n}@faults.invalid",
            password=hashed,
            certificate_name=f"Fault Learner {prefix.upper()} {n}",
            email_verified_at=timezone.now(),  # as after following the sign-up link
        )
        pathway = pathways[n % len(pathways)]
        enrolment = Enrolment.objects.create(learner=user, course=course, pathway=pathway)
        UnitProgress.objects.bulk_create(
            [UnitProgress(enrolment=enrolment, unit=u, completed_at=timezone.now()) for u in units[:-1]]
        )
        Attempt.objects.bulk_create(
            [  # the earlier quizzes, passed
                Attempt(
                    enrolment=enrolment,
                    quiz=u.quiz,
                    seed=n,
                    question_ids=[],
                    submitted_at=timezone.now(),
                    score=100,
                    passed=True,
                )
                for u in units[:-1]
                if u.completed_by_quiz
            ]
        )
        UnitVisit.objects.create(  # read before you are tested (issue 17)
            enrolment=enrolment, unit=last, first_opened_at=timezone.now(), last_opened_at=timezone.now()
        )
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            quiz=last.quiz,
            seed=n,
            question_ids=question_ids_for_pathway(quiz=last.quiz, pathway=pathway),
        )
        cookie = f"sessionid={session_for(user)}; csrftoken={CSRF_SECRET}"
        learners.append(
            {
                "email": user.email,
                "cookie": cookie,
                "submit": f"/quizzes/attempts/{attempt.public_id}/submit/",
                "body": urlencode({**right_answers(attempt), "csrfmiddlewaretoken": CSRF_SECRET}, doseq=True),
                "unit": f"/courses/{course.slug}/units/{units[1].slug}/",
            }
        )
    return learners


def journeys(port: int, learners: list[dict], verify_path: str, *, sign_ins: int = 10) -> list[int]:
    def one(index_and_learner) -> list[int]:
        index, learner = index_and_learner
        statuses = [
            request("GET", port, "/courses/", cookie=learner["cookie"]),
            request("GET", port, learner["unit"], cookie=learner["cookie"]),
            request("GET", port, verify_path),
            request("POST", port, learner["submit"], cookie=learner["cookie"], body=learner["body"]),
            request("GET", port, "/certificates/", cookie=learner["cookie"]),
        ]
        if index < sign_ins:
            body = urlencode(
                {"username": learner["email"], "password": PASSWORD, "csrfmiddlewaretoken": CSRF_SECRET}
            )
            statuses.append(
                request("POST", port, "/accounts/login/", cookie=f"csrftoken={CSRF_SECRET}", body=body)
            )
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        return [status for statuses in pool.map(one, enumerate(learners)) for status in statuses]


def emails_sent() -> int:
    mail = VAR / "mail"
    if not mail.exists():
        return 0
    marker = 'filename="certificate-'  # each certificate email carries its PDF
    return sum(f.read_text(errors="replace").count(marker) for f in mail.glob("*.log"))


def certificate_counts(emails: list[str]) -> dict:
    from django.db.models import Count

    from certificates.models import Certificate
    from courses.models import Enrolment

    completed = Enrolment.objects.filter(learner__email__in=emails, completed_at__isnull=False).count()
    mine = Certificate.objects.filter(learner__email__in=emails)
    return {
        "completions": completed,
        "issued": mine.filter(status=Certificate.Status.ISSUED).count(),
        "failed": mine.filter(status=Certificate.Status.FAILED).count(),
        "duplicated": mine.values("learner").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "missing": len(emails)
        - mine.filter(status=Certificate.Status.ISSUED).values("learner").distinct().count(),
    }


def drain(emails: list[str], timeout: float = 240) -> None:
    """Run the sweeper (as beat would) until every certificate is issued or the time is up."""
    from certificates.models import Certificate
    from certificates.services import certificate_sweep_pending

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = Certificate.objects.filter(learner__email__in=emails).exclude(status=Certificate.Status.ISSUED)
        if not left.exists():
            return
        certificate_sweep_pending(older_than=dt.timedelta(seconds=20))
        time.sleep(5)


def log_count(name: str, text: str) -> int:
    path = OUT / f"{name}.log"
    return path.read_text(errors="replace").count(text) if path.exists() else 0
