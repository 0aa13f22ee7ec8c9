"""`make bench`: measured cost on loopback, each page as a ratio to a hello-world view on the same server.

Seeds a realistic data set, starts a private redis-server and gunicorn (2 workers, production settings), loads
each page with wrk at 20 connections in interleaved rounds, and reads the server's CPU per request from /proc
(gunicorn workers + the PostgreSQL backends of the bench database + redis-server, before and after each run,
divided by the requests completed: bench/cpu.py). Counts each page's queries in-process (bench/queries.py),
then times 2,000 certificate issues through Redis and 2 Celery worker processes against the bare PDF render.
Prints a table with every target met or missed and writes JSON to var/bench/. Loopback only; every loop is
bounded.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
VAR = OUT / "var"
HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on now, so runs on a shared machine never meet each other's servers."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or free_port())
CONNECTIONS = 20
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # interleaved; each figure is the median of the rounds
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "2000"))
# Issue 20: server CPU per request at most this many times hello world's, measured in the same run.
CPU_TARGETS = {
    "home page": 1.5,
    "verification": 1.5,
    "dashboard": 2.0,
    "unit page": 2.0,
    "quiz page": 8.0,
    "quiz submit": 10.0,
    "manager dashboard": 10.0,  # an organisation of 2,000 members
}
LEARNER_PAGES = ("dashboard", "unit page", "quiz page", "quiz submit")
MAX_QUERIES = 10
CERTIFICATE_CPU_MS = 15.0


def log(message: str) -> None:
    print(message, flush=True)


def bench_database_url() -> str:
    """A database of its own: never the developer's. PostgreSQL when DATABASE_URL is set, else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = OUT / "bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def private_redis() -> tuple[subprocess.Popen | None, str | None]:
    """A redis-server of the bench's own on a free port (its CPU is only the bench's), if one is installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None, None
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
        + ["--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return server, f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.1)
    server.kill()
    return None, None


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/10"
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or HOST, parts.port or 6379), timeout=2).close()
    except OSError:
        sys.exit(f"make bench needs Redis for the certificate workers; none answers at {url}")
    return url


def environment(database_url: str, redis: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{PORT}",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis,
        "VAR_DIR": str(VAR),
        "BENCH_HELLO_WORLD": "1",
        # Verification is rate-limited to 30 a minute per IP; the counter still runs, with room for the load.
        "VERIFY_RATE_LIMIT": "100000000/m",
        "EMAIL_HOST": "",
        "LOG_LEVEL": "WARNING",
    }


def wait_for_port(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, PORT), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(
    name: str, path: str, headers: dict[str, str] | None = None, script: str | None = None, offset: int = 0
) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "--timeout", "10s"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", script]
    command.append(f"http://{HOST}:{PORT}{path}")
    if script:
        command += ["--", "2", str(offset)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "name": name,
        "path": path,
        "rps": rps,
        "requests": requests,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def main() -> None:
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        log("Installing wrk (Debian package)...")
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if shutil.which("wrk") is None:
        sys.exit("make bench needs wrk: apt-get install wrk")
    redis_server, private_url = private_redis()
    try:
        run(private_url, redis_server.pid if redis_server else None)
    finally:
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=30)


def run(private_url: str | None, redis_pid: int | None) -> None:
    started = time.monotonic()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    database_url = bench_database_url()
    redis = private_url or redis_url()
    env = environment(database_url, redis)
    os.environ.update(env)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from bench.cpu import Sources, cpu_used
    from bench.queries import count_queries
    from bench.seed import seed

    log("Seeding: the full course, 2,000 learners, 500 issued certificates, an organisation of 2,000...")
    data = seed(OUT)
    log(f"  {data['learners']} learners, {data['issued']} certificates, {data['submits']} open attempts")
    reader = {"Cookie": data["reader_cookie"]}  # the reader of the GET pages
    manager = {"Cookie": data["manager_cookie"]}  # past the second step, of an organisation of 2,000
    plan = [
        ("hello world", "/bench/hello/", None, None),
        ("home page", "/", None, None),
        ("dashboard", "/courses/", reader, None),
        ("unit page", data["unit_path"], reader, None),
        ("quiz page", data["quiz_path"], reader, None),
        ("quiz submit", "/", None, str(ROOT / "bench" / "submit.lua")),
        ("verification", data["verify_path"], None, None),
        ("manager dashboard", data["manager_path"], manager, None),
    ]
    queries = count_queries(plan, data["count_rows"], HOST)
    connections.close_all()  # no backend of this process is counted as the server's

    gunicorn = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "elearning.wsgi",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{PORT}",
            "--config",
            str(ROOT / "bench" / "gunicorn_conf.py"),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    rounds: dict[str, list[dict]] = {name: [] for name, *_ in plan}
    sources = Sources(
        gunicorn_pid=gunicorn.pid, redis_pid=redis_pid if private_url else None, database_url=database_url
    )
    if not private_url:
        sources.notes.append("no redis-server of its own: Redis CPU not counted")
    try:
        wait_for_port(time.monotonic() + 30)
        os.environ["BENCH_SUBMITS"] = str(OUT / "submits.lua")
        submitted = 0
        for number in range(1, ROUNDS + 1):
            log(f"round {number} of {ROUNDS}")
            for name, path, headers, script in plan:
                if number == 1:
                    url = f"http://{HOST}:{PORT}{path}"
                    subprocess.run(["curl", "-s", "-o", "/dev/null", url], timeout=30, check=False)  # warm up
                before = sources.snapshot()
                result = wrk(name, path, headers, script, offset=submitted)
                used = cpu_used(before, sources.snapshot())
                if script:
                    submitted += result["requests"] + 100
                served = max(result["requests"], 1)
                result["cpu_ms"] = {group: round(ms / served, 3) for group, ms in used.items()}
                result["cpu_ms_per_request"] = round(sum(used.values()) / served, 3)
                rounds[name].append(result)
                log(
                    f"  {name:<17} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:.1f} ms  p99 "
                    f"{result['p99_ms']:.1f} ms  CPU {result['cpu_ms_per_request']:.2f} ms/request"
                )
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    results = [median_of(name, runs, queries.get(name)) for name, runs in rounds.items()]
    hello = results[0]
    for result in results:
        result["ratio_to_hello"] = round(result["rps"] / hello["rps"], 3) if hello["rps"] else 0.0
        result["cpu_x_hello"] = (
            round(result["cpu_ms_per_request"] / hello["cpu_ms_per_request"], 2)
            if hello["cpu_ms_per_request"]
            else 0.0
        )

    from bench.certificates import certificate_throughput

    certificates = certificate_throughput(
        env, python, redis_pid if private_url else None, root=ROOT, out=OUT, var=VAR, count=CERTIFICATES
    )

    from bench.analysis import print_result, seed_and_measure

    log("Item analysis: seeding 20,000 learners x 7 quizzes with SQL, then building the report...")
    item_analysis = seed_and_measure()
    from bench import manager

    log("Manager dashboard and CSV: seeding organisations of 2,000 and 50,000 members...")
    manager_dashboard = manager.seed_and_measure()
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
        },
        "connections": CONNECTIONS,
        "duration": DURATION,
        "rounds": ROUNDS,
        "cpu_notes": sources.notes,
        "pages": results,
        "certificates": certificates,
        "targets": check_targets(results, certificates),
        "item_analysis": item_analysis,
        "manager_dashboard": manager_dashboard,
        "seconds": round(time.monotonic() - started, 1),
    }
    print_table(report)
    print_result(item_analysis)
    manager.print_result(manager_dashboard)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path in (OUT / f"bench-{stamp}.json", OUT / "latest.json"):
        path.write_text(json.dumps(report, indent=2))
    log(f"\nJSON written to {OUT / 'latest.json'} ({report['seconds']} s in all)")


def median_of(name: str, runs: list[dict], queries: int | None) -> dict:
    """One page's figures: the median round by CPU per request, with the medians of req/s and latency."""

    def middle(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    by_cpu = sorted(runs, key=lambda r: r["cpu_ms_per_request"])[len(runs) // 2]
    return {
        "name": name,
        "path": runs[0]["path"],
        "rps": middle([r["rps"] for r in runs]),
        "p50_ms": middle([r["p50_ms"] for r in runs]),
        "p99_ms": middle([r["p99_ms"] for r in runs]),
        "cpu_ms_per_request": by_cpu["cpu_ms_per_request"],
        "cpu_ms": by_cpu["cpu_ms"],
        "queries": queries,
        "requests": sum(r["requests"] for r in runs),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
        "rounds": [
            {k: r[k] for k in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request", "requests")} for r in runs
        ],
    }


def check_targets(results: list[dict], certificates: dict) -> dict:
    by_name = {r["name"]: r for r in results}
    targets = {
        f"{name} CPU/request <= {bar:g}x hello world ({by_name[name]['cpu_x_hello']:.2f}x)": (
            0 < by_name[name]["cpu_x_hello"] <= bar
        )
        for name, bar in CPU_TARGETS.items()
    }
    for name in LEARNER_PAGES:
        queries = by_name[name]["queries"]
        met = queries is not None and 0 <= queries <= MAX_QUERIES
        targets[f"{name} <= {MAX_QUERIES} queries ({queries})"] = met
    for result in results:
        targets[f"{result['name']} p99 < 50 ms ({result['p99_ms']:.1f})"] = result["p99_ms"] < 50
    cpu = certificates["cpu_ms_per_certificate"]
    targets[f"certificate issue <= {CERTIFICATE_CPU_MS:g} ms CPU ({cpu:.1f})"] = cpu <= CERTIFICATE_CPU_MS
    targets["0 duplicate certificates, PDFs or emails"] = certificates["duplicates"] == 0
    targets["0 missing certificates (all issued)"] = certificates["not_issued"] == 0
    failed = sum(r["non_2xx_3xx"] for r in results)
    targets[f"0 failed requests (non-2xx/3xx or socket errors; {failed} seen)"] = failed == 0 and not any(
        r["socket_errors"] for r in results
    )
    return targets


def print_table(report: dict) -> None:
    machine = report["machine"]
    print(
        f"\nmake bench — {report['when']} — {machine['cpus']} CPUs, {machine['database']}, "
        f"{report['connections']} connections, {report['rounds']} rounds of {report['duration']} each "
        "(medians)\n"
    )
    print(
        f"{'page':<18}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms':>8}{'app':>7}{'db':>7}{'redis':>7}"
        f"{'x hello':>9}{'queries':>9}{'errors':>8}"
    )
    print("-" * 97)
    for r in report["pages"]:
        cpu = r["cpu_ms"]
        print(
            f"{r['name']:<18}{r['rps']:>8.0f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['cpu_ms_per_request']:>8.2f}"
            f"{cpu.get('workers', 0):>7.2f}{cpu.get('database', 0):>7.2f}{cpu.get('redis', 0):>7.2f}"
            f"{r['cpu_x_hello']:>9.2f}{'-' if r['queries'] is None else r['queries']:>9}{r['non_2xx_3xx']:>8}"
        )
    if report["cpu_notes"]:
        print("CPU notes: " + "; ".join(report["cpu_notes"]))
    c = report["certificates"]
    print(
        f"\ncertificates: {c['count']} issued by {c['workers']} workers in {c['drain_seconds']} s = "
        f"{c['ms_per_certificate']} ms each, {c['cpu_ms_per_certificate']} ms CPU each {c['cpu_ms']}; bare "
        f"render {c['bare_render_ms']} ms; duplicates {c['duplicates']}; not issued {c['not_issued']}"
    )
    print("\ntargets:")
    for name, met in report["targets"].items():
        print(f"  [{'met' if met else 'MISSED'}] {name}")


if __name__ == "__main__":
    main()
