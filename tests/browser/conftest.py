"""Browser test set-up: the system Chromium through Playwright, a live server and a real Celery worker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import MOBILE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def real_course(transactional_db):
    from courses.loading import load_courses
    from courses.models import Course

    load_courses()
    return Course.objects.get(slug="cse-awareness")


def no_sideways_scroll(page) -> None:
    # Right after a click the next page may still be committing (no documentElement yet): wait for it.
    page.wait_for_load_state()
    page.wait_for_function("document.documentElement !== null && document.readyState !== 'loading'")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{page.url} scrolls sideways: {width}px wide"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
