"""The embedded default, SQLite, under concurrent quiz submits (defect 5): a real SQLite file, one thread per
learner through the full HTTP journey, configured by the project's settings. Before WAL + IMMEDIATE
transactions this failed with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from elearning.config import SQLITE_OPTIONS, parse_database_url

SCRIPT = Path(__file__).with_name("sqlite_submits.py")


def test_sqlite_options_are_those_of_a_web_app():
    config = parse_database_url("sqlite:////srv/app/db.sqlite3")
    assert config["OPTIONS"] == SQLITE_OPTIONS
    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    assert "synchronous=NORMAL" in SQLITE_OPTIONS["init_command"]
    assert SQLITE_OPTIONS["timeout"] >= 5


@pytest.mark.timeout(300)
@pytest.mark.parametrize("how", ["default", "url"])
def test_concurrent_quiz_submits_on_sqlite_lose_nothing(tmp_path, how):
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_URL": "memory://",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    env.pop("DATABASE_URL", None)
    if how == "url":  # DATABASE_URL=sqlite:///...; "default" is the no-variable default under VAR_DIR
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    threads, rounds = 8, 3
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(threads), str(rounds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no result (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    learners = threads * rounds
    assert result["journal_mode"] == "wal"
    assert result["errors"] == 0, (result, done.stderr[-5000:])
    assert result["server_errors"] == 0, result
    assert result["requests"] == learners * 8  # enrol, mark read, and per quiz unit: unit page, quiz, submit
    assert result["completed"] == learners
    assert result["certificates"] == learners == result["distinct_enrolments_with_certificate"]
