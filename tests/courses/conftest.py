"""Fixtures for the courses tests: an editable copy of the sample content."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.courses.content_edits import copy_sample


@pytest.fixture
def content_root(tmp_path) -> Path:
    """tmp_path/content holding a private copy of the sample course, free to edit."""
    root = tmp_path / "content"
    root.mkdir()
    copy_sample(root)
    return root


@pytest.fixture
def course_dir(content_root) -> Path:
    return content_root / "sample-course"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made in almost every test here; a slow password hash only costs time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
