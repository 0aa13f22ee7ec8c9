"""`manage.py load_courses`: loads; bad files go to stderr with a non-zero exit; `--check` writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.models import Block, Course, Unit
from tests.courses.content_edits import BAD_FILES, edit

MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


def run_command(*args: str, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_courses", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_loads_then_reports_unchanged(db, content_root):
    out, _ = run_command("--path", str(content_root))
    assert "sample-course: created (content version 1)" in out
    assert "Loaded 1 course(s)." in out

    out, _ = run_command("--path", str(content_root))
    assert "sample-course: unchanged (content version 1)" in out
    assert Course.objects.get().version == 1


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_bad_file_raises_command_error_and_names_the_problem(db, content_root, course_dir, bad):
    bad.breaks(course_dir)
    err = StringIO()

    with pytest.raises(CommandError, match=r"^1 problem\(s\) in the content files; nothing was loaded\.$"):
        call_command("load_courses", "--path", str(content_root), stdout=StringIO(), stderr=err)

    assert err.getvalue().startswith(bad.error)
    assert Course.objects.count() == 0


def test_check_writes_nothing(db, content_root, course_dir):
    out, _ = run_command("--path", str(content_root), "--check")
    assert "Checked 1 course(s); nothing was written." in out
    assert Course.objects.count() == Unit.objects.count() == Block.objects.count() == 0

    run_command("--path", str(content_root))
    edit(course_dir / "units/01-signs.yaml", "title: Spotting the signs", "title: Signs to spot")
    run_command("--path", str(content_root), "--check")
    assert Course.objects.get().version == 1
    assert Unit.objects.get(slug="signs").title == "Spotting the signs"


def test_check_reports_bad_files_too(db, content_root, course_dir):
    edit(course_dir / "units/01-signs.yaml", "type: reflection", "type: reflect")
    with pytest.raises(CommandError):
        run_command("--path", str(content_root), "--check")


def test_command_line_exits_non_zero_with_errors_on_stderr(tmp_path, content_root, course_dir):
    """The real entry point: a shell (or `make run`) sees the exit code and the messages."""
    edit(course_dir / "units/01-signs.yaml", "type: reflection", "type: reflect")
    edit(course_dir / "units/02-pass-it-on.yaml", 'number: "999"', 'number: "nine nine nine"')
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}  # never the developer's own database

    finished = subprocess.run(
        [sys.executable, str(MANAGE_PY), "load_courses", "--path", str(content_root)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 1
    assert finished.stdout == ""
    lines = finished.stderr.splitlines()
    assert lines[0].startswith(
        "content/sample-course/units/01-signs.yaml: blocks[5].type (line 31): unknown block type 'reflect'"
    )
    assert lines[1].startswith(
        "content/sample-course/units/02-pass-it-on.yaml: blocks[0].number (line 9): 'nine nine nine' is not "
        "a phone number"
    )
    assert lines[-1] == "CommandError: 2 problem(s) in the content files; nothing was loaded."
