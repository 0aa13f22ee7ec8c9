"""Every write to courses: enrolment and unit progress. Called by views, quizzes and the loader."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from . import selectors
from .models import Course, Enrolment, Pathway, StoryRun, Unit, UnitProgress, UnitVisit
from .signals import enrolment_completed, unit_completed
from .stories import unit_story_blocker
from .structure import course_structure


class UnitNotInPathway(ValidationError):
    pass


class UnitCompletedByAssessment(ValidationError):
    """The learner tried to mark read a unit that only passing its assessment (quiz) completes."""


# Completion rule ------------------------------------------------------------------------------------------
# One rule decides both whether an enrolment completes and whether its certificate may be created
# (certificates.services.certificate_eligibility adds only "the enrolment is complete" to it), so an
# enrolment never completes without its pending certificate. Each check returns a reason or None; apps add
# theirs from AppConfig.ready (quizzes: every quiz passed; certificates: a name to print), run by `order`.

CompletionCheck = Callable[[Enrolment], "str | None"]
_COMPLETION_CHECKS: dict[str, tuple[int, CompletionCheck]] = {}


def register_completion_check(name: str, check: CompletionCheck, *, order: int) -> None:
    _COMPLETION_CHECKS[name] = (order, check)


def completion_checks() -> list[str]:
    """The registered checks' names, in the order they run (and their reasons are listed)."""
    return [name for name, _ in sorted(_COMPLETION_CHECKS.items(), key=lambda item: (item[1][0], item[0]))]


def enrolment_completion_blockers(*, enrolment: Enrolment) -> list[str]:
    """Why the enrolment cannot be complete yet (empty when it can): the one shared completion rule."""
    return [reason for name in completion_checks() if (reason := _COMPLETION_CHECKS[name][1](enrolment))]


def _check_units_complete(enrolment: Enrolment) -> str | None:
    units = set(Unit.objects.filter(course_id=enrolment.course_id).values_list("pk", flat=True))
    done = set(UnitProgress.objects.filter(enrolment=enrolment).values_list("unit_id", flat=True))
    missing = units - done
    return gettext("%(count)d unit(s) are not complete.") % {"count": len(missing)} if missing else None


register_completion_check("courses.units_complete", _check_units_complete, order=10)


# The unit's assessment (its quiz) opens only after the learner has opened the unit and reached an end (any
# end) of each story of it they see: one query, the rule the quiz page and its submit both ask.
READ_UNIT_FIRST = gettext_lazy(
    "Read this unit first. Its quiz opens once you have opened the unit: it asks about what it says."
)


class StoryNotFinished(ValidationError):
    """The learner tried to finish a unit before reaching an end of its story."""


QUIZ_AFTER_STORY = gettext_lazy("This unit’s quiz opens once you reach one of its ends.")


def _finish_story_first(title: str, then: str = QUIZ_AFTER_STORY) -> str:
    return gettext("Finish the story “%(title)s” first.") % {"title": title} + f" {then}"


def unit_assessment_blocker(*, enrolment: Enrolment, unit: Unit) -> str | None:
    """Why the unit's quiz cannot open yet for this learner (None when it can). A unit without a story (known
    from the per-version structure when the unit's course is at hand) needs only "opened", which the
    request usually read already (selectors.unit_opened); otherwise one query asks both."""
    course_at_hand = Unit._meta.get_field("course").is_cached(unit) and unit.course is not None
    if course_at_hand and unit.pk not in course_structure(course=unit.course).story_unit_ids:
        opened = selectors.unit_opened(enrolment=enrolment, unit=unit)
        return assessment_blocker_reason(opened=opened, unfinished_story=None)
    opened, story = unit_story_blocker(enrolment=enrolment, unit=unit)
    return assessment_blocker_reason(opened=opened, unfinished_story=story)


def assessment_blocker_reason(*, opened: bool, unfinished_story: str | None) -> str | None:
    """The one wording of the rule "opened, and every story of the unit reached to an end", for callers that
    read both facts in their own query (the quiz submit reads them with the attempt's lock)."""
    if not opened:
        return str(READ_UNIT_FIRST)
    return _finish_story_first(unfinished_story) if unfinished_story else None


def unit_can_be_marked_read(*, unit: Unit) -> bool:
    """A unit completed by its assessment (a quiz) is done only when the assessment says so."""
    return not unit.completed_by_quiz


