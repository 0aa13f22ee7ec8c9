"""Reads for courses pages: course lists, the learner's dashboard, outlines and unit content."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from .models import Block, Course, CourseRelease, Enrolment, Pathway, Unit, UnitProgress, UnitVisit
from .structure import course_structure


def course_list_published() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True).annotate(unit_count=Count("units"))


def _shown_columns() -> tuple[str, ...]:
    # Every language's title and summary (modeltranslation's columns and the original), and what else a
    # course card shows: the statement reads them all, so a change in any language changes the answer.
    names = {"slug", "cpd_minutes", "validity_months"}
    shown = [
        f for f in Course._meta.concrete_fields if f.name in names or f.name.startswith(("title", "summary"))
    ]
    return tuple(f.column for f in sorted(shown, key=lambda f: f.name))


@functools.cache
def _published_state_sql() -> str:
    quote = connection.ops.quote_name
    course, unit = Course._meta, Unit._meta
    columns = ", ".join(f"c.{quote(column)}" for column in _shown_columns())
    unit_course = quote(unit.get_field("course").column)
    pk, published = quote(course.pk.column), quote(course.get_field("is_published").column)
    units = f"SELECT COUNT(*) FROM {quote(unit.db_table)} u WHERE u.{unit_course} = c.{pk}"  # noqa: S608  # nosec B608
    table = quote(course.db_table)
    return f"SELECT c.{pk}, {columns}, ({units}) FROM {table} c WHERE c.{published} ORDER BY c.{pk}"  # noqa: S608  # nosec B608


def course_list_published_state() -> tuple[tuple, ...]:
    """What the home page shows of the published courses, as plain values: each one's titles and summaries in
    every language, CPD minutes, validity and unit count, in one statement of names from the models' meta,
    no user input. Issue 20: the page cache keys the home page on it; written out, it costs a tenth of the
    ORM's building of course_list_published()."""
    with connection.cursor() as cursor:
        cursor.execute(_published_state_sql())
        return tuple(tuple(row) for row in cursor.fetchall())


def course_get_published(*, slug: str, with_pathways: bool = True) -> Course:
    """Raises Course.DoesNotExist for unknown or unpublished courses."""
    courses = Course.objects.all()
    if with_pathways:
        courses = courses.prefetch_related(Prefetch("pathways", queryset=Pathway.objects.order_by("order")))
    return courses.get(slug=slug, is_published=True)


def enrolment_list_for_dashboard(*, learner) -> list[Enrolment]:
    """The learner's enrolments, newest first, each with units_total, units_done and where to continue
    (next_unit_slug, next_unit_title: the first unfinished unit, the rule the course page uses too).

    Two plain queries (issue 20; were four correlated subqueries per enrolment): the enrolments with their
    course, pathway and last unit, then the units done of all of them; each course's units come from its
    structure, cached per process and content version."""
    enrolments = list(
        Enrolment.objects.filter(learner=learner)
        .select_related("course", "pathway", "last_unit")
        .order_by("completed_at", "-started_at")
    )
    done: dict[int, set[int]] = {e.pk: set() for e in enrolments}
    if enrolments:
        rows = UnitProgress.objects.filter(enrolment_id__in=list(done)).values_list("enrolment_id", "unit_id")
        for enrolment_id, unit_id in rows:
            done[enrolment_id].add(unit_id)
    for enrolment in enrolments:
        units = course_structure(course=enrolment.course).units
        mine = done[enrolment.pk]
        following = next((unit for unit in units if unit.pk not in mine), None)
        enrolment.units_total = len(units)
        enrolment.units_done = len(mine)
        enrolment.next_unit_slug = following.slug if following else None
        enrolment.next_unit_title = following.title if following else None
    return enrolments


def enrolment_current(*, learner, course: Course) -> Enrolment | None:
    """The learner's open enrolment on the course, else their latest completed one, with progress counts
    (units_done, units_total) and the ids of the units done (done_unit_ids, read by unit_is_complete).

    Two plain queries (issue 20): the enrolment with its pathway, the open one first (a learner has at most
    one), and its completed units; the course's unit count comes from its cached structure."""
    if not learner.is_authenticated:
        return None
    enrolment = _current(Enrolment.objects.filter(learner=learner, course=course)).first()
    if enrolment is None:
        return None
    enrolment.course = course
    return _with_units_state(enrolment)


def course_and_enrolment_current(*, learner, course_slug: str) -> tuple[Course, Enrolment | None]:
    """The published course with this slug and the learner's current enrolment on it (as enrolment_current).
    An enrolled learner's course comes with the enrolment, in one query (issue 20: the unit and quiz pages);
    otherwise the course is read on its own. Raises Course.DoesNotExist for unknown or unpublished courses."""
    enrolment = None
    if learner.is_authenticated:
        mine = Enrolment.objects.filter(learner=learner, course__slug=course_slug, course__is_published=True)
        enrolment = _current(mine.select_related("course")).first()
    if enrolment is None:
        return course_get_published(slug=course_slug, with_pathways=False), None
    return enrolment.course, _with_units_state(enrolment)


