"""Assessment rules: which questions an attempt draws from the pathway's bank, and how many attempts are left
before a cooling-off lock (README, "Assessment rules")."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext

from courses.models import Enrolment

from .models import Attempt, LockReset, Quiz
from .selectors import (
    _unit_done,
    enrolment_attempts,
    quiz_for_unit_slug,
)

# A quiz left open for hours is not time on task: one attempt counts at most this long.
QUIZ_MAX_SECONDS = 30 * 60


def draw_questions(
    bank: list[tuple[int, bool]], *, count: int | None, min_scenario: int, seed: int
) -> list[int]:
    """The question ids one attempt sets: `count` of the bank (all when None or the bank is smaller), drawn
    with `seed` so the same seed draws the same questions, at least `min_scenario` of them about a role
    scenario (as many as the bank has), shown in the bank's order (a scenario's questions stay together).

    `bank` is (question id, is about a scenario) in the content's order."""
    if count is None or count >= len(bank):
        return [pk for pk, _ in bank]
    rng = random.Random(seed)
    scenario = [pk for pk, about in bank if about]
    chosen = set(rng.sample(scenario, min(min_scenario, len(scenario), count)))
    rest = [pk for pk, _ in bank if pk not in chosen]
    chosen.update(rng.sample(rest, count - len(chosen)))
    return [pk for pk, _ in bank if pk in chosen]


@dataclass(frozen=True)
class Allowance:
    """Where a learner stands with a quiz's attempt limit."""

    limit: int | None  # failed attempts allowed before a lock; None: no limit (or practice after a pass)
    used: int  # failed attempts counting towards the limit now
    locked_until: dt.datetime | None
    cooling_off_hours: int
    passed: bool

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None

    @property
    def left(self) -> int | None:
        if self.limit is None:
            return None
        return 0 if self.is_locked else max(0, self.limit - self.used)


def allowance_compute(
    *,
    limit: int | None,
    hours: int,
    failures: list[dt.datetime],
    resets: list[dt.datetime],
    passed: bool,
    now: dt.datetime,
) -> Allowance:
    """The rule on plain data. Failed attempts count from the latest reset; the `limit`-th failure locks the
    quiz for `hours`; when the lock ends the count starts again. After a pass there is no limit (practice)."""
    if passed or limit is None:
        return Allowance(limit=None, used=0, locked_until=None, cooling_off_hours=hours, passed=passed)
    since = max(resets) if resets else None
    count = 0
    lock_end: dt.datetime | None = None
    for at in sorted(failures):
        if since is not None and at <= since:
            continue
        if lock_end is not None and at >= lock_end:
            count, lock_end = 0, None
        count += 1
        if count >= limit and lock_end is None:
            lock_end = at + dt.timedelta(hours=hours)
    if lock_end is not None and now >= lock_end:
        count, lock_end = 0, None
    return Allowance(limit=limit, used=count, locked_until=lock_end, cooling_off_hours=hours, passed=False)


def allowance_for(*, enrolment: Enrolment, quiz: Quiz, now: dt.datetime | None = None) -> Allowance:
    """The enrolment's attempts at the quiz (enrolment_attempts: one query, or none if read already), and
    its lock resets only when a failure could be lifted by one."""
    attempts = enrolment_attempts(enrolment=enrolment, quiz=quiz)
    rows = [(a.submitted_at, a.passed, a.unit_done) for a in attempts if a.submitted_at is not None]
    failures = [at for at, passed, _ in rows if not passed]
    resets = (
        list(LockReset.objects.filter(enrolment=enrolment, quiz=quiz).values_list("created_at", flat=True))
        if failures
        else []
    )
    return allowance_compute(
        limit=quiz.max_attempts,
        hours=quiz.cooling_off_hours,
        failures=failures,
        resets=resets,
        passed=any(passed and done for _, passed, done in rows),
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class QuizLock:
    enrolment: Enrolment
    quiz: Quiz
    allowance: Allowance


def locks_for_enrolments(*, enrolments: list[Enrolment], now: dt.datetime | None = None) -> list[QuizLock]:
    """The quizzes locked right now for these enrolments (a manager's member page): three queries."""
    now = now or timezone.now()
    ids = [enrolment.pk for enrolment in enrolments if enrolment.completed_at is None]
    if not ids:
        return []
    attempts: dict[tuple[int, int], list[tuple[dt.datetime, bool, bool]]] = {}
    for enrolment_id, quiz_id, at, passed, done in (
        Attempt.objects.filter(enrolment_id__in=ids, submitted_at__isnull=False)
        .annotate(unit_done=_unit_done())
        .values_list("enrolment_id", "quiz_id", "submitted_at", "passed", "unit_done")
    ):
        attempts.setdefault((enrolment_id, quiz_id), []).append((at, passed, passed and done))
    resets: dict[tuple[int, int], list[dt.datetime]] = {}
    for enrolment_id, quiz_id, at in LockReset.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "quiz_id", "created_at"
    ):
        resets.setdefault((enrolment_id, quiz_id), []).append(at)
    quizzes = Quiz.objects.select_related("unit").in_bulk({quiz_id for _, quiz_id in attempts})
    by_id = {enrolment.pk: enrolment for enrolment in enrolments}
    locks = []
    for (enrolment_id, quiz_id), rows in sorted(attempts.items()):
        quiz = quizzes[quiz_id]
        allowance = allowance_compute(
            limit=quiz.max_attempts,
            hours=quiz.cooling_off_hours,
            failures=[at for at, passed, _ in rows if not passed],
            resets=resets.get((enrolment_id, quiz_id), []),
            passed=any(counted for _, _, counted in rows),
            now=now,
        )
        if allowance.is_locked:
            locks.append(QuizLock(by_id[enrolment_id], quiz, allowance))
    return locks


def assessment_status(enrolment: Enrolment, unit) -> str | None:
    """The unit page's line about its quiz, in plain words (registered with courses.hooks): the enrolment's
    attempts at it (and its lock resets after a failure); the quiz itself from the per-version cache when the
    unit comes with its course."""
    if type(unit)._meta.get_field("course").is_cached(unit):  # the unit page: its quiz from the cache
        try:
            quiz = quiz_for_unit_slug(course=unit.course, unit_slug=unit.slug)
        except Quiz.DoesNotExist:
            return None
    else:
        quiz = Quiz.objects.filter(unit=unit, is_active=True).first()
    if quiz is None:
        return None

    allowance = allowance_for(enrolment=enrolment, quiz=quiz)
    if allowance.is_locked:
        ends = timezone.localtime(allowance.locked_until)
        return gettext(
            "The quiz is locked until %(time)s on %(day)s (UK time). Use the time to read this unit again."
        ) % {"time": dateformat.format(ends, "H:i"), "day": dateformat.format(ends, "l j F Y")}
    if allowance.left is None:
        return None
    left = allowance.left
    return ngettext(
        "You have %(count)d attempt left at this quiz.",
        "You have %(count)d attempts left at this quiz.",
        left,
    ) % {"count": left}
