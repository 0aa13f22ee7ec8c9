"""Content loader fuzz: damaged YAML gives a ContentError naming the file, never a crash or a partial load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.loading import ContentError, load_courses
from courses.models import Block, Course, Unit
from quizzes.models import Question
from tests.conftest import SAMPLE_CONTENT

pytestmark = pytest.mark.django_db

TARGETS = ["course.yaml", "units/01-signs.yaml", "units/02-pass-it-on.yaml", "quizzes/01-signs.yaml"]


def snapshot() -> tuple:
    return (
        list(Course.objects.values_list("slug", "version")),
        Unit.objects.count(),
        Block.objects.count(),
        Question.objects.count(),
    )


@st.composite
def damage(draw, original: bytes):
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "replace-line", "binary"]))
    if kind == "truncate":
        return original[: draw(st.integers(0, len(original)))]
    if kind == "flip":
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "insert":
        i = draw(st.integers(0, len(original)))
        junk = draw(
            st.sampled_from(
                [b": [", b"\t", b"- - -", b"{{", b"&a *b", b"!!python/object:os.system", b"\n  x"]
            )
        )
        return original[:i] + junk + original[i:]
    if kind == "replace-line":
        lines = original.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.binary(max_size=40))
        return b"\n".join(lines)
    return draw(st.binary(max_size=500))


def test_damaged_files_give_an_error_and_load_nothing(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    course_dir = root / "sample-course"
    load_courses(root)  # a good version first: damage must never change it
    good = snapshot()

    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(target=st.sampled_from(TARGETS), data=st.data())
    def run(target, data):
        path: Path = course_dir / target
        original = (SAMPLE_CONTENT / "sample-course" / target).read_bytes()
        before = snapshot()
        path.write_bytes(data.draw(damage(original)))
        try:
            load_courses(root)
        except ContentError as error:
            assert error.errors and all(isinstance(e, str) and e for e in error.errors)
            assert snapshot() == before
        finally:
            path.write_bytes(original)
            load_courses(root)  # unchanged files: nothing happens
            assert snapshot()[1:] == good[1:]

    run()
