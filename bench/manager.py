"""The managers' dashboard and CSV at volume (issue 20): organisations of 2,000 and 50,000 members with
realistic histories (invitations, several enrolments each, units done, certificates issued, revoked, expired,
expiring, pending, on two course versions), seeded with bulk_create on PostgreSQL. For each organisation it
prints the dashboard's queries (status counts, page count, page rows, also filtered by status) with their
PostgreSQL execution time from EXPLAIN ANALYZE, and the CSV's database time, wall time and peak Python memory.

Runs on its own: `DATABASE_URL=postgres://… .venv/bin/python bench/manager.py` (it makes
`<name>_bench_manager`, and drops it unless BENCH_MANAGER_KEEP=1, which also reuses an already seeded one).
Inside `make bench`, `seed_and_measure()` runs on the bench's own database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(n) for n in os.environ.get("BENCH_MANAGER_SIZES", "2000,50000").split(",")]
TARGET_DASHBOARD_MS = 50.0
TARGET_CSV_MS = 1000.0
PREFIX = "manager-bench"


def _seed_organisation(size: int, rng: random.Random) -> int:
    """One organisation of `size` members; returns its id."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate
    from certificates.services import add_months, new_code
    from courses.models import Course, Enrolment, UnitProgress
    from organisations.models import Invitation, Membership, Organisation

    course = Course.objects.get(slug="cse-awareness")
    pathways = list(course.pathways.order_by("order", "id"))
    units = list(course.units.order_by("order"))
    today = timezone.localdate()
    now = timezone.now()
    tag = f"{PREFIX}-{size}"
    organisation = Organisation.objects.create(name=f"Bench {size}", kind=Organisation.Kind.LICENSING)
    invited = [rng.random() < 0.08 for _ in range(size)]
    users = User.objects.bulk_create(
        (
            User(
                email=f"{tag}-{n}@bench.invalid",
                certificate_name=f"Learner {rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}{n:06d}",
                licence_number=f"PH{n:06d}",
                password="!",  # noqa: S106 - unusable
            )
            for n in range(size)
            if not invited[n]
        ),
        batch_size=5000,
    )
    members = Membership.objects.bulk_create(
        [
            Membership(organisation=organisation, email=f"{tag}-inv-{n}@bench.invalid", invited_at=now)
            for n in range(size)
            if invited[n]
        ]
        + [Membership(organisation=organisation, user=u, email=u.email, joined_at=now) for u in users],
        batch_size=5000,
    )
    Invitation.objects.bulk_create(
        (
            Invitation(
                organisation=organisation,
                kind=Invitation.Kind.EMAIL,
                key=f"{tag}-{m.pk}",
                email=m.email,
                membership=m,
                pathway=rng.choice(pathways),
                expires_at=now + dt.timedelta(days=14),
            )
            for m in members
            if rng.random() < 0.6
        ),
        batch_size=5000,
    )
    enrolments: list[Enrolment] = []
    history: list[tuple[int, bool, int]] = []  # (days ago it started, completed, units done)
    for user in users:
        if rng.random() < 0.15:
            continue  # not started
        count = rng.choice((1, 1, 1, 2, 2, 3))
        for k in range(count):
            latest = k == count - 1
            completed = not latest or rng.random() < 0.65
            done = len(units) if completed else rng.randint(0, len(units) - 1)
            pathway = rng.choice(pathways)
            enrolments.append(
                Enrolment(
                    learner=user,
                    course=course,
                    pathway=pathway,
                    completed_at=now if completed else None,
                    content_version=1 if completed else None,
                    seconds_spent=rng.randint(0, 6000),
                )
            )
            history.append(((count - k) * 400 + rng.randint(0, 300), completed, done))
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    with connection.cursor() as cursor:  # auto_now_add set started_at to now: spread the history out
        cursor.executemany(
            "UPDATE courses_enrolment SET started_at = %s, completed_at = %s WHERE id = %s",
            [
                (
                    now - dt.timedelta(days=days),
                    (now - dt.timedelta(days=days - 5)) if completed else None,
                    e.pk,
                )
                for e, (days, completed, _) in zip(enrolments, history, strict=True)
            ],
        )
    UnitProgress.objects.bulk_create(
        (
            UnitProgress(enrolment=e, unit=unit, completed_at=now)
            for e, (_, _, done) in zip(enrolments, history, strict=True)
            for unit in units[:done]
        ),
        batch_size=10000,
    )
    statuses = [Certificate.Status.ISSUED] * 90 + [Certificate.Status.REVOKED] * 4
    statuses += [Certificate.Status.PENDING] * 4 + [Certificate.Status.FAILED] * 2
    Certificate.objects.bulk_create(
        (
            Certificate(
                code=new_code(),
                enrolment=e,
                learner_id=e.learner_id,
                course=course,
                pathway=e.pathway,
                content_version=1,
                version_major=rng.choice((1, course.version_major)),
                holder_name="Bench",
                course_title=course.title,
                pathway_title=e.pathway.title,
                cpd_minutes=60,
                issued_on=(issued := today - dt.timedelta(days=days - 5)),
                expires_on=add_months(issued, course.validity_months),
                status=rng.choice(statuses),
            )
            for e, (days, completed, _) in zip(enrolments, history, strict=True)
            if completed and rng.random() < 0.9
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:  # as autovacuum would leave them: statistics and visibility map
        cursor.execute(
            "VACUUM ANALYZE accounts_user, organisations_membership, organisations_invitation, "
            "courses_enrolment, courses_unitprogress, certificates_certificate"
        )
    return organisation.pk


def _explain_ms(sql: str) -> tuple[float, bool]:
    """PostgreSQL's execution plus planning time for one statement, and whether JIT compiled it (without
    per-node timing, whose clock reads would add more than they measure)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return plan["Execution Time"] + plan["Planning Time"], "JIT" in plan


def _queries_ms(captured) -> dict:
    rows = []
    for query in captured:
        sql = query["sql"].strip()
        if sql.upper().startswith("DECLARE"):  # a server-side cursor (the CSV): its query follows FOR
            sql = sql.split(" FOR ", 1)[1]
        if not sql.upper().startswith(("SELECT", "WITH")):
            continue
        ms, jit = _explain_ms(sql)
        rows.append({"ms": round(ms, 1), "jit": jit, "sql": sql[:90]})
    return {"db_ms": round(sum(r["ms"] for r in rows), 1), "queries": len(captured), "each": rows}


def _dashboard(organisation, **filters) -> dict:
    """The dashboard view's reads: the filtered page with its count, and the status counts."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisations import selectors

    with CaptureQueriesContext(connection) as captured:
        begin = time.monotonic()
        page = Paginator(selectors.member_list(organisation=organisation, **filters), 50).get_page(1)
        rows = [(m.user.certificate_name if m.user else m.email, m.status, m.progress_percent) for m in page]
        selectors.member_status_counts(organisation=organisation)
        wall = (time.monotonic() - begin) * 1000
    result = _queries_ms(captured.captured_queries)
    result.update(wall_ms=round(wall, 1), rows=len(rows))
    return result


def _a_pathway_id() -> int:
    from courses.models import Pathway

    return (
        Pathway.objects.filter(course__slug="cse-awareness")
        .order_by("order", "id")
        .values_list("pk", flat=True)[0]
    )


def _csv(organisation) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisations import selectors, spreadsheet

    def consume() -> int:
        if hasattr(selectors, "member_rows_for_export"):  # since issue 20's grouped query
            members = selectors.member_rows_for_export(organisation=organisation)
        else:
            members = selectors.member_list(organisation=organisation)
        return sum(1 for _ in spreadsheet.member_rows(members, licensing=True))

    with CaptureQueriesContext(connection) as captured:
        begin = time.monotonic()
        lines = consume()
        wall = (time.monotonic() - begin) * 1000
    result = _queries_ms(captured.captured_queries)
    tracemalloc.start()
    consume()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result.update(wall_ms=round(wall, 1), lines=lines, peak_kib=round(peak / 1024))
    return result


def seed_and_measure() -> dict:
    from django.db import connection

    from courses.loading import load_courses
    from organisations.models import Organisation

    if connection.vendor != "postgresql":
        return {"skipped": "the manager bench measures PostgreSQL time; set DATABASE_URL"}
    rng = random.Random(20)  # noqa: S311 - reproducible data, not secrets
    result: dict = {"sizes": {}}
    for size in SIZES:
        existing = Organisation.objects.filter(name=f"Bench {size}").first()
        if existing is None:
            load_courses()
            began = time.monotonic()
            organisation_id = _seed_organisation(size, rng)
            seeded = round(time.monotonic() - began, 1)
        else:
            organisation_id, seeded = existing.pk, None
        organisation = Organisation.objects.get(pk=organisation_id)
        _dashboard(organisation)  # warm the buffers
        result["sizes"][size] = {
            "seed_seconds": seeded,
            "dashboard": _dashboard(organisation),
            "dashboard, status expiring": _dashboard(organisation, status="expiring"),
            "dashboard, pathway": _dashboard(organisation, pathway_id=_a_pathway_id()),
            "csv": _csv(organisation),
        }
    return result


def print_result(result: dict) -> None:
    if "skipped" in result:
        print(f"Manager dashboard: skipped ({result['skipped']})")
        return
    for size, runs in result["sizes"].items():
        print(f"Manager dashboard and CSV, {size:,} members (seeded in {runs['seed_seconds']} s):")
        for name, run in runs.items():
            if name == "seed_seconds":
                continue
            target = TARGET_CSV_MS if name == "csv" else TARGET_DASHBOARD_MS
            met = "met" if run["db_ms"] <= target else "MISSED"
            extra = f", peak {run['peak_kib']} KiB" if "peak_kib" in run else ""
            print(
                f"  {name:<28} PostgreSQL {run['db_ms']:>8.1f} ms (<= {target:g}: {met}), "
                f"wall {run['wall_ms']:>8.1f} ms, {run['queries']} queries{extra}"
            )
            for query in run["each"]:
                print(f"      {query['ms']:>8.1f} ms{' JIT' if query['jit'] else ''}  {query['sql']}")


def main() -> None:
    sys.path.insert(0, str(ROOT))  # run as a script: the project's packages, bench's included
    from bench.scratch import run_on_own_database

    keep = bool(os.environ.get("BENCH_MANAGER_KEEP"))  # also reuses an already seeded database
    run_on_own_database(
        "bench/manager.py", "bench_manager", lambda: print_result(seed_and_measure()), keep=keep, reuse=keep
    )


if __name__ == "__main__":
    main()
