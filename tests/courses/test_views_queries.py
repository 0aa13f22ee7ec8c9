"""courses.views: pinned query counts that do not grow with units or blocks."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Block, Enrolment
from tests.courses.factories import (
    BLOCK_FACTORIES,
    CourseFactory,
    EnrolmentFactory,
    PathwayFactory,
    UnitFactory,
    UnitProgressFactory,
    make_mixed_blocks,
)
from tests.courses.view_helpers import detail_url, enrol_in_sample, unit_url

# Query counts -----------------------------------------------------------------------------------------

UNITS = 3


@pytest.fixture
def big_course(user):
    """3 units, each with every block type for everyone plus blocks limited to one or both pathways; the
    learner is on the first pathway and has completed and visited a unit."""
    course = CourseFactory()
    taxi = PathwayFactory(course=course, title="Taxi drivers")
    foster = PathwayFactory(course=course, title="Foster carers")
    units = [UnitFactory(course=course, order=order, slug=f"unit-{order}") for order in range(1, UNITS + 1)]
    for unit in units:
        make_mixed_blocks(unit, pathways=[taxi, foster])
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    services.unit_complete(enrolment=enrolment, unit=units[0])
    services.unit_visit(enrolment=enrolment, unit=units[1])
    return course, [taxi, foster], units


def double_blocks(course, pathways) -> None:
    for unit in course.units.all():
        make_mixed_blocks(unit, pathways=pathways)


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


# user (the session comes from the cache), the enrolment with its course and pathway (one query, issue 20;
# were two), the units it has done, the course's units (its structure: cached per process and content
# version, so asked once per version), base block rows + one per block type (7); and (issue 17: the unit
# opened, time on task) the writes of a reload (the page measured is the unit the learner opened last): the
# enrolment (time, the stint, last unit) and this unit's visit with the stint's time, in one statement
# (issue 20: was 3 writes). Issue 20: the unit, its neighbours and "is it complete" come from the structure
# and the units done (was 17).
VISIT_WRITES = 2
STRUCTURE = 1
UNIT_PAGE_QUERIES = 1 + 1 + 1 + STRUCTURE + 1 + len(BLOCK_FACTORIES) + VISIT_WRITES
# The same page again: its rendered blocks come from the cache, keyed on the course's version and last change,
# and the blocks' query is not even built; the structure is in memory (was 9).
UNIT_PAGE_QUERIES_CACHED = UNIT_PAGE_QUERIES - STRUCTURE - 1 - len(BLOCK_FACTORIES)
# user (session from the cache), course + pathways, enrolment, the units it has done, the course's structure
# (cached per process: asked here because each test's course is new); the outline is built from those.
OVERVIEW_QUERIES = 1 + 2 + 1 + 1 + STRUCTURE
# user (session from the cache), enrolments, the units done of all of them (issue 20: two plain queries
# instead of one with four correlated subqueries per enrolment), published courses.
DASHBOARD_QUERIES = 1 + 2 + 1


def test_unit_page_query_count_is_pinned_and_does_not_grow_with_blocks(learner_client, big_course):
    course, pathways, units = big_course
    url = unit_url(course, units[1].slug)

    # Content types are cached per process (a running server has them); the test database starts cold.
    for model in [Block, *(factory._meta.model for factory in BLOCK_FACTORIES)]:
        ContentType.objects.get_for_model(model, for_concrete_model=False)
    small, small_html = count_queries(learner_client, url)
    cached, cached_html = count_queries(learner_client, url)
    double_blocks(course, pathways)
    stale, stale_html = count_queries(learner_client, url)
    services.course_content_touched(course_id=course.pk)  # as the admin does after an edit
    large, large_html = count_queries(learner_client, url)

    assert small == large == UNIT_PAGE_QUERIES
    assert cached == stale == UNIT_PAGE_QUERIES_CACHED
    sections = [html.count('<section class="block') for html in (small_html, cached_html, stale_html)]
    assert len(set(sections)) == 1  # the cached blocks are served until the course is marked changed
    blocks_shown = len(BLOCK_FACTORIES) + 2  # every type, the taxi callout, the block for both pathways
    assert small_html.count('<section class="block') == blocks_shown
    assert large_html.count('<section class="block') == 2 * blocks_shown
    assert "In your role: Foster carers" not in large_html


def test_first_visit_to_a_unit_adds_only_its_visit_row(learner_client, big_course):
    course, _, units = big_course

    queries, _ = count_queries(learner_client, unit_url(course, units[2].slug))

    # Moving on from the unit opened before: its time is credited to it (one more write), and this unit's
    # visit is inserted straight away (enrolment_current read that it was never opened: no update first).
    assert queries == UNIT_PAGE_QUERIES + 1
    assert Enrolment.objects.get().last_unit == units[2]


def test_course_overview_query_count_is_pinned_and_does_not_grow(learner_client, big_course):
    course, pathways, _ = big_course

    small, small_html = count_queries(learner_client, detail_url(course))
    double_blocks(course, pathways)
    for order in range(UNITS + 1, 2 * UNITS + 1):
        make_mixed_blocks(UnitFactory(course=course, order=order, slug=f"unit-{order}"), pathways=pathways)
    large, large_html = count_queries(learner_client, detail_url(course))

    assert small == large == OVERVIEW_QUERIES
    assert "1 of 3 units complete" in small_html
    assert "1 of 6 units complete" in large_html
    assert large_html.count('<span class="tag tag--grey">Not complete</span>') == 5


def test_dashboard_query_count_is_pinned_and_does_not_grow(learner_client, user, big_course):
    course, pathways, _ = big_course

    def enrol_on_another_course():
        other = EnrolmentFactory(learner=user)
        units = [UnitFactory(course=other.course, order=order) for order in range(1, UNITS + 1)]
        for unit in units:
            make_mixed_blocks(unit, pathways=[other.pathway])
        UnitProgressFactory(enrolment=other, unit=units[0])
        services.unit_visit(enrolment=other, unit=units[1])
        CourseFactory()  # and one more course the learner could take

    # Each course's structure is read once per process and content version (a running server has them).
    enrol_on_another_course()
    count_queries(learner_client, reverse("courses:dashboard"))
    small, small_html = count_queries(learner_client, reverse("courses:dashboard"))
    double_blocks(course, pathways)
    for _ in range(3):
        enrol_on_another_course()
    count_queries(learner_client, reverse("courses:dashboard"))
    large, large_html = count_queries(learner_client, reverse("courses:dashboard"))

    assert small == large == DASHBOARD_QUERIES
    assert small_html.count('">Continue: ') == 2
    assert large_html.count('">Continue: ') == 5
    assert large_html.count("1 of 3 units complete") == 5


def test_sample_unit_page_stays_within_the_pinned_count(learner_client, user, sample_course):
    """The real loader's output (quiz units, pathway-limited blocks) costs no more than the pinned page."""
    enrol_in_sample(user, sample_course)
    for unit in sample_course.units.all():
        learner_client.get(unit_url(sample_course, unit.slug))

        queries, _ = count_queries(learner_client, unit_url(sample_course, unit.slug))

        assert queries <= UNIT_PAGE_QUERIES, unit.slug
