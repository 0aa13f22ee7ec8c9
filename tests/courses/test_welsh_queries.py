"""Issue 21: translation adds no query to learner pages (the Welsh is in the same rows: modeltranslation)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.loading import load_courses
from courses.models import Course, Unit
from tests.quizzes.view_helpers import enrol

pytestmark = pytest.mark.django_db


def _queries(client, url: str, language: str) -> int:
    client.cookies["language"] = language
    client.get(url)  # warm the per-version caches, as pinned counts do
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    return len(captured)


def test_learner_pages_cost_the_same_queries_in_welsh_as_in_english(learner_client, user):
    load_courses()
    course = Course.objects.get(slug="cse-awareness")
    enrol(user, "taxi-drivers", course)
    unit = Unit.objects.get(course=course, slug="spotting-the-signs")
    urls = [
        reverse("courses:dashboard"),
        reverse("courses:detail", args=[course.slug]),
        reverse("courses:unit", args=[course.slug, unit.slug]),
        reverse("quizzes:take", args=[course.slug, unit.slug]),
    ]
    for url in urls:
        english, welsh = _queries(learner_client, url, "en"), _queries(learner_client, url, "cy")
        assert abs(welsh - english) <= 1, (url, english, welsh)