def enrolment_create(*, learner, pathway: Pathway) -> Enrolment:
    """Enrol the learner on a pathway, or return their open enrolment on this course.

    A learner has at most one open enrolment per course. Choosing another pathway while one is open and not
    yet started moves the learner to it; once progress exists the enrolment keeps its pathway.
    """
    with transaction.atomic():
        open_enrolment = (
            Enrolment.objects.select_for_update()
            .filter(learner=learner, course_id=pathway.course_id, completed_at__isnull=True)
            .first()
        )
        if open_enrolment is not None:
            if open_enrolment.pathway_id != pathway.pk and not open_enrolment.unit_progress.exists():
                open_enrolment.pathway = pathway
                open_enrolment.save(update_fields=["pathway"])
            return open_enrolment
        try:
            with transaction.atomic():
                return Enrolment.objects.create(learner=learner, course_id=pathway.course_id, pathway=pathway)
        except IntegrityError:
            # Two requests raced (double click): the other one created it.
            return Enrolment.objects.get(
                learner=learner, course_id=pathway.course_id, completed_at__isnull=True
            )


def enrolment_create_refresher(
    *, learner, pathway: Pathway, refreshes: Enrolment | None, from_major: int
) -> Enrolment:
    """Start a refresher: a new enrolment in which only the units changed by the major releases after
    `from_major` are to do; every other unit is carried over as done (`carried_over`), so the one completion
    rule (`enrolment_completion_blockers`) and the `enrolment_completed` signal work unchanged. Returns the
    learner's open enrolment instead if one exists. With no changed unit known, the whole course is to do."""
    from .selectors import units_changed_since

    with transaction.atomic():
        open_enrolment = Enrolment.objects.filter(
            learner=learner, course_id=pathway.course_id, completed_at__isnull=True
        ).first()
        if open_enrolment is not None:
            return open_enrolment
        changed = {unit.pk for unit in units_changed_since(course=pathway.course, major=from_major)}
        enrolment = enrolment_create(learner=learner, pathway=pathway)
        if not changed or enrolment.unit_progress.exists():
            return enrolment
        enrolment.refreshes = refreshes
        enrolment.save(update_fields=["refreshes"])
        now = timezone.now()
        UnitProgress.objects.bulk_create(
            [
                UnitProgress(enrolment=enrolment, unit_id=unit_id, completed_at=now, carried_over=True)
                for unit_id in Unit.objects.filter(course_id=pathway.course_id)
                .exclude(pk__in=changed)
                .values_list("pk", flat=True)
            ]
        )
    return enrolment


def enrolments_reopen_units(*, course: Course, unit_slugs: list[str]) -> int:
    """A major release changed these units: in every open enrolment of the course they are to do again
    (done before the release, or carried over by a refresher, was done on the old facts), so no certificate
    on the new version is issued without them. Completed enrolments keep their record. Returns how many
    unit completions were reopened."""
    deleted, _ = UnitProgress.objects.filter(
        enrolment__course=course, enrolment__completed_at__isnull=True, unit__slug__in=unit_slugs
    ).delete()
    # Opened on the old facts: the changed content must be opened again before the unit's quiz opens.
    UnitVisit.objects.filter(
        enrolment__course=course, enrolment__completed_at__isnull=True, unit__slug__in=unit_slugs
    ).delete()
    # And its story played again to an end: the runs are kept (item analysis), set aside as abandoned.
    StoryRun.objects.filter(
        enrolment__course=course,
        enrolment__completed_at__isnull=True,
        unit__slug__in=unit_slugs,
        abandoned_at__isnull=True,
    ).update(abandoned_at=timezone.now())
    return deleted


