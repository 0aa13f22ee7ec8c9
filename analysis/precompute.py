"""Pre-aggregation: built reports kept in the cache for a day, and a nightly task that builds the reports
every learner's scope reads (staff and commissioners, per course, first and all attempts), so those pages
read one cache entry instead of scanning every attempt (about 40 s at 20,000 learners × 7 quizzes on the
shared 2-core machine; see README "Speed"). Filtered views (dates, versions, one organisation) are built on
demand and cached the same way. The page says when the figures were computed."""

from __future__ import annotations

import dataclasses
import hashlib

from django.core.cache import cache
from django.utils import timezone

from courses.models import Course

from . import report, stats

TIMEOUT = 26 * 60 * 60  # a day and a bit: the nightly run replaces entries before they expire
VERSION = 1  # raise when Report changes shape


def _key(scope: stats.Scope, learners: str) -> str:
    parts = [
        scope.course.pk,
        scope.course.version,
        scope.since,
        scope.until,
        scope.version_major,
        scope.all_attempts,
        learners,
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"analysis:report:{VERSION}:{digest}"


def report_for(
    scope: stats.Scope, *, learners: str = "all", pathway_id: int | None = None, refresh: bool = False
) -> report.Report:
    """The report (all audiences, suppressed), from the cache when there, then narrowed to one audience.
    `learners` names the learner scope in the key ("all", or "organisation:<id>")."""
    key = _key(scope, learners)
    built = None if refresh else cache.get(key)
    if built is None:
        built = report.build(scope)
        built.computed_at = timezone.now()
        cache.set(key, built, TIMEOUT)
    if pathway_id is None:
        return built
    return dataclasses.replace(built, pathways=[p for p in built.pathways if p.pk == pathway_id])


def warm_every_learner_reports() -> int:
    """Build and cache the unfiltered every-learner reports of each published course. Returns how many."""
    count = 0
    for course in Course.objects.filter(is_published=True):
        for all_attempts in (False, True):
            report_for(stats.Scope(course=course, all_attempts=all_attempts), refresh=True)
            count += 1
    return count
