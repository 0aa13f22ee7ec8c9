"""courses.views: access, another learner's progress, choosing a pathway, unit pages and mark as read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from courses import services
from courses.models import Enrolment, UnitProgress
from tests.certificates.helpers import pass_quiz
from tests.courses.factories import CourseFactory, EnrolmentFactory, PathwayFactory, UnitFactory
from tests.courses.view_helpers import detail_url, enrol_in_sample, enrol_url, read_url, start_url, unit_url

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
        response,
        "This topic can be distressing. If a child is in immediate danger, call "
        '<a href="tel:999" rel="noopener noreferrer"><strong>999',
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


def test_dashboard_and_course_page_continue_at_the_same_first_unfinished_unit(
    learner_client, user, sample_course
):
    enrolment = enrol_in_sample(user, sample_course)
    start = learner_client.get(reverse("courses:dashboard"))
    assertContains(start, f'href="{start_url(sample_course)}"')
    assertContains(start, "Start the course")

    # Unit 1 done, then the learner reads ahead to unit 3: both buttons go to unit 2.
    services.unit_complete(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    learner_client.get(unit_url(sample_course, "next-steps"))
    dashboard = learner_client.get(reverse("courses:dashboard"))
    link = re.search(r'<a class="button" href="([^"]+)">Continue: Pass it on', dashboard.content.decode())
    assert link is not None
    assert link.group(1) == unit_url(sample_course, "pass-it-on")
    assertNotContains(dashboard, "Start the course")
    assertContains(dashboard, "1 of 3 units complete (33%)")
    overview = learner_client.get(detail_url(sample_course))
    assertContains(overview, f'href="{unit_url(sample_course, "pass-it-on")}">Continue: Pass it on</a>')


def test_someone_with_units_done_is_never_told_to_start(learner_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course)
    services.unit_complete(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    assert enrolment.last_unit_id is None  # completed without the page being recorded as visited
    dashboard = learner_client.get(reverse("courses:dashboard"))
    assertNotContains(dashboard, "Start the course")
    assertContains(dashboard, "Continue: Pass it on")


def test_course_overview_continues_from_the_first_unfinished_unit(learner_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course)
    services.unit_complete(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    learner_client.get(unit_url(sample_course, "next-steps"))

    response = learner_client.get(detail_url(sample_course))

    assertContains(response, "1 of 3 units complete (33%)")
    assertContains(response, f'href="{unit_url(sample_course, "pass-it-on")}">Continue: Pass it on</a>')
    assertContains(response, "About 14 minutes of reading")
