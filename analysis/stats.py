"""The item analysis, computed by SQL aggregates: no loop over attempts or answers in Python.

Every query starts from one scoped set of submitted, non-practice attempts (built with the ORM, so filters
read like the rest of the code), ranked per enrolment and quiz so "first attempt" is the learner's real first
attempt even when a date range cuts the window. Each statistic comes back as sums per group (question ×
pathway, option × pathway, unit × pathway, tag × pathway); suppression (analysis.suppression) is applied to
those rows afterwards.

Discrimination is the corrected point-biserial correlation of an item with the rest of its attempt: x is the
item (1 right, 0 not), y the number of the attempt's other questions answered right. With n, Σx, Σy, Σxy,
Σx², Σy² from SQL, r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)).

The statements are put together from fixed fragments and the ORM's own compiled SQL; every value (ids,
dates) goes in as a query parameter, never into the text (hence the S608/B608 markers).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, QuerySet

from courses.models import Course, CourseRelease
from quizzes.models import Attempt


@dataclass(frozen=True)
class Scope:
    """Whose attempts a report reads. learner_ids: a queryset of user ids (an organisation's members), or
    None for every learner."""

    course: Course
    pathway_id: int | None = None
    learner_ids: QuerySet | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    version_major: int | None = None
    all_attempts: bool = False


def version_window(course: Course, major: int) -> tuple[dt.date | None, dt.date | None]:
    """The dates a major version was current: from its release to the day before the next one."""
    releases = dict(CourseRelease.objects.filter(course=course).values_list("major", "released_on"))
    start = releases.get(major)
    later = sorted(day for m, day in releases.items() if m > major)
    end = later[0] - dt.timedelta(days=1) if later else None
    return start, end


def _window(scope: Scope) -> tuple[dt.datetime | None, dt.datetime | None]:
    since, until = scope.since, scope.until
    if scope.version_major is not None:
        start, end = version_window(scope.course, scope.version_major)
        since = max(d for d in (since, start) if d) if (since or start) else None
        until = min(d for d in (until, end) if d) if (until or end) else None
        if start is None:  # no such release: nothing matches
            return dt.datetime.max.replace(tzinfo=dt.UTC), None
    begin = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC) if since else None
    finish = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC) if until else None
    return begin, finish


def _scoped_sql(scope: Scope) -> tuple[str, list]:
    """SQL for the scope's attempts with `rn` (1 = the enrolment's first attempt at the quiz) and the date
    window applied after ranking."""
    qs = Attempt.objects.filter(
        quiz__unit__course=scope.course, submitted_at__isnull=False, is_practice=False
    )
    if scope.pathway_id is not None:
        qs = qs.filter(enrolment__pathway_id=scope.pathway_id)
    if scope.learner_ids is not None:
        qs = qs.filter(enrolment__learner_id__in=scope.learner_ids)
    qs = qs.order_by().values(
        "id",
        "enrolment_id",
        "quiz_id",
        "submitted_at",
        "passed",
        "seconds_spent",
        pathway=F("enrolment__pathway_id"),
        learner=F("enrolment__learner_id"),
        unit=F("quiz__unit_id"),
    )
    base_sql, params = qs.query.sql_with_params()
    begin, finish = _window(scope)
    conditions = []
    if not scope.all_attempts:
        conditions.append("rn = 1")
    if begin is not None:
        conditions.append("submitted_at >= %s")
        params = (*params, begin)
    if finish is not None:
        conditions.append("submitted_at < %s")
        params = (*params, finish)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        "SELECT * FROM (SELECT b.*, ROW_NUMBER() OVER (PARTITION BY enrolment_id, quiz_id "  # noqa: S608  # nosec B608
        f"ORDER BY submitted_at, id) AS rn FROM ({base_sql}) b) ranked {where}"
    )
    return sql, list(params)


def _m() -> str:
    """CTEs computed once: the planner cannot estimate their rows and would otherwise re-run a window per
    group (PostgreSQL 12+, SQLite 3.35+)."""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def _rows(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _answers_cte(scope: Scope) -> tuple[str, list]:
    scoped, params = _scoped_sql(scope)
    sql = (
        f"WITH s AS {_m()}({scoped}), "  # noqa: S608  # nosec B608
        f"ans AS {_m()}(SELECT an.attempt_id, an.question_id, s.pathway, s.learner, "
        "CASE WHEN an.is_correct THEN 1 ELSE 0 END AS x, an.response "
        "FROM quizzes_answer an JOIN s ON s.id = an.attempt_id WHERE an.question_id IS NOT NULL), "
        f"tot AS {_m()}(SELECT attempt_id, SUM(x) AS total FROM ans GROUP BY attempt_id) "
    )
    return sql, params


def item_sums(scope: Scope) -> list[dict]:
    """Per (question, pathway): learners, answers, and the sums for facility and discrimination."""
    cte, params = _answers_cte(scope)
    sql = (
        cte + "SELECT ans.question_id AS question, ans.pathway AS pathway, "  # nosec B608
        "COUNT(DISTINCT ans.learner) AS learners, COUNT(*) AS n, SUM(ans.x) AS sx, "
        "SUM(tot.total - ans.x) AS sy, SUM(ans.x * (tot.total - ans.x)) AS sxy, SUM(ans.x * ans.x) AS sxx, "
        "SUM((tot.total - ans.x) * (tot.total - ans.x)) AS syy "
        "FROM ans JOIN tot ON tot.attempt_id = ans.attempt_id GROUP BY ans.question_id, ans.pathway"
    )
    return _rows(sql, params)


def _picked_sql() -> str:
    """True when an answer's response picked the joined option (single: choice; multiple: in choices)."""
    if connection.vendor == "postgresql":
        return (
            "(ans.response::jsonb ->> 'choice' = c.key "
            "OR COALESCE(ans.response::jsonb -> 'choices', '[]'::jsonb) ? c.key)"
        )
    return (
        "(json_extract(ans.response, '$.choice') = c.key OR EXISTS (SELECT 1 FROM "
        "json_each(COALESCE(json_extract(ans.response, '$.choices'), '[]')) j WHERE j.value = c.key))"
    )


