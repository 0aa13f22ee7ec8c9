"""Grade posts to LTI platforms through the outbox: made with the completion, sent by Celery, swept.

Who may call it: `receivers` (unit and course completion), `tasks`, the admin."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from courses.models import Enrolment, Unit, UnitProgress
from courses.progress import percent_done
from elearning.outbox import enqueue_or_leave_for_sweeper

from . import ags
from .models import GradePost, LineItemLink

log = logging.getLogger(__name__)
TASK = "integrations.tasks.grade_post_send_task"
RETRY_BACKOFF_MAX_SECONDS = 600  # the task's longest wait between two tries (tasks.py)

# LTI AGS 2.0 values (https://www.imsglobal.org/spec/lti-ags/v2p0/#score-publish-service)
IN_PROGRESS, COMPLETED = "InProgress", "Completed"
PENDING, FULLY_GRADED = "Pending", "FullyGraded"


def _hint_key(user_id: int) -> str:
    return f"integrations:has-line-items:{user_id}"


def line_items_hint_set(*, user_id: int) -> None:
    """Launches remember in the cache that this learner has line items, so completing a unit costs the
    learners who never came from an LMS no query at all. A lost hint delays a post, never loses it: the
    sweeper's `grade_posts_reconcile` makes any post a completion should have made."""
    cache.set(_hint_key(user_id), True, timeout=None)


def completion_may_post(*, user_id: int) -> bool:
    return bool(cache.get(_hint_key(user_id)))


def _links(enrolment: Enrolment) -> list[LineItemLink]:
    return list(LineItemLink.objects.filter(user_id=enrolment.learner_id, course_id=enrolment.course_id))


def _post_create(*, link: LineItemLink, key: str, values: dict) -> GradePost | None:
    try:
        with transaction.atomic():
            post = GradePost.objects.create(link=link, key=key, timestamp=timezone.now(), **values)
    except IntegrityError:  # already made for this unit or course: once only
        return None
    transaction.on_commit(partial(grade_post_enqueue, post_id=post.pk))
    return post


def grade_posts_for_unit(*, progress: UnitProgress) -> list[GradePost]:
    """A unit was completed (its quiz passed, or read): post the learner's progress to every line item of
    this course they launched from, "in progress / pending" until the course completes."""
    enrolment = progress.enrolment
    links = _links(enrolment)
    if not links:
        return []
    total = Unit.objects.filter(course_id=enrolment.course_id).count()
    done = UnitProgress.objects.filter(enrolment=enrolment).count()
    unit = progress.unit
    how = "quiz passed" if unit.completed_by_quiz else "read"
    values = {
        "score_given": Decimal(percent_done(done, total)),
        "activity_progress": IN_PROGRESS,
        "grading_progress": PENDING,
        "comment": f"Unit {unit.order} {how}: {done} of {total} units complete.",
    }
    made = [_post_create(link=link, key=f"unit:{progress.pk}", values=values) for link in links]
    return [post for post in made if post is not None]


def grade_posts_for_completion(*, enrolment: Enrolment) -> list[GradePost]:
    """The course is complete: 100 of 100, completed and fully graded."""
    values = {
        "score_given": Decimal(100),
        "activity_progress": COMPLETED,
        "grading_progress": FULLY_GRADED,
        "comment": "Course complete.",
    }
    made = [
        _post_create(link=link, key=f"course:{enrolment.pk}", values=values) for link in _links(enrolment)
    ]
    return [post for post in made if post is not None]


def _has_link(user_field: str, course_field: str) -> Exists:
    return Exists(LineItemLink.objects.filter(user_id=OuterRef(user_field), course_id=OuterRef(course_field)))


def grade_posts_reconcile(*, since: dt.datetime | None = None) -> int:
    """Make the posts that completions since `since` (default: a day ago) should have made and did not (the
    cache hint was lost, or the learner first launched from the LMS after completing units). Idempotent."""
    since = since or timezone.now() - dt.timedelta(hours=24)
    made = 0
    progress = (
        UnitProgress.objects.filter(completed_at__gte=since)
        .filter(_has_link("enrolment__learner_id", "enrolment__course_id"))
        .exclude(
            Exists(
                GradePost.objects.filter(
                    link__user_id=OuterRef("enrolment__learner_id"),
                    key=Concat(Value("unit:"), Cast(OuterRef("pk"), CharField())),
                )
            )
        )
        .select_related("enrolment", "unit")
    )
    for row in progress[:500]:
        line_items_hint_set(user_id=row.enrolment.learner_id)
        with transaction.atomic():
            made += len(grade_posts_for_unit(progress=row))
    enrolments = (
        Enrolment.objects.filter(completed_at__gte=since)
        .filter(_has_link("learner_id", "course_id"))
        .exclude(
            Exists(
                GradePost.objects.filter(
                    link__user_id=OuterRef("learner_id"),
                    key=Concat(Value("course:"), Cast(OuterRef("pk"), CharField())),
                )
            )
        )
    )
    for enrolment in enrolments[:500]:
        with transaction.atomic():
            made += len(grade_posts_for_completion(enrolment=enrolment))
    return made