def enrolment_refresher_make_full(*, enrolment_id: int) -> Enrolment | None:
    """The certificate an open refresher renews is no longer valid (revoked, expired): the refresher
    becomes the whole course, its carried-over units to do. Returns the enrolment, None if not one."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(pk=enrolment_id, completed_at__isnull=True, refreshes__isnull=False)
            .first()
        )
        if enrolment is None:
            return None
        UnitProgress.objects.filter(enrolment=enrolment, carried_over=True).delete()
        enrolment.refreshes = None
        enrolment.save(update_fields=["refreshes"])
    return enrolment


# Honest time: one opening of a unit page counts until the learner's next step, at most this long (a tab left
# open overnight is not study time).
UNIT_STINT_MAX_SECONDS = 20 * 60


def _stint_seconds(opened, now) -> int:
    return max(0, min(int((now - opened).total_seconds()), UNIT_STINT_MAX_SECONDS))


def unit_time_close(*, enrolment: Enrolment, now=None) -> int:
    """Credit the time since the learner last opened a unit page to that unit (capped), and close the stint.
    Called when the learner takes their next step: another unit, its quiz, "mark as read". Returns seconds."""
    now = now or timezone.now()
    opened, unit_id = enrolment.unit_opened_at, enrolment.last_unit_id
    if opened is None or unit_id is None:
        return 0
    seconds = _stint_seconds(opened, now)
    # Only the request that closes the stint credits it (two tabs, a double click): no lock needed.
    closed = Enrolment.objects.filter(pk=enrolment.pk, unit_opened_at=opened).update(
        seconds_spent=F("seconds_spent") + seconds, unit_opened_at=None
    )
    if closed:
        UnitVisit.objects.filter(enrolment_id=enrolment.pk, unit_id=unit_id).update(
            seconds_spent=F("seconds_spent") + seconds
        )
    else:
        seconds = 0
    enrolment.unit_opened_at = None
    return seconds


def enrolment_add_time(*, enrolment: Enrolment, seconds: int) -> None:
    """Add time spent elsewhere in the course (a submitted quiz) to the enrolment's total (one query, always:
    the query count of a submit does not depend on the clock)."""
    Enrolment.objects.filter(pk=enrolment.pk).update(seconds_spent=F("seconds_spent") + max(0, seconds))


def unit_visit(*, enrolment: Enrolment, unit: Unit, now=None) -> None:
    """The learner opened a unit's content: recorded per enrolment (first and last opened, times opened),
    which opens the unit's quiz. The previous stint (the unit page opened before) is credited, capped, and
    this one starts now; the last unit opened is remembered for "continue where you left off".

    Two or three writes, no lock: the enrolment (time, stint, last unit); the previous unit's time, in the
    same statement as this unit's visit when it is the same unit (a reload); this unit's visit (an insert the
    first time, straight away when selectors.enrolment_current has read that it was never opened)."""
    now = now or timezone.now()
    updates: dict = {"unit_opened_at": now}
    if enrolment.last_unit_id != unit.pk and not enrolment.is_complete:
        updates["last_unit"] = unit
    opened, previous = enrolment.unit_opened_at, enrolment.last_unit_id
    credited = False
    visit: dict = {"last_opened_at": now, "times_opened": F("times_opened") + 1}
    if opened is not None and previous is not None:
        seconds = _stint_seconds(opened, now)
        # Only the request that closes the stint credits it (two tabs, a double click).
        credited = bool(
            Enrolment.objects.filter(pk=enrolment.pk, unit_opened_at=opened).update(
                seconds_spent=F("seconds_spent") + seconds, **updates
            )
        )
        if credited and previous == unit.pk:
            visit["seconds_spent"] = F("seconds_spent") + seconds
        elif credited:
            UnitVisit.objects.filter(enrolment_id=enrolment.pk, unit_id=previous).update(
                seconds_spent=F("seconds_spent") + seconds
            )
    if not credited:
        Enrolment.objects.filter(pk=enrolment.pk).update(**updates)
    for name, value in updates.items():
        setattr(enrolment, name, value)
    opened_ids = getattr(enrolment, "opened_unit_ids", None)  # brought by selectors.enrolment_current
    never_opened = opened_ids is not None and unit.pk not in opened_ids
    if opened_ids is not None:
        opened_ids.add(unit.pk)
    seen = 0
    if not never_opened:
        seen = UnitVisit.objects.filter(enrolment=enrolment, unit=unit).update(**visit)
    if not seen:
        UnitVisit.objects.bulk_create(
            [UnitVisit(enrolment=enrolment, unit=unit, first_opened_at=now, last_opened_at=now)],
            ignore_conflicts=True,
        )


def unit_mark_read(*, enrolment: Enrolment, unit: Unit) -> UnitProgress | None:
    """The learner marks a reading unit read: refused (UnitCompletedByAssessment) for a unit that its quiz
    completes; nothing to do (None) once the enrolment is complete."""
    if not unit_can_be_marked_read(unit=unit):
        raise UnitCompletedByAssessment(gettext("This unit is completed by passing its quiz."))
    _, story = unit_story_blocker(enrolment=enrolment, unit=unit)
    if story and not enrolment.is_complete:
        then = gettext("You can mark the unit read once you reach one of its ends.")
        raise StoryNotFinished(_finish_story_first(story, then))
    unit_time_close(enrolment=enrolment)
    if enrolment.is_complete:
        return None
    return unit_complete(enrolment=enrolment, unit=unit)


def unit_complete(
    *, enrolment: Enrolment, unit: Unit, locked_enrolment: Enrolment | None = None
) -> UnitProgress:
    """Record a unit as complete (idempotent); for the learner's "mark as read" use `unit_mark_read`, the
    quizzes app calls this when a quiz is passed. When every unit is done and the completion rule has no
    blockers, the enrolment completes and `enrolment_completed` is sent once, inside this transaction, so
    listeners (the pending certificate) commit or roll back with it. Otherwise the enrolment stays open, and
    the next completion of any unit (marking read again, passing a quiz again) asks the rule again.

    `locked_enrolment`: the enrolment row already locked (select_for_update) in the caller's transaction
    (a quiz submit locks it with the attempt), so it is not locked again."""
    if unit.course_id != enrolment.course_id:
        raise UnitNotInPathway("This unit is not part of the learner's course.")
    # No savepoint of its own inside a caller's transaction (a quiz submit): any error here aborts that whole
    # transaction anyway, and a SAVEPOINT and its RELEASE are two round trips (issue 20).
    with transaction.atomic(savepoint=False):
        locked = locked_enrolment or Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        # Insert unless recorded already (no savepoint needed for the race), then read the row that stands.
        now = timezone.now()
        UnitProgress.objects.bulk_create(
            [UnitProgress(enrolment=locked, unit=unit, completed_at=now)], ignore_conflicts=True
        )
        # Every unit done, in one read after the insert (under the lock, so a unit completed by another
        # request that held the lock before is counted): this unit's row and how many there are.
        rows = list(UnitProgress.objects.filter(enrolment_id=locked.pk))
        progress = next(row for row in rows if row.unit_id == unit.pk)
        if progress.completed_at == now:  # this call inserted it (under the enrolment's lock)
            progress.enrolment = locked
            unit_completed.send(sender=UnitProgress, progress=progress)
        _complete_if_done(locked, done=len(rows))
        done = getattr(enrolment, "done_unit_ids", None)
        if done is not None:  # what enrolment_current brought stays true for the rest of the request
            done.add(unit.pk)
            enrolment.units_done = len(done)
        enrolment.completed_at = locked.completed_at
        enrolment.content_version = locked.content_version
    return progress


def _complete_if_done(locked: Enrolment, *, done: int | None = None) -> bool:
    """Complete a locked, open enrolment that the completion rule no longer blocks; `enrolment_completed`
    goes out once. `done`: its units done, when the caller has just read them under the lock."""
    if locked.completed_at is not None:
        return False
    if Enrolment._meta.get_field("course").is_cached(locked):  # its cached structure: fresh with the row
        total = course_structure(course=locked.course).units_total
    else:
        total = Unit.objects.filter(course_id=locked.course_id).count()
    if done is None:
        done = UnitProgress.objects.filter(enrolment=locked).count()
    if done < total or enrolment_completion_blockers(enrolment=locked):  # the counts first: cheap
        return False
    locked.completed_at = timezone.now()
    locked.content_version = locked.course.version
    locked.save(update_fields=["completed_at", "content_version"])
    enrolment_completed.send(sender=Enrolment, enrolment=locked)
    return True


def enrolments_reevaluate(*, course: Course) -> list[int]:
    """After the course's content changed (a reload, units removed in the admin), complete every open
    enrolment that now has nothing left to do, so no learner is left at "6 of 6" without a certificate.
    Idempotent; returns the ids of the enrolments it completed."""
    completed: list[int] = []
    candidates = Enrolment.objects.filter(course=course, completed_at__isnull=True).values_list(
        "pk", flat=True
    )
    for enrolment_id in list(candidates):
        with transaction.atomic():
            locked = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment_id)
            if _complete_if_done(locked):
                completed.append(locked.pk)
    return completed


def course_content_touched(*, course_id: int) -> None:
    """Content was edited outside the loader (the admin): mark the course changed, so cached renderings of its
    units, keyed on the course's last change, are not used again."""
    Course.objects.filter(pk=course_id).update(updated_at=timezone.now())
