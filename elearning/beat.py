"""`python -m elearning.beat [celery beat options]`: Celery beat, never two at once.

Takes an exclusive lock on a file under VAR_DIR (BEAT_LOCK_FILE to choose another, e.g. on a volume every
scheduler machine mounts) and keeps it for its whole life: the kernel releases it when the process ends,
however it ends (SIGKILL included), so a stale lock cannot block a restart, and a second beat started
while one runs waits instead of doubling every scheduled job. On Linux it also asks to be stopped
(SIGTERM) when the process that started it dies, so a killed `make run` leaves no orphan beat behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def lock_path() -> Path:
    default = (
        Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var")) / "celerybeat.lock"
    )
    return Path(os.environ.get("BEAT_LOCK_FILE", default))


def acquire(path: Path, *, wait: bool = True, log=print) -> int:
    """Open and flock the file; while another beat holds it, wait (or raise BlockingIOError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    said = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if not wait:
                os.close(fd)
                raise
            if not said:
                holder = path.read_text().strip() or "?"
                log(f"Another beat (pid {holder}) holds {path}; waiting for it to stop", file=sys.stderr)
                said = True
            time.sleep(1)
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    os.set_inheritable(fd, True)  # the lock stays held by celery beat after exec
    return fd


def die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc: no parent-death signal
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() == 1:  # the parent died before the request took effect
            sys.exit("The process that started beat has gone; not starting")


def main(argv: list[str]) -> None:
    die_with_parent()
    acquire(lock_path())
    command = [sys.executable, "-m", "celery", "-A", "elearning", "beat", *argv]
    # Our own interpreter running celery beat; no outside input.
    os.execv(sys.executable, command)  # noqa: S606  # nosec B606


if __name__ == "__main__":
    main(sys.argv[1:])
