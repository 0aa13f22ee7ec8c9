"""Item analysis at volume: 20,000 learners × 7 quizzes of the real course, seeded with SQL (PostgreSQL),
then the report built for every learner, first and all attempts, and for one organisation. Prints the time
and the number of queries, and fails if the count is not the pinned one (it does not grow with the data).

Runs inside `make bench` (bench/run.py, on the bench's own database) and on its own:
`DATABASE_URL=postgres://… .venv/bin/python bench/analysis.py` (it makes and drops `<name>_bench_analysis`).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARNERS = int(os.environ.get("BENCH_ANALYSIS_LEARNERS", "20000"))
PINNED_QUERIES = 9  # analysis.report.build: 5 content reads + 4 aggregate statements (tests pin the page)


def _seed_sql(course_id: int, prefix: str) -> list[str]:
    """Enrolments, visits, first attempts (5 answers each, ~70 % right) and a second attempt after a fail, for
    the prefixed learners only (inside `make bench` the database already holds the page bench's learners)."""
    learners = f"SELECT id FROM accounts_user WHERE email LIKE '{prefix}%'"
    return [
        f"""INSERT INTO courses_enrolment (learner_id, course_id, pathway_id, started_at, seconds_spent)
        SELECT u.id, {course_id}, p.id, now(), 0 FROM accounts_user u
        JOIN LATERAL (SELECT id FROM courses_pathway WHERE course_id = {course_id}
                      ORDER BY "order", id OFFSET (u.id % (SELECT COUNT(*) FROM courses_pathway
                      WHERE course_id = {course_id})) LIMIT 1) p ON true
        WHERE u.email LIKE '{prefix}%'""",
        f"""INSERT INTO courses_unitvisit (enrolment_id, unit_id, first_opened_at, last_opened_at,
        times_opened,
        seconds_spent)
        SELECT e.id, un.id, now(), now(), 1, 300 + (e.id * 7 + un.id) % 900 FROM courses_enrolment e
        JOIN courses_unit un ON un.course_id = e.course_id
        WHERE e.course_id = {course_id} AND e.learner_id IN ({learners})""",
        f"""INSERT INTO quizzes_attempt (public_id, enrolment_id, quiz_id, question_ids, seed, started_at,
        submitted_at, score, passed, is_practice, seconds_spent)
        SELECT gen_random_uuid(), e.id, q.id, '[]', 1, now(), now() - interval '10 days', 0, false, false,
        60 + (e.id + q.id) % 240
        FROM courses_enrolment e JOIN courses_unit un ON un.course_id = e.course_id
        JOIN quizzes_quiz q ON q.unit_id = un.id
        WHERE e.course_id = {course_id} AND e.learner_id IN ({learners})""",
        """CREATE TEMP TABLE bench_bank AS SELECT id, quiz_id,
        ROW_NUMBER() OVER (PARTITION BY quiz_id ORDER BY id) AS rn,
        COUNT(*) OVER (PARTITION BY quiz_id) AS cnt
        FROM quizzes_question WHERE is_active""",
        f"""INSERT INTO quizzes_answer (attempt_id, question_id, "order", response, score, is_correct,
        snapshot)
        SELECT a.id, b.id, k.k, jsonb_build_object('choice', c.key),
        CASE WHEN c.is_correct THEN 1 ELSE 0 END, c.is_correct, '{{}}'::jsonb
        FROM quizzes_attempt a JOIN courses_enrolment e ON e.id = a.enrolment_id
        CROSS JOIN generate_series(1, 5) AS k(k)
        JOIN bench_bank b ON b.quiz_id = a.quiz_id AND b.rn = 1 + ((a.id + k.k * 3) % b.cnt)
        JOIN LATERAL (SELECT key, is_correct FROM quizzes_choice ch WHERE ch.question_id = b.id
                      ORDER BY (ch.is_correct = ((a.id * 31 + b.id * 17) % 10 < 7)) DESC, ch.id
                      LIMIT 1) c ON true
        WHERE e.course_id = {course_id} AND e.learner_id IN ({learners})""",
        """UPDATE quizzes_attempt a SET score = s.score, passed = s.score >= 80
        FROM (SELECT attempt_id, (100 * SUM(score) / COUNT(*))::int AS score FROM quizzes_answer
              GROUP BY attempt_id) s WHERE s.attempt_id = a.id""",
        f"""INSERT INTO quizzes_attempt (public_id, enrolment_id, quiz_id, question_ids, seed, started_at,
        submitted_at, score, passed, is_practice, seconds_spent)
        SELECT gen_random_uuid(), a.enrolment_id, a.quiz_id, '[]', 2, now(), now() - interval '9 days', 100,
        true, false, 90 FROM quizzes_attempt a JOIN courses_enrolment e ON e.id = a.enrolment_id
        WHERE NOT a.passed AND e.course_id = {course_id} AND e.learner_id IN ({learners})""",
        "ANALYZE",
    ]


def seed_and_measure() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from analysis import report, stats
    from courses.loading import load_courses
    from courses.models import Course
    from organisations.models import Membership, Organisation
    from quizzes.models import Answer, Attempt

    if connection.vendor != "postgresql":
        return {"skipped": "the item-analysis bench seeds with PostgreSQL SQL; set DATABASE_URL"}
    load_courses()
    course = Course.objects.get(slug="cse-awareness")
    prefix = "analysis-bench-"
    started = time.monotonic()
    User.objects.bulk_create(
        (
            User(email=f"{prefix}{n}@bench.invalid", certificate_name=f"Learner {n}", password="!")  # noqa: S106 (unusable)
            for n in range(LEARNERS)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        for statement in _seed_sql(course.pk, prefix):
            cursor.execute(statement)
    organisation = Organisation.objects.create(name="Bench council", kind=Organisation.Kind.LICENSING)
    Membership.objects.bulk_create(
        Membership(
            organisation=organisation, user_id=uid, email=f"m{uid}@bench.invalid", joined_at=timezone.now()
        )
        for uid in User.objects.filter(email__startswith=prefix).values_list("id", flat=True)[:1000]
    )
    seeded = time.monotonic() - started
    result = {
        "learners": LEARNERS,
        "quizzes": course.units.filter(quiz__isnull=False).count(),
        "attempts": Attempt.objects.filter(quiz__unit__course=course).count(),
        "answers": Answer.objects.filter(attempt__quiz__unit__course=course).count(),
        "seed_seconds": round(seeded, 1),
        "runs": {},
    }
    members = Membership.objects.filter(organisation=organisation).values("user_id")
    for name, scope in [
        ("every learner, first attempts", stats.Scope(course=course)),
        ("every learner, all attempts", stats.Scope(course=course, all_attempts=True)),
        ("one organisation (1,000 members)", stats.Scope(course=course, learner_ids=members)),
    ]:
        report.build(scope)  # warm the content types cache and the database's buffers
        with CaptureQueriesContext(connection) as queries:
            begin = time.monotonic()
            built = report.build(scope)
            seconds = time.monotonic() - begin
        result["runs"][name] = {"seconds": round(seconds, 2), "queries": len(queries)}
        if len(queries) != PINNED_QUERIES:
            raise SystemExit(f"item analysis ({name}): {len(queries)} queries, pinned at {PINNED_QUERIES}")
        assert built.items, "the report has no questions"
        if name.startswith("every learner, first"):
            for part in ("item_sums", "option_counts", "unit_sums", "tag_sums"):
                begin = time.monotonic()
                getattr(stats, part)(scope)
                result["runs"][name][part] = round(time.monotonic() - begin, 2)
    from analysis import precompute

    precompute.warm_every_learner_reports()
    begin = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        precompute.report_for(stats.Scope(course=course))
    result["cached_read"] = {"seconds": round(time.monotonic() - begin, 3), "queries": len(queries)}
    return result


def print_result(result: dict) -> None:
    if "skipped" in result:
        print(f"Item analysis: skipped ({result['skipped']})")
        return
    print(
        f"Item analysis: {result['learners']:,} learners × {result['quizzes']} quizzes, "
        f"{result['attempts']:,} attempts, {result['answers']:,} answers "
        f"(seeded in {result['seed_seconds']} s)"
    )
    for name, run in result["runs"].items():
        parts = ", ".join(f"{k} {v} s" for k, v in run.items() if k not in ("seconds", "queries"))
        print(
            f"  {name:<36} {run['seconds']:>6.2f} s  {run['queries']} queries"
            + (f" ({parts})" if parts else "")
        )
    if "cached_read" in result:
        cached = result["cached_read"]
        label = "pre-aggregated (nightly), cached read"
        print(f"  {label:<36} {cached['seconds']:>6.3f} s  {cached['queries']} queries")


def main() -> None:
    sys.path.insert(0, str(ROOT))  # run as a script: the project's packages, bench's included
    from bench.scratch import run_on_own_database

    run_on_own_database(
        "bench/analysis.py",
        "bench_analysis",
        lambda: print_result(seed_and_measure()),
        keep=bool(os.environ.get("BENCH_ANALYSIS_KEEP")),
        reuse=False,
    )


if __name__ == "__main__":
    main()
