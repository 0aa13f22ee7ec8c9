"""courses.selectors: pathway-limited blocks, dashboard and outline reads, and their query counts."""

from __future__ import annotations

import pytest
from django.utils import translation

from courses import selectors, services
from courses.models import (
    CalloutBlock,
    ContactBlock,
    KeyPointsBlock,
    ReflectionBlock,
    ResourceBlock,
    SignsBlock,
    TextBlock,
)
from tests.courses.factories import (
    BLOCK_FACTORIES,
    CalloutBlockFactory,
    CourseFactory,
    EnrolmentFactory,
    PathwayFactory,
    TextBlockFactory,
    UnitFactory,
    UnitProgressFactory,
    make_mixed_blocks,
)


@pytest.fixture
def course(db):
    course = CourseFactory()
    for order in (1, 2, 3):
        UnitFactory(course=course, order=order, slug=f"unit-{order}")
    return course


@pytest.fixture
def taxi(course):
    return PathwayFactory(course=course, slug="taxi-drivers", title="Taxi drivers")


@pytest.fixture
def foster(course):
    return PathwayFactory(course=course, slug="foster-carers", title="Foster carers")


# unit_blocks_for_pathway ------------------------------------------------------------------------------


def test_a_pathway_sees_common_blocks_and_its_own_but_not_others(course, taxi, foster):
    unit = course.units.first()
    TextBlockFactory(unit=unit, order=1, heading="Common")
    CalloutBlockFactory(unit=unit, order=2, heading="Taxi only").pathways.set([taxi])
    CalloutBlockFactory(unit=unit, order=3, heading="Foster only").pathways.set([foster])
    TextBlockFactory(unit=unit, order=4, heading="Both").pathways.set([taxi, foster])
    TextBlockFactory(unit=course.units.last(), order=1, heading="Another unit")

    taxi_view = selectors.unit_blocks_for_pathway(unit=unit, pathway=taxi)
    foster_view = selectors.unit_blocks_for_pathway(unit=unit, pathway=foster)

    assert [b.heading for b in taxi_view] == ["Common", "Taxi only", "Both"]
    assert [b.heading for b in foster_view] == ["Common", "Foster only", "Both"]


def test_blocks_come_back_as_their_own_types_in_order(course, taxi):
    unit = course.units.first()
    for position, block_factory in enumerate(reversed(BLOCK_FACTORIES)):
        block_factory(unit=unit, order=position)

    blocks = selectors.unit_blocks_for_pathway(unit=unit, pathway=taxi)

    assert [type(b) for b in blocks] == [
        ResourceBlock,
        ReflectionBlock,
        CalloutBlock,
        ContactBlock,
        SignsBlock,
        KeyPointsBlock,
        TextBlock,
    ]
    assert blocks[0].name == "Say Something"  # a subclass field, loaded without another query


def test_unit_blocks_cost_one_query_plus_one_per_type(course, taxi, foster, django_assert_num_queries):
    unit = course.units.first()
    make_mixed_blocks(unit, pathways=[taxi, foster])
    with django_assert_num_queries(1 + len(BLOCK_FACTORIES)):
        blocks = selectors.unit_blocks_for_pathway(unit=unit, pathway=taxi)
        [b.render_context() for b in blocks]

    make_mixed_blocks(unit, pathways=[taxi, foster])
    with django_assert_num_queries(1 + len(BLOCK_FACTORIES)):
        doubled = selectors.unit_blocks_for_pathway(unit=unit, pathway=taxi)
        [b.render_context() for b in doubled]

    assert len(blocks) == len(BLOCK_FACTORIES) + 2
    assert len(doubled) == 2 * len(blocks)


# Dashboard, current enrolment, outline ----------------------------------------------------------------


def test_dashboard_lists_only_the_learners_own_enrolments_with_progress(user, other_user, taxi, course):
    first, second, third = course.units.order_by("order")
    mine = EnrolmentFactory(learner=user, pathway=taxi, last_unit=second)
    UnitProgressFactory(enrolment=mine, unit=first)
    theirs = EnrolmentFactory(learner=other_user, pathway=taxi)
    for unit in (first, second, third):
        UnitProgressFactory(enrolment=theirs, unit=unit)
    other_course = EnrolmentFactory(learner=user)

    enrolments = list(selectors.enrolment_list_for_dashboard(learner=user))

    assert {e.pk for e in enrolments} == {mine.pk, other_course.pk}
    by_pk = {e.pk: e for e in enrolments}
    assert (by_pk[mine.pk].units_done, by_pk[mine.pk].units_total) == (1, 3)
    assert (by_pk[other_course.pk].units_done, by_pk[other_course.pk].units_total) == (0, 0)


