"""Where learners see their organisations' local contacts: a box per organisation below the guide's routes on
the units about passing it on and what happens next and on the course page, never another organisation's
(cache isolation), a Cardiff line for learners with none, escaped, and no extra query once warm."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from courses import services as course_services
from courses.models import Block
from organisations import local_contacts, services
from tests.courses.factories import (
    BLOCK_FACTORIES,
    ContactBlockFactory,
    CourseFactory,
    PathwayFactory,
    UnitFactory,
    make_mixed_blocks,
)
from tests.courses.test_views_queries import UNIT_PAGE_QUERIES, UNIT_PAGE_QUERIES_CACHED, count_queries
from tests.elearning.factories import UserFactory

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db
CARDIFF_LINE = "The numbers in this course are Cardiff's, from the guide."


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Two organisations with different contacts; `both` is in both, `only_a` in A, `only_b` in B, `none` in
    neither, all on the same pathway. Unit 2 is "pass-it-on" (the guide's 999 route, then the box)."""
    course = CourseFactory(slug="cse")
    pathway = PathwayFactory(course=course, slug="hotel-staff")
    units = [
        UnitFactory(course=course, order=1, slug="what-is-cse"),
        UnitFactory(course=course, order=2, slug="pass-it-on"),
        UnitFactory(course=course, order=3, slug="what-happens-next"),
    ]
    ContactBlockFactory(unit=units[1], who="Emergency services", number="999", when="A child in danger.")
    a = OrganisationFactory(name="Alpha Fostering")
    b = OrganisationFactory(name="Beta Hotels")
    manager = UserFactory()
    people = {name: UserFactory() for name in ("both", "only_a", "only_b", "none")}
    with django_capture_on_commit_callbacks(execute=True):
        for organisation, members in ((a, ["both", "only_a"]), (b, ["both", "only_b"])):
            services.membership_add(organisation=organisation, user=manager, role="manager")
            for name in members:
                services.membership_add(organisation=organisation, user=people[name])
        services.local_contact_create(
            organisation=a,
            actor=manager,
            label="Designated safeguarding person",
            name="Ann Alpha",
            phone="020 7946 0001",
            email="dsp@alpha.example",
            when_to_use="Tell Ann the same day.",
        )
        services.local_contact_create(
            organisation=b,
            actor=manager,
            label="Duty manager",
            phone="0161 496 0002",
            when_to_use="Any worry on shift.",
        )
        services.organisation_area_number_set(organisation=b, actor=manager, phone="0113 496 0003")
    for user in people.values():
        course_services.enrolment_create(learner=user, pathway=pathway)
    return course, units, a, b, manager, people


