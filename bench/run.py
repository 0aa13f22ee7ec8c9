"""`make bench`: measured speed on loopback, each page as a ratio to a hello-world view on the same server.

Seeds a realistic data set, starts gunicorn (2 workers, production settings), loads each page with wrk at 20
connections, then times 2,000 certificate issues through Redis and 2 Celery worker processes against the bare
PDF render. Prints a table and writes JSON to var/bench/. Loopback only; every loop is bounded.
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
DURATION = os.environ.get("BENCH_DURATION", "10s")
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "2000"))
TARGETS = {"unit page": 0.5, "dashboard": 0.5, "quiz submit": 0.3}


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


def wrk(name: str, path: str, headers: dict[str, str] | None = None, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "--timeout", "10s"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", script]
    command.append(f"http://{HOST}:{PORT}{path}")
    if script:
        command += ["--", "2"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "name": name,
        "path": path,
        "rps": rps,
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
    started = time.monotonic()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    database_url = bench_database_url()
    redis = redis_url()
    env = environment(database_url, redis)
    os.environ.update(env)
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.seed import seed

    log("Seeding: the full course, 2,000 learners, 500 issued certificates...")
    data = seed(OUT)
    log(f"  {data['learners']} learners, {data['issued']} certificates, {data['submits']} open attempts")

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
    results: list[dict] = []
    try:
        wait_for_port(time.monotonic() + 30)
        reader = {"Cookie": data["reader_cookie"]}
        plan = [
            ("hello world", "/bench/hello/", None, None),
            ("home page", "/", None, None),
            ("dashboard", "/courses/", reader, None),
            ("unit page", data["unit_path"], reader, None),
            ("quiz page", data["quiz_path"], reader, None),
            ("quiz submit", "/", None, str(ROOT / "bench" / "submit.lua")),
            ("verification", data["verify_path"], None, None),
        ]
        os.environ["BENCH_SUBMITS"] = str(OUT / "submits.lua")
        for name, path, headers, script in plan:
            subprocess.run(
                ["curl", "-s", "-o", "/dev/null", f"http://{HOST}:{PORT}{path}"], timeout=30, check=False
            )  # warm the workers' caches
            result = wrk(name, path, headers, script)
            results.append(result)
            log(
                f"  {name:<14} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:.1f} ms  p99 "
                f"{result['p99_ms']:.1f} ms"
            )
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    hello = results[0]["rps"]
    for result in results:
        result["ratio_to_hello"] = round(result["rps"] / hello, 3) if hello else 0.0

    certificates = certificate_throughput(env, python)
    from bench.analysis import print_result, seed_and_measure

    log("Item analysis: seeding 20,000 learners x 7 quizzes with SQL, then building the report...")
    item_analysis = seed_and_measure()
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
        "pages": results,
        "certificates": certificates,
        "targets": check_targets(results, certificates),
        "item_analysis": item_analysis,
        "seconds": round(time.monotonic() - started, 1),
    }
    print_table(report)
    print_result(item_analysis)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path in (OUT / f"bench-{stamp}.json", OUT / "latest.json"):
        path.write_text(json.dumps(report, indent=2))
    log(f"\nJSON written to {OUT / 'latest.json'} ({report['seconds']} s in all)")


def certificate_throughput(env: dict, python: str) -> dict:
    """Queue N issues on Redis, drain them with 2 worker processes; compare with a bare in-process render."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf
    from certificates.services import add_months, new_code, verification_url
    from certificates.tasks import certificate_issue_task
    from courses.models import Course, Pathway
    from elearning.celery import app

    course = Course.objects.get(slug="cse-awareness")
    pathway = Pathway.objects.filter(course=course).first()
    learners = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk")[:CERTIFICATES])
    today = timezone.localdate()
    batch = Certificate.objects.bulk_create(
        [
            Certificate(
                code=new_code(),
                learner=learner,
                course=course,
                pathway=pathway,
                content_version=course.version,
                holder_name=learner.certificate_name,
                course_title=course.title,
                pathway_title=pathway.title,
                cpd_minutes=course.cpd_minutes,
                issued_on=today,
                expires_on=add_months(today, 36),
            )
            for learner in learners
        ]
    )
    ids = [c.pk for c in batch]

    sample = batch[:50]
    start = time.perf_counter()
    for certificate in sample:
        render_certificate_pdf(certificate, verification_url=verification_url(certificate))
    bare_ms = (time.perf_counter() - start) * 1000 / len(sample)

    app.control.purge()
    worker_log = (OUT / "workers.log").open("w")
    workers = [
        subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "elearning",
                "worker",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{n}@%h",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]
    try:
        time.sleep(5)  # let both workers connect before the clock starts
        start = time.perf_counter()
        for certificate_id in ids:
            certificate_issue_task.delay(certificate_id)
        enqueue_s = time.perf_counter() - start
        deadline = time.monotonic() + 420
        pending = len(ids)
        while pending and time.monotonic() < deadline:
            time.sleep(0.25)
            pending = Certificate.objects.filter(pk__in=ids).exclude(status=Certificate.Status.ISSUED).count()
        drain_s = time.perf_counter() - start
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        worker_log.close()

    issued = Certificate.objects.filter(pk__in=ids, status=Certificate.Status.ISSUED).count()
    duplicate_codes = Certificate.objects.values("code").annotate(n=Count("pk")).filter(n__gt=1).count()
    pdfs = len(list((VAR / "media" / "certificates").glob("*.pdf")))
    mail_dir = VAR / "mail"
    emails = (
        sum(f.read_text(errors="replace").count('filename="certificate-') for f in mail_dir.glob("*.log"))
        if mail_dir.exists()
        else 0
    )
    per_certificate_ms = drain_s * 1000 / len(ids)
    return {
        "count": len(ids),
        "workers": 2,
        "enqueue_seconds": round(enqueue_s, 2),
        "drain_seconds": round(drain_s, 2),
        "ms_per_certificate": round(per_certificate_ms, 1),
        "bare_render_ms": round(bare_ms, 1),
        "ratio_to_bare_render": round(per_certificate_ms / bare_ms, 2),
        "issued": issued,
        "not_issued": len(ids) - issued,
        "pdf_files": pdfs,
        "emails": emails,
        "duplicates": (pdfs - issued if pdfs > issued else 0)
        + (emails - issued if emails > issued else 0)
        + duplicate_codes,
    }


def check_targets(results: list[dict], certificates: dict) -> dict:
    by_name = {r["name"]: r for r in results}
    targets = {
        f"{name} >= {int(share * 100)}% of hello world": by_name[name]["ratio_to_hello"] >= share
        for name, share in TARGETS.items()
    }
    for result in results:
        targets[f"{result['name']} p99 < 50 ms"] = result["p99_ms"] < 50
    targets["certificate <= 3x bare render"] = certificates["ratio_to_bare_render"] <= 3
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
        f"{report['connections']} connections, {report['duration']} each\n"
    )
    print(f"{'page':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'x hello':>10}{'errors':>9}")
    print("-" * 65)
    for r in report["pages"]:
        print(
            f"{r['name']:<16}{r['rps']:>10.1f}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}"
            f"{r['ratio_to_hello']:>10.2f}{r['non_2xx_3xx']:>9}"
        )
    c = report["certificates"]
    print(
        f"\ncertificates: {c['count']} issued by {c['workers']} workers in {c['drain_seconds']} s = "
        f"{c['ms_per_certificate']} ms each; bare render {c['bare_render_ms']} ms "
        f"({c['ratio_to_bare_render']}x); duplicates {c['duplicates']}; not issued {c['not_issued']}"
    )
    print("\ntargets:")
    for name, met in report["targets"].items():
        print(f"  [{'met' if met else 'MISSED'}] {name}")


if __name__ == "__main__":
    main()