def option_counts(scope: Scope) -> list[dict]:
    """Per (option, pathway) of single-choice and multiple-response questions: how many answers picked it."""
    cte, params = _answers_cte(scope)
    sql = (
        cte + "SELECT c.id AS choice, ans.pathway AS pathway, "  # noqa: S608  # nosec B608
        f"SUM(CASE WHEN {_picked_sql()} THEN 1 ELSE 0 END) AS picked "
        "FROM ans JOIN quizzes_choice c ON c.question_id = ans.question_id "
        "JOIN quizzes_question q ON q.id = ans.question_id "
        "WHERE q.polymorphic_ctype_id IN (%s, %s) GROUP BY c.id, ans.pathway"
    )
    from django.contrib.contenttypes.models import ContentType

    from quizzes.models import MultipleResponseQuestion, SingleChoiceQuestion

    types = ContentType.objects.get_for_models(SingleChoiceQuestion, MultipleResponseQuestion)
    return _rows(sql, [*params, types[SingleChoiceQuestion].pk, types[MultipleResponseQuestion].pk])


def _tags_sql() -> str:
    if connection.vendor == "postgresql":
        return "jsonb_array_elements_text(q.tags::jsonb) AS t(tag)"
    return "json_each(q.tags) AS t"


def tag_sums(scope: Scope) -> list[dict]:
    """Per (topic tag, pathway): learners, answers and right answers over every question with the tag."""
    cte, params = _answers_cte(scope)
    tag = "t.tag" if connection.vendor == "postgresql" else "t.value"
    sql = (
        cte + f"SELECT {tag} AS tag, ans.pathway AS pathway, COUNT(DISTINCT ans.learner) AS learners, "  # noqa: S608  # nosec B608
        "COUNT(*) AS n, SUM(ans.x) AS sx "
        f"FROM ans JOIN quizzes_question q ON q.id = ans.question_id, {_tags_sql()} "
        f"GROUP BY {tag}, ans.pathway"
    )
    return _rows(sql, params)


