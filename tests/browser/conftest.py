"""Browser test set-up: the system Chromium through Playwright, a live server and a real Celery worker."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_executable):
    return {"executable_path": chromium_executable, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": MOBILE, "locale": "en-GB", "accept_downloads": True}


@pytest.fixture
def real_course(transactional_db):
    from courses.loading import load_courses
    from courses.models import Course

    load_courses()
    return Course.objects.get(slug="cse-awareness")


@pytest.fixture
def base_url(live_server):
    return live_server.url


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{page.url} scrolls sideways: {width}px wide"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


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
    # A 4xx status (the pages under test that answer 400/404 on purpose) is logged by Chromium as an error.
    real = [e for e in errors if "Failed to load resource: the server responded with a status of 4" not in e]
    assert not real, f"browser console errors: {real}"