def _page(client, user, course, unit) -> str:
    client.force_login(user)
    response = client.get(reverse("courses:unit", args=[course.slug, unit.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_exactly_their_organisations_boxes_below_the_guides_routes(client, world):
    course, units, *_, people = world
    both = _page(client, people["both"], course, units[1])
    assert both.count('class="local-contacts"') == 2
    assert both.index("From Alpha Fostering: your local contacts") < both.index("From Beta Hotels")
    assert both.index(">999<") < both.index("From Alpha Fostering")  # the guide's route first
    assert 'href="tel:+442079460001">020 7946 0001</a>' in both
    assert 'href="tel:+441614960002">0161 496 0002</a>' in both
    assert 'href="tel:+441134960003">0113 496 0003</a>' in both
    assert 'href="mailto:dsp@alpha.example"' in both and "Tell Ann the same day." in both
    assert CARDIFF_LINE not in both

    only_a = _page(client, people["only_a"], course, units[1])
    assert "From Alpha Fostering" in only_a and "Beta Hotels" not in only_a and "0161 496 0002" not in only_a

    none = _page(client, people["none"], course, units[1])
    assert 'class="local-contacts"' not in none and "Alpha" not in none and "Beta" not in none
    assert CARDIFF_LINE in none and "Your employer or council may have its own safeguarding contacts" in none


def test_only_the_units_about_passing_it_on_and_what_happens_next_show_the_box(client, world):
    course, units, *_, people = world
    assert "From Alpha Fostering" not in _page(client, people["only_a"], course, units[0])
    assert "From Alpha Fostering" in _page(client, people["only_a"], course, units[2])
    response = client.get(reverse("courses:detail", args=[course.slug]))
    assert "From Alpha Fostering: your local contacts" in response.content.decode()


def test_the_cached_unit_page_never_shows_one_organisations_box_to_anothers_members(client, world):
    """Same unit, same pathway, so the same cached blocks; each reader still gets only their own box."""
    course, units, *_, people = world
    for first, second in (("only_b", "only_a"), ("only_a", "only_b"), ("both", "none"), ("none", "only_b")):
        cache.clear()
        _page(client, people[first], course, units[1])
        html = _page(client, people[second], course, units[1])
        expected = {"only_a": {"Alpha"}, "only_b": {"Beta"}, "none": set(), "both": {"Alpha", "Beta"}}[second]
        shown = {name for name in ("Alpha", "Beta") if f"From {name}" in html}
        assert shown == expected, (first, second)


def test_a_change_reaches_members_at_once_and_a_removed_member_loses_the_box(
    client, world, django_capture_on_commit_callbacks
):
    course, units, a, b, manager, people = world
    _page(client, people["only_a"], course, units[1])  # warm every cache
    contact = local_contacts.contacts_for_manager(organisation=a).get()
    with django_capture_on_commit_callbacks(execute=True):
        services.local_contact_update(
            contact=contact,
            actor=manager,
            label="Head of care",
            phone="020 7946 0009",
            when_to_use="Any time.",
        )
    html = client.get(reverse("courses:unit", args=[course.slug, units[1].slug])).content.decode()
    assert "Head of care" in html and "020 7946 0001" not in html
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=a.memberships.get(user=people["only_a"]))
    html = client.get(reverse("courses:unit", args=[course.slug, units[1].slug])).content.decode()
    assert "Alpha" not in html and CARDIFF_LINE in html


def test_contacts_are_escaped(client, world, django_capture_on_commit_callbacks):
    course, units, a, b, manager, people = world
    with django_capture_on_commit_callbacks(execute=True):
        services.local_contact_create(
            organisation=a,
            actor=manager,
            label="<script>alert(1)</script>",
            name="<b>Bo</b>",
            phone="020 7946 0004",
            when_to_use='"Quote" & <i>tag</i>',
            email="x@alpha.example",
        )
    html = _page(client, people["only_a"], course, units[1])
    assert "<script>alert(1)</script>" not in html and "<b>Bo</b>" not in html and "<i>tag</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&quot;Quote&quot; &amp; &lt;i&gt;" in html


def test_the_unit_page_costs_no_extra_query_for_the_boxes(client, world, django_capture_on_commit_callbacks):
    """The pinned unit page (tests/courses/test_views_queries.py) for a learner in two organisations: the
    same counts as for a learner in none, cold and warm. Only if the boxes were evicted from the cache does
    reading them cost one query, however many organisations."""
    course, units, a, b, manager, people = world
    pathways = [people["both"].enrolments.get().pathway, PathwayFactory(course=course)]
    for unit in units:
        make_mixed_blocks(unit, pathways=pathways)
    for model in [Block, *(factory._meta.model for factory in BLOCK_FACTORIES)]:
        ContentType.objects.get_for_model(model, for_concrete_model=False)
    url = reverse("courses:unit", args=[course.slug, units[1].slug])
    results = {}
    for name in ("none", "both"):
        enrolment = people[name].enrolments.get()
        course_services.unit_visit(enrolment=enrolment, unit=units[1])
        client.force_login(people[name])
        course_services.course_content_touched(course_id=course.pk)  # cold blocks for each
        cold, cold_html = count_queries(client, url)
        warm, _ = count_queries(client, url)
        results[name] = (cold, warm)
    assert results["none"] == results["both"] == (UNIT_PAGE_QUERIES, UNIT_PAGE_QUERIES_CACHED)
    assert "From Alpha Fostering" in cold_html and "From Beta Hotels" in cold_html

    cache.delete_many([local_contacts.organisation_key(a.pk), local_contacts.organisation_key(b.pk)])
    evicted, html = count_queries(client, url)
    assert evicted == UNIT_PAGE_QUERIES_CACHED + 1
    assert "From Alpha Fostering" in html and "From Beta Hotels" in html