def test_dashboard_selector_is_two_queries_however_many_enrolments(user, django_assert_num_queries):
    """Issue 20: the enrolments, then the units done of all of them; each course's units come from its
    structure (cached per process and content version: read once per new course, then never)."""

    def enrol_on_new_course():
        enrolment = EnrolmentFactory(learner=user)
        units = [UnitFactory(course=enrolment.course, order=order) for order in (1, 2, 3)]
        UnitProgressFactory(enrolment=enrolment, unit=units[0])
        enrolment.last_unit = units[1]
        enrolment.save(update_fields=["last_unit"])

    def read():
        return [
            (e.course.title, e.pathway.title, e.last_unit.title)
            + (e.units_done, e.units_total, e.next_unit_slug)
            for e in selectors.enrolment_list_for_dashboard(learner=user)
        ]

    for _ in range(2):
        enrol_on_new_course()
    with django_assert_num_queries(2 + 2):  # the two new courses' structures, the first time
        assert len(read()) == 2
    for _ in range(3):
        enrol_on_new_course()
    read()
    with django_assert_num_queries(2):
        rows = read()
    assert len(rows) == 5
    assert all(row[3:5] == (1, 3) and row[5] for row in rows)


def test_dashboard_continues_at_the_first_unfinished_unit_in_the_learners_language(user, taxi, course):
    first, second, third = course.units.order_by("order")
    enrolment = EnrolmentFactory(learner=user, pathway=taxi, last_unit=first)
    UnitProgressFactory(enrolment=enrolment, unit=first)
    UnitProgressFactory(enrolment=enrolment, unit=third)
    second.title_en, second.title_cy = "Where it happens", "Ble mae'n digwydd"
    second.save()  # a unit saved in this process: its course's cached structure is forgotten

    (row,) = selectors.enrolment_list_for_dashboard(learner=user)
    assert (row.next_unit_slug, row.next_unit_title, row.units_done) == (second.slug, "Where it happens", 2)
    with translation.override("cy"):
        (row,) = selectors.enrolment_list_for_dashboard(learner=user)
    assert row.next_unit_title == "Ble mae'n digwydd"
    UnitProgressFactory(enrolment=enrolment, unit=second)
    (row,) = selectors.enrolment_list_for_dashboard(learner=user)
    assert (row.next_unit_slug, row.next_unit_title, row.units_done) == (None, None, 3)


def test_enrolment_current_prefers_the_open_enrolment(user, course, taxi):
    assert selectors.enrolment_current(learner=user, course=course) is None
    enrolment = services.enrolment_create(learner=user, pathway=taxi)
    for unit in course.units.all():
        services.unit_complete(enrolment=enrolment, unit=unit)
    assert selectors.enrolment_current(learner=user, course=course).pk == enrolment.pk

    renewal = services.enrolment_create(learner=user, pathway=taxi)

    current = selectors.enrolment_current(learner=user, course=course)
    assert current.pk == renewal.pk
    assert (current.units_done, current.units_total) == (0, 3)


def test_outline_shows_only_this_enrolments_progress(
    user, other_user, course, taxi, django_assert_num_queries
):
    first, second, third = course.units.order_by("order")
    mine = EnrolmentFactory(learner=user, pathway=taxi)
    theirs = EnrolmentFactory(learner=other_user, pathway=taxi)
    UnitProgressFactory(enrolment=mine, unit=second)
    UnitProgressFactory(enrolment=theirs, unit=first)
    UnitProgressFactory(enrolment=theirs, unit=third)

    with django_assert_num_queries(1):
        outline = selectors.course_outline(enrolment=mine)

    assert [(item.number, item.unit.slug, item.is_complete) for item in outline] == [
        (1, "unit-1", False),
        (2, "unit-2", True),
        (3, "unit-3", False),
    ]


@pytest.mark.parametrize(
    ("done", "last_visited", "expected"),
    [
        ([], None, "unit-1"),
        (["unit-1"], None, "unit-2"),
        ([], "unit-2", "unit-1"),  # reading ahead does not move "continue" past an unfinished unit
        (["unit-2"], "unit-2", "unit-1"),
        (["unit-1", "unit-3"], "unit-3", "unit-2"),
        (["unit-1", "unit-2", "unit-3"], "unit-3", None),
    ],
)
def test_outline_next_unit_is_the_first_unfinished_unit(
    user, course, taxi, done, last_visited, expected
):
    units = {u.slug: u for u in course.units.all()}
    enrolment = EnrolmentFactory(learner=user, pathway=taxi, last_unit=units.get(last_visited))
    for slug in done:
        UnitProgressFactory(enrolment=enrolment, unit=units[slug])

    next_unit = selectors.outline_next_unit(selectors.course_outline(enrolment=enrolment), enrolment)

    assert (next_unit.slug if next_unit else None) == expected


def test_unit_neighbours(course):
    first, second, third = course.units.order_by("order")

    assert selectors.unit_neighbours(unit=first) == (None, second)
    assert selectors.unit_neighbours(unit=second) == (first, third)
    assert selectors.unit_neighbours(unit=third) == (second, None)


def test_unpublished_courses_are_not_listed_or_found(course):
    hidden = CourseFactory(is_published=False)

    assert list(selectors.course_list_published()) == [course]
    with pytest.raises(type(hidden).DoesNotExist):
        selectors.course_get_published(slug=hidden.slug)
