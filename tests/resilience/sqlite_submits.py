"""Run as a script: many learners at once on a real SQLite file, each enrolling, reading a unit and
passing both quizzes of the sample course over HTTP (Django's test client, one thread per learner).
Prints JSON counts.

Used by test_sqlite_concurrency.py; the database is the file named by DATABASE_URL, configured by the
project's own settings (WAL, IMMEDIATE transactions, busy timeout)."""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")


def main(threads: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", "--noinput", verbosity=0)
    from accounts.models import User
    from certificates.models import Certificate
    from courses.loading import load_courses
    from courses.models import Enrolment
    from quizzes.models import Attempt
    from tests.certificates.helpers import correct_answers

    load_courses(ROOT / "tests" / "content")
    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    users = [
        User.objects.create_user(email=f"sqlite{n}@example.com", password="x" * 12, certificate_name=f"L {n}")
        for n in range(threads * rounds)
    ]
    connection.close()

    statuses: list[int] = []
    errors: list[str] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def record(response) -> None:
        with lock:
            statuses.append(response.status_code)

    def journey(user) -> None:
        client = Client(raise_request_exception=True)
        client.force_login(user)
        record(client.post(reverse("courses:enrol", args=["sample-course"]), {"pathway": "taxi-drivers"}))
        record(client.post(reverse("courses:unit_read", args=["sample-course", "next-steps"])))
        for unit in ("signs", "pass-it-on"):
            record(client.get(reverse("courses:unit", args=["sample-course", unit])))  # read, then the quiz
            page = client.get(reverse("quizzes:take", args=["sample-course", unit]))
            record(page)
            # Not page.context: template signals are process-wide, so threads would see each other's.
            attempt = Attempt.objects.get(
                enrolment__learner=user, quiz__unit__slug=unit, submitted_at__isnull=True
            )
            record(
                client.post(
                    reverse("quizzes:submit", kwargs={"public_id": attempt.public_id}),
                    correct_answers(attempt.question_ids, attempt),
                )
            )

    def worker(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=60)
            for n in range(rounds):
                try:
                    journey(users[index * rounds + n])
                except Exception as exc:  # counted and reported, never hidden
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                        if len(errors) <= 3:
                            traceback.print_exc()
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=300)

    completed = Enrolment.objects.filter(completed_at__isnull=False).count()
    certificates = Certificate.objects.count()
    return {
        "journal_mode": journal,
        "learners": len(users),
        "requests": len(statuses),
        "errors": len(errors),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "completed": completed,
        "certificates": certificates,
        "distinct_enrolments_with_certificate": Certificate.objects.values("enrolment").distinct().count(),
        "first_errors": errors[:3],
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]), int(sys.argv[2]))
    print("RESULT " + json.dumps(result))
