"""Two beats after a crash (defect 8): `make run`'s processes (scripts/run.sh) are started for real, the
worker is killed with SIGKILL, run.sh is started again, and the beat processes are counted (processes of
this test running celery beat, standalone or embedded). Before, the worker ran beat embedded
(`worker --beat`): its beat survived the worker as an orphan, and the restart added a second one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.certificates.helpers import wait_for
from tests.resilience.redis_server import free_port

pytestmark = pytest.mark.worker


def _beats(var_dir: Path) -> list[int]:
    """Live processes of this test (VAR_DIR in their environment) running beat: standalone (`celery ... beat`)
    or embedded in a worker (`worker --beat`: the worker and its beat child both carry it)."""
    marker = f"VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "stat").read_text().split()[2] == "Z":
                continue
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue
        words = _cmdline(int(entry.name)).split()
        if "celery" in " ".join(words) and ("beat" in words or "--beat" in words):
            found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class RunScript:
    """scripts/run.sh in its own session, on a private VAR_DIR, port and filesystem broker."""

    def __init__(self, var_dir: Path, log: Path) -> None:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_URL", "REDIS_URL"))
        }
        env.update({"VAR_DIR": str(var_dir), "PORT": str(free_port()), "PYTHONUNBUFFERED": "1"})
        env.pop("CACHE_URL", None)
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                ["bash", "scripts/run.sh"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-s", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def worker_pid(self) -> int:
        # The worker's main process: the run.sh child whose command line is the celery worker.
        for pid in self.children():
            cmd = _cmdline(pid)
            if (
                " worker " in f"{cmd} "
                and "celery" in cmd
                and int(Path(f"/proc/{pid}/stat").read_text().split()[3]) == self.process.pid
            ):
                return pid
        raise AssertionError("no worker process")

    def stop(self) -> None:
        for pid in [self.process.pid, *self.children()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.mark.timeout(240)
def test_a_killed_worker_leaves_no_orphan_beat_and_a_restart_runs_exactly_one(tmp_path):
    var_dir = tmp_path / "var"
    scripts: list[RunScript] = []
    stray: list[int] = []
    try:
        first = RunScript(var_dir, tmp_path / "run1.log")
        scripts.append(first)
        wait_for(lambda: " ready." in first.log.read_text(), timeout=90, interval=0.5, what="worker 1 ready")
        wait_for(lambda: "beat: Starting" in first.log.read_text(), timeout=60, interval=0.5, what="beat 1")
        beats = _beats(var_dir)
        worker = first.worker_pid()

        os.kill(worker, signal.SIGKILL)  # the crash
        time.sleep(8)  # run.sh notices and stops the rest (or, before, an orphan beat lives on)
        stray = _beats(var_dir)

        second = RunScript(var_dir, tmp_path / "run2.log")
        scripts.append(second)
        wait_for(lambda: " ready." in second.log.read_text(), timeout=90, interval=0.5, what="worker 2 ready")
        time.sleep(8)  # time for a second beat to start, if anything let it
        after_restart = _beats(var_dir)
    finally:
        for script in scripts:
            script.stop()
        for pid in _beats(var_dir) + stray:
            if _cmdline(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    assert stray == [], f"{len(stray)} process(es) of beat left after the worker was killed"
    assert len(after_restart) == 1, f"{len(after_restart)} beat process(es) after the restart"
    assert len(beats) == 1


@pytest.mark.timeout(120)
def test_a_second_beat_waits_for_the_lock(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "CELERY_BROKER_FOLDER"):
        env.pop(key, None)
    command = [
        str(Path(settings.BASE_DIR) / ".venv/bin/python"),
        "-m",
        "elearning.beat",
        "--loglevel=INFO",
        "--schedule",
        str(tmp_path / "var" / "celerybeat-schedule"),
    ]
    logs = [tmp_path / "beat1.log", tmp_path / "beat2.log"]
    beats = []
    try:
        for log in logs:
            with log.open("wb") as out:
                beats.append(
                    subprocess.Popen(
                        command,
                        cwd=settings.BASE_DIR,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            time.sleep(0.5)
        wait_for(
            lambda: "waiting for it to stop" in logs[1].read_text(), timeout=60, what="the second to wait"
        )
        wait_for(lambda: "beat: Starting" in logs[0].read_text(), timeout=60, what="the first to start")
        time.sleep(3)
        assert "beat: Starting" not in logs[1].read_text()
        beats[0].send_signal(signal.SIGKILL)  # the lock goes with the process, however it ends
        beats[0].wait(timeout=10)
        wait_for(lambda: "beat: Starting" in logs[1].read_text(), timeout=60, what="the second to take over")
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.kill()
            beat.wait(timeout=10)
