"""courses.views: access, the learner flow, rendering of every block type, and pinned query counts."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from courses import services
from courses.loading import load_courses
from courses.models import Block, CalloutBlock, Course, Enrolment, ResourceBlock, UnitProgress
from tests.certificates.helpers import pass_quiz
from tests.courses.content_edits import edit
from tests.courses.factories import (
    BLOCK_FACTORIES,
    CalloutBlockFactory,
    ContactBlockFactory,
    CourseFactory,
    EnrolmentFactory,
    KeyPointsBlockFactory,
    PathwayFactory,
    ReflectionBlockFactory,
    ResourceBlockFactory,
    SignsBlockFactory,
    TextBlockFactory,
    UnitFactory,
    UnitProgressFactory,
    make_mixed_blocks,
)


def unit_url(course, unit_slug: str) -> str:
    return reverse("courses:unit", kwargs={"course_slug": course.slug, "unit_slug": unit_slug})


def read_url(course, unit_slug: str) -> str:
    return reverse("courses:unit_read", kwargs={"course_slug": course.slug, "unit_slug": unit_slug})


def detail_url(course) -> str:
    return reverse("courses:detail", kwargs={"course_slug": course.slug})


def start_url(course) -> str:
    return reverse("courses:start", kwargs={"course_slug": course.slug})


def enrol_url(course) -> str:
    return reverse("courses:enrol", kwargs={"course_slug": course.slug})


def enrol_in_sample(user, course, pathway_slug: str = "taxi-drivers") -> Enrolment:
    return services.enrolment_create(learner=user, pathway=course.pathways.get(slug=pathway_slug))


# Access -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", lambda c: reverse("courses:dashboard")),
        ("get", detail_url),
        ("get", start_url),
        ("get", lambda c: unit_url(c, "signs")),
        ("post", lambda c: read_url(c, "next-steps")),
        ("post", enrol_url),
    ],
    ids=["dashboard", "detail", "start", "unit", "mark-as-read", "enrol"],
)
def test_anonymous_users_are_sent_to_log_in(client, sample_course, method, url):
    target = url(sample_course)

    response = getattr(client, method)(target, {"pathway": "taxi-drivers"} if method == "post" else None)

    assertRedirects(response, f"{reverse('login')}?next={target}", fetch_redirect_response=False)
    assert Enrolment.objects.count() == 0
    assert UnitProgress.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        reverse("courses:detail", kwargs={"course_slug": "no-such-course"}),
        reverse("courses:start", kwargs={"course_slug": "no-such-course"}),
        reverse("courses:unit", kwargs={"course_slug": "no-such-course", "unit_slug": "signs"}),
        reverse("courses:unit", kwargs={"course_slug": "sample-course", "unit_slug": "no-such-unit"}),
    ],
    ids=["detail", "start", "unit-of-unknown-course", "unknown-unit"],
)
def test_unknown_course_or_unit_is_404(learner_client, user, sample_course, url):
    enrol_in_sample(user, sample_course)

    assert learner_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("courses:enrol", kwargs={"course_slug": "no-such-course"}),
        reverse("courses:unit_read", kwargs={"course_slug": "sample-course", "unit_slug": "no-such-unit"}),
    ],
    ids=["enrol", "mark-as-read"],
)
def test_posting_to_an_unknown_course_or_unit_is_404(learner_client, user, sample_course, url):
    enrol_in_sample(user, sample_course)

    assert learner_client.post(url, {"pathway": "taxi-drivers"}).status_code == 404


def test_unpublished_course_is_404(learner_client, sample_course):
    sample_course.is_published = False
    sample_course.save(update_fields=["is_published"])

    assert learner_client.get(detail_url(sample_course)).status_code == 404


@pytest.mark.parametrize(
    "url", [enrol_url, lambda c: read_url(c, "next-steps")], ids=["enrol", "mark-as-read"]
)
def test_get_on_post_only_endpoints_is_405(learner_client, user, sample_course, url):
    enrol_in_sample(user, sample_course)

    assert learner_client.get(url(sample_course)).status_code == 405
    assert UnitProgress.objects.count() == 0


def test_unit_page_needs_an_enrolment(learner_client, sample_course):
    response = learner_client.get(unit_url(sample_course, "signs"))

    assertRedirects(response, detail_url(sample_course), fetch_redirect_response=False)


def test_mark_as_read_needs_an_enrolment(learner_client, sample_course):
    assert learner_client.post(read_url(sample_course, "next-steps")).status_code == 404
    assert UnitProgress.objects.count() == 0


# Another learner's progress ---------------------------------------------------------------------------


@pytest.fixture
def other_learner_finished(other_user, sample_course):
    """other_user has completed every unit of the sample course on the foster-carers pathway."""
    enrolment = enrol_in_sample(other_user, sample_course, "foster-carers")
    for unit in sample_course.units.all():
        services.unit_complete(enrolment=enrolment, unit=unit)
    return enrolment


def test_dashboard_shows_only_my_enrolments(learner_client, user, other_learner_finished, sample_course):
    mine = EnrolmentFactory(learner=user, pathway=PathwayFactory(title="My own pathway"))

    response = learner_client.get(reverse("courses:dashboard"))

    assert [e.pk for e in response.context["enrolments"]] == [mine.pk]
    assertContains(response, mine.course.title)
    assertContains(response, "My own pathway")
    assertNotContains(response, "Foster carers")
    assertNotContains(response, "Completed")
    # The other learner's course is offered to me, not shown as mine.
    assertContains(response, f'<a href="{detail_url(sample_course)}">{sample_course.title}</a>', html=True)


def test_unit_pages_and_outline_show_my_progress_not_theirs(
    learner_client, user, other_learner_finished, sample_course
):
    enrol_in_sample(user, sample_course)

    unit_page = learner_client.get(unit_url(sample_course, "next-steps"))
    outline = learner_client.get(detail_url(sample_course))

    assert unit_page.context["is_complete"] is False
    assertContains(unit_page, "Mark as read and continue")
    assertNotContains(unit_page, "You have completed this unit")
    assert [item.is_complete for item in outline.context["outline"]] == [False, False, False]
    assertContains(outline, "0 of 3 units complete")
    assertContains(outline, "Taxi and private-hire drivers")
    assertNotContains(outline, "tag--done")
    assertNotContains(outline, "You completed this course")


def test_dashboard_without_enrolments_offers_courses(learner_client, sample_course):
    response = learner_client.get(reverse("courses:dashboard"))

    assertContains(response, "You have not started a course yet.")
    assertContains(response, detail_url(sample_course))


# Choosing a pathway and starting ----------------------------------------------------------------------


def test_course_page_asks_for_a_pathway_before_enrolment(learner_client, sample_course):
    response = learner_client.get(detail_url(sample_course))

    assert [t.name for t in response.templates][0] == "courses/choose_pathway.html"
    assertContains(response, 'value="taxi-drivers"')
    assertContains(response, 'value="foster-carers"')
    assertNotContains(response, "There is a problem")


@pytest.mark.parametrize(
    "data", [{}, {"pathway": ""}, {"pathway": "hotel-staff"}], ids=["none", "blank", "unknown"]
)
def test_choosing_no_or_an_unknown_pathway_is_400_with_the_error_summary(learner_client, sample_course, data):
    response = learner_client.post(enrol_url(sample_course), data)

    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, 'class="error-summary"', status_code=400)
    assertContains(response, "Choose the role that fits you best.", count=2, status_code=400)
    assertContains(response, "<title>Error: Choose your role", status_code=400)
    assert Enrolment.objects.count() == 0


def test_enrolling_redirects_to_the_start_page_with_content_note_and_pathway_intro(
    learner_client, user, sample_course
):
    response = learner_client.post(enrol_url(sample_course), {"pathway": "foster-carers"}, follow=True)

    assertRedirects(response, start_url(sample_course))
    enrolment = Enrolment.objects.get()
    assert (enrolment.learner, enrolment.pathway.slug) == (user, "foster-carers")
    assertContains(
        response, "This topic can be distressing. If a child is in immediate danger, call <strong>999"
    )
    assertContains(response, '<h2 id="pathway-intro">Foster carers</h2>', html=True)
    assertContains(response, "You know the child in your care best.")
    assertNotContains(response, "Taxis are one of the places the guide names.")
    assertContains(response, unit_url(sample_course, "signs"))


def test_start_page_without_enrolment_goes_to_choose_pathway(learner_client, sample_course):
    response = learner_client.get(start_url(sample_course))

    assertRedirects(response, detail_url(sample_course), fetch_redirect_response=False)


def test_choosing_another_pathway_after_starting_keeps_the_first(learner_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course, "taxi-drivers")
    services.unit_complete(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))

    response = learner_client.post(enrol_url(sample_course), {"pathway": "foster-carers"}, follow=True)

    assertRedirects(response, detail_url(sample_course))
    assertContains(response, "You are already on the Taxi and private-hire drivers pathway of this course.")
    assert Enrolment.objects.get().pathway.slug == "taxi-drivers"


# Unit pages and mark as read --------------------------------------------------------------------------


def test_unit_page_shows_outcomes_neighbours_and_the_quiz_link(learner_client, user, sample_course):
    enrol_in_sample(user, sample_course)

    response = learner_client.get(unit_url(sample_course, "pass-it-on"))

    assertContains(response, "<h1>Pass it on</h1>", html=True)
    assertContains(response, "Unit 2 of 3")
    assertContains(response, "choose the right number to call")
    assertContains(response, f'href="{unit_url(sample_course, "signs")}" rel="prev"')
    assertContains(response, f'href="{unit_url(sample_course, "next-steps")}" rel="next"')
    assertContains(response, "Take the quiz")
    assertNotContains(response, "Mark as read")


def test_mark_as_read_is_refused_on_a_unit_completed_by_its_quiz(learner_client, user, sample_course):
    enrol_in_sample(user, sample_course)
    assert sample_course.units.get(slug="signs").completed_by_quiz

    response = learner_client.post(read_url(sample_course, "signs"))

    assert response.status_code == 400
    assert UnitProgress.objects.count() == 0


def test_mark_as_read_completes_the_unit_and_moves_on(learner_client, user):
    course = CourseFactory()
    pathway = PathwayFactory(course=course)
    first = UnitFactory(course=course, order=1, slug="first")
    UnitFactory(course=course, order=2, slug="second")
    enrolment = services.enrolment_create(learner=user, pathway=pathway)

    response = learner_client.post(read_url(course, "first"))

    assertRedirects(response, unit_url(course, "second"), fetch_redirect_response=False)
    assert list(UnitProgress.objects.values_list("enrolment_id", "unit_id")) == [(enrolment.pk, first.pk)]
    assert Enrolment.objects.get().completed_at is None
    page = learner_client.get(unit_url(course, "first"))
    assertContains(page, "You have completed this unit.")


def test_mark_as_read_on_the_last_unit_completes_the_enrolment(learner_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course)
    for slug in ("signs", "pass-it-on"):  # completed by their quizzes (the completion rule needs them passed)
        pass_quiz(enrolment=enrolment, unit=sample_course.units.get(slug=slug))

    response = learner_client.post(read_url(sample_course, "next-steps"))

    assertRedirects(response, detail_url(sample_course), fetch_redirect_response=False)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.content_version == sample_course.version
    assertContains(learner_client.get(detail_url(sample_course)), "You completed this course on")
    # Reading again changes nothing.
    learner_client.post(read_url(sample_course, "next-steps"))
    assert UnitProgress.objects.filter(enrolment=enrolment).count() == 3


def test_dashboard_continue_where_you_left_off_points_to_the_last_visited_unit(
    learner_client, user, sample_course
):
    enrol_in_sample(user, sample_course)
    start = learner_client.get(reverse("courses:dashboard"))
    assertContains(start, f'href="{start_url(sample_course)}"')

    learner_client.get(unit_url(sample_course, "pass-it-on"))
    response = learner_client.get(reverse("courses:dashboard"))

    link = re.search(
        r'<a class="button" href="([^"]+)">Continue where you left off', response.content.decode()
    )
    assert link is not None
    assert link.group(1) == unit_url(sample_course, "pass-it-on")
    assertContains(response, "You were last reading “Pass it on”.")
    assertContains(response, "0 of 3 units complete (0%)")


def test_course_overview_continues_from_the_last_visited_unit(learner_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course)
    services.unit_complete(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    learner_client.get(unit_url(sample_course, "next-steps"))

    response = learner_client.get(detail_url(sample_course))

    assertContains(response, "1 of 3 units complete (33%)")
    assertContains(
        response, f'href="{unit_url(sample_course, "next-steps")}">Continue: What happens next</a>'
    )
    assertContains(response, "About 14 minutes of reading")


# Pathway-limited blocks and rendering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway", "sees", "does_not_see"),
    [
        ("taxi-drivers", "In your role: drivers", "In your role: foster carers"),
        ("foster-carers", "In your role: foster carers", "In your role: drivers"),
    ],
)
def test_unit_page_shows_common_blocks_and_only_my_pathways(
    learner_client, user, sample_course, pathway, sees, does_not_see
):
    enrol_in_sample(user, sample_course, pathway)

    response = learner_client.get(unit_url(sample_course, "signs"))

    assertContains(response, "Children often show rather than tell")
    assertContains(response, "They take taxis and you don&#x27;t know who is paying")
    assertContains(response, "Reassure them it is not their fault")
    assertContains(response, sees)
    assertNotContains(response, does_not_see)
    assert len(response.context["blocks"]) == 6


@pytest.fixture
def one_of_each(user):
    """A unit with one block of every type, each with values that only its own template would show."""
    course = CourseFactory()
    pathway = PathwayFactory(course=course)
    unit = UnitFactory(course=course, order=1, slug="all-blocks")
    services.enrolment_create(learner=user, pathway=pathway)
    TextBlockFactory(unit=unit, order=1, heading="Plain text", body="Children may be **groomed** online.")
    KeyPointsBlockFactory(
        unit=unit, order=2, heading="", points=["Talk to them", "Write it down", "Pass it on"]
    )
    SignsBlockFactory(
        unit=unit,
        order=3,
        heading="",
        intro="From the *guide*.",
        signs=["Going missing", "Unexplained gifts", "Older boyfriend"],
    )
    ContactBlockFactory(
        unit=unit,
        order=4,
        heading="",
        who="MASH",
        number="02920 536490",
        when="For *advice*.",
        note="Office hours.",
    )
    CalloutBlockFactory(
        unit=unit, order=5, heading="", style=CalloutBlock.Style.EMERGENCY, body="Call **999**."
    )
    ReflectionBlockFactory(unit=unit, order=6, heading="", prompt="What would *you* do?")
    ResourceBlockFactory(
        unit=unit,
        order=7,
        heading="",
        name="Say Something",
        kind=ResourceBlock.Kind.HELPLINE,
        description="Free and anonymous.",
        number="116 000",
        url="https://example.org/say",
    )
    return course, unit


def sections(response, css_class: str) -> list[str]:
    return re.findall(rf'<section class="{css_class}".*?</section>', response.content.decode(), re.S)


def test_every_block_type_renders_with_its_own_template(learner_client, one_of_each):
    course, unit = one_of_each

    response = learner_client.get(unit_url(course, unit.slug))

    used = {t.name for t in response.templates if t.name.startswith("courses/blocks/")}
    assert used >= {
        f"courses/blocks/{name}.html"
        for name in ("text", "key_points", "signs", "contact", "callout", "reflection", "resource")
    }
    (text,) = sections(response, "block block--text")
    assert "Plain text</h2>" in text and "<strong>groomed</strong>" in text
    (points,) = sections(response, "block key-points")
    assert ">Key points</h2>" in points
    assert re.findall(r"<li>(.*?)</li>", points) == ["Talk to them", "Write it down", "Pass it on"]
    (signs,) = sections(response, "block signs")
    assert ">Signs to look out for</h2>" in signs and "<em>guide</em>" in signs
    assert re.findall(r"<li>(.*?)</li>", signs) == ["Going missing", "Unexplained gifts", "Older boyfriend"]
    (contact,) = sections(response, "block contact")
    assert ">MASH</h2>" in contact
    assert 'Call <a href="tel:02920536490">02920 536490</a>' in contact
    assert "<em>advice</em>" in contact and "Office hours." in contact
    (callout,) = sections(response, "block callout callout--emergency")
    assert '<p class="callout__label">Emergency</p>' in callout and "<strong>999</strong>" in callout
    (reflection,) = sections(response, "block reflection")
    assert ">Stop and think</h2>" in reflection and "<em>you</em>" in reflection
    assert "Your answer is not recorded." in reflection
    (resource,) = sections(response, "block resource")
    assert ">Say Something</h2>" in resource and ">Helpline</span>" in resource
    assert '<a href="tel:116000"><strong>116 000</strong></a>' in resource
    assert 'href="https://example.org/say"' in resource


@pytest.mark.parametrize(
    ("style", "label"), [("emergency", "Emergency"), ("important", "Important"), ("role", "In your role")]
)
def test_callout_styles_have_their_own_label(learner_client, one_of_each, style, label):
    course, unit = one_of_each
    CalloutBlock.objects.update(style=style)

    response = learner_client.get(unit_url(course, unit.slug))

    (callout,) = sections(response, f"block callout callout--{style}")
    assert f'<p class="callout__label">{label}</p>' in callout


def test_markdown_in_content_files_is_sanitised_on_the_unit_page(db, content_root, user, client):
    edit(
        content_root / "sample-course/units/03-next-steps.yaml",
        "    body: A meeting will take place with all the people working with the child.\n",
        "    body: |\n"
        "      A **meeting** will take place.\n"
        "      <script>alert('boom')</script>\n"
        '      <img src="x.png" onerror="alert(1)">\n'
        '      [Click here](javascript:alert(2)) or <a href="javascript:alert(3)">here</a>.\n'
        '      <p onclick="alert(4)" style="color:red">Styled</p>\n',
    )
    load_courses(content_root)
    course = Course.objects.get()
    enrol_in_sample(user, course)
    client.force_login(user)

    response = client.get(unit_url(course, "next-steps"))

    html = response.content.decode()
    (block,) = [s for s in sections(response, "block block--text") if "meeting" in s]
    assert "A <strong>meeting</strong> will take place." in block
    assert "Click here" in block and "Styled" in block
    for dangerous in ("<script", "alert(", "onerror", "javascript:", "onclick", "style=", "<img"):
        assert dangerous not in block, dangerous
    assert "alert(" not in html and "javascript:" not in html


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


# user (the session comes from the cache), course, unit, enrolment with progress, base block rows + one per
# block type (7), neighbouring units, is this unit complete.
UNIT_PAGE_QUERIES = 1 + 1 + 1 + 1 + 1 + len(BLOCK_FACTORIES) + 1 + 1
# The same page again: its rendered blocks come from the cache, keyed on the course's version and last change.
UNIT_PAGE_QUERIES_CACHED = UNIT_PAGE_QUERIES - 1 - len(BLOCK_FACTORIES)
# user (session from the cache), course + pathways, enrolment with progress, outline.
OVERVIEW_QUERIES = 1 + 2 + 1 + 1
# user (session from the cache), enrolments with progress, published courses.
DASHBOARD_QUERIES = 1 + 1 + 1


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


def test_first_visit_to_a_unit_adds_only_the_last_unit_update(learner_client, big_course):
    course, _, units = big_course

    queries, _ = count_queries(learner_client, unit_url(course, units[2].slug))

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

    enrol_on_another_course()
    small, small_html = count_queries(learner_client, reverse("courses:dashboard"))
    double_blocks(course, pathways)
    for _ in range(3):
        enrol_on_another_course()
    large, large_html = count_queries(learner_client, reverse("courses:dashboard"))

    assert small == large == DASHBOARD_QUERIES
    assert small_html.count("Continue where you left off") == 2
    assert large_html.count("Continue where you left off") == 5
    assert large_html.count("1 of 3 units complete") == 5


def test_sample_unit_page_stays_within_the_pinned_count(learner_client, user, sample_course):
    """The real loader's output (quiz units, pathway-limited blocks) costs no more than the pinned page."""
    enrol_in_sample(user, sample_course)
    for unit in sample_course.units.all():
        learner_client.get(unit_url(sample_course, unit.slug))

        queries, _ = count_queries(learner_client, unit_url(sample_course, unit.slug))

        assert queries <= UNIT_PAGE_QUERIES, unit.slug
