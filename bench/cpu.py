"""Server CPU per request for `make bench`, read from /proc: the gunicorn workers, the PostgreSQL backends
serving the bench database, and the bench's own redis-server, before and after each load run.

CPU time is what a shared machine cannot steal from a measurement (req/s falls when a neighbour is busy; the
CPU a request costs does not), so it is the figure the targets are set on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def process_cpu_ms(pid: int) -> float | None:
    """utime + stime of one process in ms (None if it is gone or not readable)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ... utime is field 14
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def children(parent: int) -> list[int]:
    """Pids whose parent is `parent` (gunicorn's workers under its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


@dataclass
class Sources:
    """Where the server's CPU goes: gunicorn (master + workers), PostgreSQL backends, redis-server."""

    gunicorn_pid: int
    redis_pid: int | None
    database_url: str
    notes: list[str] = field(default_factory=list)

    def _backends(self) -> list[int]:
        if not self.database_url.startswith("postgres"):
            return []
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        # Asked from the maintenance database, so this connection is not one of the backends counted.
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                (name,),
            ).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict[str, dict[int, float]]:
        groups = {
            "workers": [self.gunicorn_pid, *children(self.gunicorn_pid)],
            "database": self._backends(),
            "redis": [self.redis_pid] if self.redis_pid else [],
        }
        taken: dict[str, dict[int, float]] = {}
        for group, pids in groups.items():
            taken[group] = {}
            for pid in pids:
                ms = process_cpu_ms(pid)
                if ms is not None:
                    taken[group][pid] = ms
            if pids and not taken[group] and f"{group} unreadable" not in self.notes:
                self.notes.append(f"{group} unreadable")  # e.g. PostgreSQL on another host or namespace
        return taken


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU ms per group between two snapshots; a process born in between counts from zero."""
    used = {}
    for group, now in after.items():
        then = before.get(group, {})
        used[group] = sum(ms - then.get(pid, 0.0) for pid, ms in now.items())
    return used
