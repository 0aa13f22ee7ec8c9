"""Fixtures for the quizzes tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
