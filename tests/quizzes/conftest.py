"""Fixtures for the quizzes tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.loading import load_courses
from courses.models import Course, Enrolment
from quizzes.models import Attempt
from tests.conftest import SAMPLE_CONTENT
from tests.quizzes.view_helpers import enrol, open_attempt, take_url


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Learners are made in almost every test here; a slow password hash only costs time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def taxi(sample_course, user):
    """The learner, enrolled as a taxi driver: unit 1's quiz sets all four question types."""
    return enrol(user, "taxi-drivers", sample_course)


@pytest.fixture
def attempt(learner_client, taxi) -> Attempt:
    """The learner's open attempt at unit 1's quiz, started by opening the quiz page."""
    assert learner_client.get(take_url()).status_code == 200
    return open_attempt(taxi)


@pytest.fixture
def content(tmp_path) -> Path:
    """A private copy of the sample content that a test may edit."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


@pytest.fixture(scope="module")
def _real_course(django_db_setup, django_db_blocker):
    """The real course, loaded once per module (the bots and pool checks take thousands of attempts at it)."""
    with django_db_blocker.unblock():
        load_courses()
        course_id = Course.objects.get(slug="cse-awareness").pk
    yield course_id
    with django_db_blocker.unblock():
        Enrolment.objects.filter(course_id=course_id).delete()
        Course.objects.filter(pk=course_id).delete()


@pytest.fixture
def course(db, _real_course) -> Course:
    """The real course (for the modules that ask for it by this name)."""
    return Course.objects.get(pk=_real_course)