def _current(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.select_related("pathway").order_by(F("completed_at").desc(nulls_first=True))


def _with_units_state(enrolment: Enrolment) -> Enrolment:
    # One query for both: the units done (1) and the units opened (0), read by unit_is_complete, unit_opened.
    done_or_opened = (
        UnitProgress.objects.filter(enrolment_id=enrolment.pk)
        .values_list("unit_id", Value(1))
        .union(UnitVisit.objects.filter(enrolment_id=enrolment.pk).values_list("unit_id", Value(0)), all=True)
    )
    done, opened = set(), set()
    for unit_id, is_done in done_or_opened:
        (done if is_done else opened).add(unit_id)
    enrolment.done_unit_ids = done
    enrolment.opened_unit_ids = opened
    enrolment.units_done = len(done)
    enrolment.units_total = course_structure(course=enrolment.course).units_total
    return enrolment


@dataclass(frozen=True)
class OutlineUnit:
    unit: Unit
    is_complete: bool
    number: int


def course_outline(*, enrolment: Enrolment) -> list[OutlineUnit]:
    """The course's units in order, each complete or not: from the cached structure and the units done that
    enrolment_current brought (no query), else one query."""
    done = getattr(enrolment, "done_unit_ids", None)
    if done is not None:
        units = [copy.copy(u) for u in course_structure(course=enrolment.course).units]
        return [OutlineUnit(unit=u, is_complete=u.pk in done, number=i) for i, u in enumerate(units, start=1)]
    units = Unit.objects.filter(course_id=enrolment.course_id).annotate(
        is_complete=Exists(UnitProgress.objects.filter(enrolment=enrolment, unit=OuterRef("pk")))
    )
    return [OutlineUnit(unit=u, is_complete=u.is_complete, number=i) for i, u in enumerate(units, start=1)]


def outline_next_unit(outline: list[OutlineUnit], enrolment: Enrolment) -> Unit | None:
    """Where to continue: the first unfinished unit (the one rule; the dashboard uses it too)."""
    return next((item.unit for item in outline if not item.is_complete), None)


def unit_blocks_for_pathway(*, unit: Unit, pathway: Pathway) -> QuerySet[Block]:
    """The unit's blocks this pathway sees, as their concrete types: one query for the base rows plus one per
    block type present. Lazy, so a page whose rendered blocks are cached runs none of it."""
    through = Block.pathways.through
    visible = Q(~Exists(through.objects.filter(block_id=OuterRef("pk")))) | Q(
        Exists(through.objects.filter(block_id=OuterRef("pk"), pathway_id=pathway.pk))
    )
    return Block.objects.filter(unit=unit).filter(visible).order_by("order", "id")


def unit_get(*, course: Course, slug: str) -> Unit:
    """From the course's cached structure (a copy); Unit.DoesNotExist for a slug it does not have."""
    return course_structure(course=course).unit(slug)


def unit_neighbours(*, unit: Unit) -> tuple[Unit | None, Unit | None]:
    """The units before and after this one, in one query."""
    siblings = list(
        Unit.objects.filter(course_id=unit.course_id).only("pk", "slug", "title", "order").order_by("order")
    )
    previous = max((u for u in siblings if u.order < unit.order), key=lambda u: u.order, default=None)
    following = min((u for u in siblings if u.order > unit.order), key=lambda u: u.order, default=None)
    return previous, following


def unit_is_complete(*, enrolment: Enrolment, unit: Unit) -> bool:
    """Read from the units done that enrolment_current brought, else asked."""
    done = getattr(enrolment, "done_unit_ids", None)
    if done is not None:
        return unit.pk in done
    return UnitProgress.objects.filter(enrolment=enrolment, unit=unit).exists()


# Versions --------------------------------------------------------------------------------------------


def course_releases_since(*, course: Course, major: int) -> list[CourseRelease]:
    """The major releases after `major`, oldest first (what changed for a holder trained on `major`)."""
    return list(CourseRelease.objects.filter(course=course, major__gt=major).order_by("major"))


def course_release_get(*, course_id: int, major: int) -> CourseRelease | None:
    return CourseRelease.objects.filter(course_id=course_id, major=major).first()


def units_changed_since(*, course: Course, major: int) -> list[Unit]:
    """The units that a major release after `major` changed, in course order: a refresher's units."""
    slugs = {
        slug
        for release in course_releases_since(course=course, major=major)
        for slug in release.changed_units
    }
    return list(Unit.objects.filter(course=course, slug__in=slugs).order_by("order"))


def carried_unit_ids(*, enrolment: Enrolment) -> set[int]:
    """A refresher's units carried over from the earlier enrolment (no quiz to pass again)."""
    return set(
        UnitProgress.objects.filter(enrolment=enrolment, carried_over=True).values_list("unit_id", flat=True)
    )


def unit_opened(*, enrolment: Enrolment, unit: Unit) -> bool:
    """Has the learner opened this unit's content (recorded by the unit page)? Its quiz opens only then.
    Read from the units opened that enrolment_current brought, else asked."""
    opened = getattr(enrolment, "opened_unit_ids", None)
    if opened is not None:
        return unit.pk in opened
    return UnitVisit.objects.filter(enrolment=enrolment, unit=unit).exists()


def unit_visits(*, enrolment: Enrolment) -> dict[int, UnitVisit]:
    """Unit id -> the learner's record of opening it (first opened, time spent)."""
    return {visit.unit_id: visit for visit in UnitVisit.objects.filter(enrolment=enrolment)}
