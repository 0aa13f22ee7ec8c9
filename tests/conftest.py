"""Shared fixtures: users, the sample course, a real in-process Celery worker, browser availability."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.elearning.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the tests' ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SAMPLE_CONTENT = Path(__file__).resolve().parent / "content"
PASSWORD = "correct-horse-battery-1"


@pytest.fixture(scope="session", autouse=True)
def _private_broker_folder():
    """With the no-server filesystem broker, each test run gets its own queue folder so parallel runs
    (and a developer's `make run`) never take each other's messages."""
    from elearning.celery import app

    if not app.conf.broker_url.startswith("filesystem://"):
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="broker-test-", dir=settings.VAR_DIR))
    (folder / "queue").mkdir()
    (folder / "processed").mkdir()
    (folder / "control").mkdir()
    options = {
        "control_folder": str(folder / "control"),
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    app.conf.broker_transport_options = options
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
    os.environ["CELERY_BROKER_FOLDER"] = str(folder)  # for worker subprocesses
    yield
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media_and_mail(tmp_path, settings):
    """Files and mail go to the test's own folder; mail uses the same file backend a user gets by default
    (pytest-django would otherwise switch to the in-memory backend)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "credential_keys"  # each test its own issuer keys


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Every test starts in English: a Welsh request leaves Welsh active in the thread (Django does not reset
    it after the response), and services called directly afterwards would speak Welsh."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none; nor any public page kept as
    rendered in process memory (elearning.page_cache), which a test's settings may have changed."""
    from django.core.cache import cache

    from elearning import page_cache

    cache.clear()
    page_cache.clear()
    yield
    cache.clear()
    page_cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(password=PASSWORD)


@pytest.fixture
def other_user(db):
    return UserFactory(password=PASSWORD)


@pytest.fixture
def learner_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the second step passed (staff need it for the admin)."""
    from tests.two_factor import login_verified

    return login_verified(client, admin_user)


@pytest.fixture
def sample_course(db):
    """The sample course under tests/content, loaded with the real loader."""
    from courses.loading import load_courses
    from courses.models import Course

    load_courses(SAMPLE_CONTENT)
    return Course.objects.get(slug="sample-course")


@pytest.fixture
def celery_worker_app():
    from elearning.celery import app

    return app


@pytest.fixture
def celery_worker(transactional_db, celery_worker_app):
    """A real Celery worker thread consuming from the configured broker (filesystem or Redis)."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_worker_app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
    ) as worker:
        yield worker


def chromium_path() -> str | None:
    for candidate in (
        "/usr/lib/chromium/chromium",
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Browser tests skip, with a reason, when Chromium is missing; REQUIRE_BROWSER=1 makes that a failure."""
    path = chromium_path()
    if path is None:
        message = "No Chromium found (apt-get install chromium); browser tests need it"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1: {message}")
        pytest.skip(message)
    return path


# Real-browser fixtures (pytest-playwright with the system Chromium), shared by every browser test -----------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
MOBILE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_executable):
    return {"executable_path": chromium_executable, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": MOBILE, "locale": "en-GB", "accept_downloads": True}


@pytest.fixture
def base_url(live_server):
    return live_server.url


@pytest.fixture(autouse=True)
def _no_console_errors(request):
    """Fail a browser test if the page logs an error, such as a Content Security Policy violation."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    # A 4xx status (pages that answer 400/404 on purpose) is logged by Chromium as an error.
    real = [e for e in errors if "Failed to load resource: the server responded with a status of 4" not in e]
    assert not real, f"browser console errors: {real}"