def grade_post_enqueue(*, post_id: int) -> bool:
    return enqueue_or_leave_for_sweeper(model=GradePost, pk=post_id, task=TASK)


def grade_post_send(*, post_id: int) -> GradePost | None:
    """Send one pending post (idempotent: a sent one is left alone; the row is locked while sending, so two
    workers never send it at once). Raises `ags.PlatformUnavailable` for the task to retry."""
    with transaction.atomic():
        post = (
            GradePost.objects.select_for_update()
            .select_related("link__identity__deployment__registration")
            .filter(pk=post_id)
            .first()
        )
        if post is None:  # deleted with its learner since it was queued
            return None
        if post.status == GradePost.Status.SENT:
            return post
        post.attempts += 1
        post.enqueued_at = timezone.now()  # tried now: the sweeper leaves it to the task's own retries
        identity = post.link.identity
        try:
            ags.score_send(
                registration=identity.deployment.registration,
                lineitem_url=post.link.lineitem_url,
                user_sub=identity.sub,
                score_given=float(post.score_given),
                score_maximum=float(post.score_maximum),
                activity_progress=post.activity_progress,
                grading_progress=post.grading_progress,
                timestamp=post.timestamp.isoformat(),
                comment=post.comment,
            )
        except ags.PlatformRefused as exc:
            post.status = GradePost.Status.FAILED
            post.last_error = f"refused: {exc}"
            post.save(update_fields=["status", "attempts", "enqueued_at", "last_error"])
            log.error("Grade post %s refused by the platform: %s", post.pk, exc)
            return post
        except ags.PlatformUnavailable as exc:
            post.last_error = str(exc)
            post.save(update_fields=["attempts", "enqueued_at", "last_error"])
            unavailable = exc
        else:
            unavailable = None
            post.status = GradePost.Status.SENT
            post.sent_at = timezone.now()
            post.last_error = ""
            post.save(update_fields=["status", "attempts", "enqueued_at", "sent_at", "last_error"])
    if unavailable is not None:
        raise unavailable  # after the commit, so the attempt and the reason are kept
    return post


def grade_post_mark_failed(*, post_id: int, reason: str) -> None:
    """The task's retries are used up: the sweeper will queue it again, a bounded number of times."""
    GradePost.objects.filter(pk=post_id, status=GradePost.Status.PENDING).update(
        status=GradePost.Status.FAILED, last_error=reason[:2000]
    )


def grade_posts_sweep(*, older_than: dt.timedelta | None = None) -> list[int]:
    """Queue again posts still pending a while after they were queued (broker down, worker lost), and failed
    ones whose cause may pass (the platform was down), at most GRADE_POST_FAILED_REQUEUES times."""
    older_than = older_than or dt.timedelta(minutes=settings.GRADE_POST_SWEEP_AFTER_MINUTES)
    cutoff = timezone.now() - older_than
    # A post already tried is in the task's retry chain (enqueued_at is its last try): only one silent for
    # longer than the longest wait between retries is lost; queuing it sooner would start a second chain.
    tried_cutoff = cutoff - dt.timedelta(seconds=RETRY_BACKOFF_MAX_SECONDS)
    due = GradePost.objects.filter(
        Q(status=GradePost.Status.PENDING)
        & (
            Q(enqueued_at__isnull=True)
            | Q(attempts=0, enqueued_at__lt=cutoff)
            | Q(attempts__gt=0, enqueued_at__lt=tried_cutoff)
        )
        | Q(
            status=GradePost.Status.FAILED,
            enqueued_at__lt=cutoff,
            requeues__lt=settings.GRADE_POST_FAILED_REQUEUES,
        )
        & ~Q(last_error__startswith="refused")
    )
    ids = list(due.values_list("pk", flat=True)[:500])
    for post_id in ids:
        with transaction.atomic():
            post = GradePost.objects.select_for_update().filter(pk=post_id).first()
            if post is None:  # deleted with its learner since the list was read
                continue
            if post.status == GradePost.Status.FAILED:
                post.status = GradePost.Status.PENDING
                post.requeues += 1
                post.save(update_fields=["status", "requeues"])
        grade_post_enqueue(post_id=post_id)
    return ids