def _median(value_sql: str, source: str) -> str:
    """Median of value per (unit, pathway) with window functions (PostgreSQL and SQLite alike)."""
    return (
        f"SELECT unit, pathway, AVG(v) AS median FROM (SELECT unit, pathway, {value_sql} AS v, "  # noqa: S608  # nosec B608
        f"ROW_NUMBER() OVER (PARTITION BY unit, pathway ORDER BY {value_sql}) AS k, "
        f"COUNT(*) OVER (PARTITION BY unit, pathway) AS m FROM {source}) o "
        "WHERE k IN ((m + 1) / 2, (m + 2) / 2) GROUP BY unit, pathway"
    )


def unit_sums(scope: Scope) -> list[dict]:
    """Per (unit, pathway): learners with a first attempt, how many passed it, the median number of attempts
    to pass (of those who passed) and the median time (seconds on the unit page plus its quiz attempts)."""
    first_scope = Scope(**{**scope.__dict__, "all_attempts": False})
    all_scope = Scope(
        **{**scope.__dict__, "all_attempts": True, "since": None, "until": None, "version_major": None}
    )
    first_sql, first_params = _scoped_sql(first_scope)
    all_sql, all_params = _scoped_sql(all_scope)
    # For each first attempt in the window: the enrolment's attempts up to its first pass, and the time.
    sql = (
        f"WITH f AS {_m()}({first_sql}), a AS {_m()}({all_sql}), "  # noqa: S608  # nosec B608
        f"per AS {_m()}(SELECT enrolment_id, quiz_id, MIN(CASE WHEN passed THEN rn END) AS to_pass, "
        "SUM(seconds_spent) AS quiz_seconds FROM a GROUP BY enrolment_id, quiz_id), "
        f"tries AS {_m()}(SELECT f.unit, f.pathway, f.enrolment_id, f.learner, "
        "CASE WHEN f.passed THEN 1 ELSE 0 END AS first_passed, per.to_pass, "
        "COALESCE(v.seconds_spent, 0) + per.quiz_seconds AS seconds FROM f "
        "JOIN per ON per.enrolment_id = f.enrolment_id AND per.quiz_id = f.quiz_id "
        "LEFT JOIN courses_unitvisit v ON v.enrolment_id = f.enrolment_id AND v.unit_id = f.unit), "
        f"passed AS {_m()}(SELECT * FROM tries WHERE to_pass IS NOT NULL), "
        f"mt AS {_m()}({_median('to_pass', 'passed')}), ms AS {_m()}({_median('seconds', 'tries')}), "
        f"g AS {_m()}(SELECT unit, pathway, COUNT(DISTINCT learner) AS learners, COUNT(*) AS n, "
        "SUM(first_passed) AS first_passed FROM tries GROUP BY unit, pathway) "
        "SELECT g.unit, g.pathway, g.learners, g.n, g.first_passed, mt.median AS median_tries, "
        "ms.median AS median_seconds FROM g "
        "LEFT JOIN mt ON mt.unit = g.unit AND mt.pathway = g.pathway "
        "LEFT JOIN ms ON ms.unit = g.unit AND ms.pathway = g.pathway"
    )
    return _rows(sql, [*first_params, *all_params])


def discrimination(n: int, sx: float, sy: float, sxy: float, sxx: float, syy: float) -> float | None:
    """The corrected point-biserial correlation from the sums; None when x or y does not vary."""
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if n < 2 or var_x <= 0 or var_y <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)
