"""Redis down (defect 1): a real private redis-server, stopped in the middle of the test. Every page answers
without a 500: sessions come from the database, rate limits fail open (documented in elearning/cache.py and
the README), a warning is logged at most once a minute, and completing the course still creates the pending
certificate (the broker is down too: the sweeper queues it later)."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import correct_answers, sample_course_up_to_the_last_quiz
from tests.certificates.test_tasks_faults import broker_unreachable

CACHE_LOGGER = "elearning.cache"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_health():
    from elearning.cache import health

    health.failed_at = health.warned_at = None
    health.failures = 0
    yield
    health.failed_at = health.warned_at = None


def _client() -> Client:
    return Client(raise_request_exception=False)  # a crash is a 500 to count, as a visitor would see it


def _pages(client: Client, statuses: list[tuple[str, int]], *, code: str) -> None:
    for name, url in [
        ("home", reverse("home")),
        ("dashboard", reverse("courses:dashboard")),
        ("course", reverse("courses:detail", args=["sample-course"])),
        ("unit", reverse("courses:unit", args=["sample-course", "signs"])),
        ("unit 2", reverse("courses:unit", args=["sample-course", "pass-it-on"])),  # opened before its quiz
        ("quiz", reverse("quizzes:take", args=["sample-course", "pass-it-on"])),
        ("certificates", reverse("certificates:mine")),
        ("verify form", reverse("certificates:verify")),
        ("verify code", reverse("certificates:verify_code", args=[code])),
    ]:
        statuses.append((name, client.get(url).status_code))


@pytest.mark.timeout(120)
def test_redis_down_costs_no_page_and_no_certificate(
    cache_on_private_redis, sample_course, user, password, caplog, transactional_db
):
    redis = cache_on_private_redis
    issued = CertificateFactory(status=Certificate.Status.ISSUED)

    # Signed in while Redis is up: the session is in the cache and the database.
    before = _client()
    assert before.post(reverse("login"), {"username": user.email, "password": password}).status_code == 302
    sample_course_up_to_the_last_quiz(before)
    cache.set("probe", 1)
    assert cache.get("probe") == 1

    redis.stop()
    caplog.set_level(logging.WARNING, logger=CACHE_LOGGER)
    statuses: list[tuple[str, int]] = []

    # A session made before the outage still works (read from the database).
    _pages(before, statuses, code=issued.code)
    # Signing in during the outage works, and so does every signed-in page after it.
    during = _client()
    response = during.post(reverse("login"), {"username": user.email, "password": password})
    statuses.append(("sign-in", response.status_code))
    assert response.status_code == 302, response.content[:500]
    _pages(during, statuses, code=issued.code)
    # A wrong password is refused as usual (django-axes counts it in the database).
    wrong = _client().post(reverse("login"), {"username": user.email, "password": "not-the-password"})
    statuses.append(("wrong sign-in", wrong.status_code))
    assert wrong.status_code == 200
    # Rate limits fail open while they cannot count: 40 look-ups where 30 a minute are allowed.
    for _ in range(40):
        statuses.append(
            ("verify", during.get(reverse("certificates:verify_code", args=[issued.code])).status_code)
        )
    assert statuses[-1] == ("verify", 200)
    # Completing the course: the quiz submit answers, and the pending certificate is created.
    page = during.get(reverse("quizzes:take", args=["sample-course", "pass-it-on"]))
    attempt = page.context["attempt"]
    with broker_unreachable():  # Redis is the broker too in production
        submit = during.post(
            reverse("quizzes:submit", kwargs={"public_id": attempt.public_id}),
            correct_answers(attempt.question_ids, attempt),
        )
    statuses.append(("quiz submit", submit.status_code))
    assert submit.status_code == 302
    result = during.get(submit["Location"])
    statuses.append(("quiz result", result.status_code))
    # Signing out during the outage works too.
    statuses.append(("sign-out", during.post(reverse("logout")).status_code))

    assert [s for s in statuses if s[1] >= 500] == []
    assert {name for name, status in statuses if status not in (200, 302)} <= {"verify code"}
    certificate = Certificate.objects.get(learner=user)
    assert certificate.status == Certificate.Status.PENDING
    warnings = [r for r in caplog.records if r.name == CACHE_LOGGER and "Cache unavailable" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]  # at most once a minute

    # Redis back: the cache is used again, pages still answer, the old session still works.
    redis.start()
    from elearning.cache import health

    health.failed_at = None  # skip the short back-off after the last failure
    cache.set("probe", 2)
    assert cache.get("probe") == 2
    assert before.get(reverse("courses:dashboard")).status_code == 200
