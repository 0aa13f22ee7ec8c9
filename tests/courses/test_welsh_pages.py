"""Course pages in Welsh (issue 21): each page type in Welsh, with none of its own English left; the unit
page's cached blocks kept apart per language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.loading import load_courses
from courses.models import Course, StoryBlock
from courses.templatetags.courses_tags import duration
from tests.certificates.helpers import pass_quiz
from tests.courses.story_paths import way_to
from tests.courses.test_stories_loading import add_story
from tests.courses.view_helpers import detail_url, enrol_in_sample, start_url, unit_url
from tests.courses.welsh_helpers import assert_welsh, english_phrases

pytestmark = pytest.mark.django_db

# The sample unit's own headings ("In your role: drivers"): course text, in English until it has Welsh.
SIGNS_HEADINGS = ("In your role",)


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A Welsh request leaves Welsh active in this thread: later tests calling services directly expect
    English."""
    yield
    translation.deactivate()


@pytest.fixture
def welsh_client(learner_client):
    learner_client.cookies["language"] = "cy"
    return learner_client


def test_the_phrases_checked_are_the_pages_english():
    phrases = english_phrases()
    assert "Mark as read and continue" in phrases and "Select all that apply" in phrases
    assert len(phrases) > 100


def test_dashboard_and_choosing_a_role_in_welsh(welsh_client, sample_course):
    assert_welsh(welsh_client.get(reverse("courses:dashboard")), "Eich cyrsiau", "Cyrsiau y gallwch eu dilyn")
    assert_welsh(welsh_client.get(detail_url(sample_course)), "Pa rôl sydd fwyaf addas i chi?", "Parhau")
    refused = welsh_client.post(reverse("courses:enrol", args=[sample_course.slug]), {"pathway": "nobody"})
    assert refused.status_code == 400
    assert_welsh(refused, "Mae problem wedi codi", "Dewiswch y rôl sydd fwyaf addas i chi.", "Gwall:")


def test_course_start_and_unit_pages_in_welsh(welsh_client, user, sample_course):
    enrol_in_sample(user, sample_course)
    assert_welsh(
        welsh_client.get(detail_url(sample_course)), "Eich rôl:", "Dechrau:", "Unedau", "Heb ei chwblhau"
    )
    assert_welsh(welsh_client.get(start_url(sample_course)), "Cyn i chi ddechrau", "Am y cwrs hwn")
    page = assert_welsh(
        welsh_client.get(unit_url(sample_course, "signs")),
        "Uned 1 o 3 · tua",
        "Pwyntiau allweddol",  # a block's own heading when it has none: inside the cached blocks
        "Gwneud y cwis",
        "Os yw hyn yn effeithio arnoch chi",
        content=SIGNS_HEADINGS,
    )
    assert "Briwsion bara" in page
    assert_welsh(welsh_client.get(unit_url(sample_course, "next-steps")), "Nodi fel wedi'i darllen a pharhau")


def test_the_cached_unit_blocks_are_kept_per_language(learner_client, user, sample_course):
    enrol_in_sample(user, sample_course)
    english = learner_client.get(unit_url(sample_course, "signs")).content.decode()
    assert "Key points" in english and '<html lang="en"' in english
    learner_client.cookies["language"] = "cy"
    assert_welsh(
        learner_client.get(unit_url(sample_course, "signs")), "Pwyntiau allweddol", content=SIGNS_HEADINGS
    )
    learner_client.cookies["language"] = "en"
    again = learner_client.get(unit_url(sample_course, "signs")).content.decode()
    assert "Key points" in again and "Pwyntiau allweddol" not in again


def test_change_role_in_welsh(welsh_client, user, sample_course):
    enrolment = enrol_in_sample(user, sample_course)
    pass_quiz(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    url = reverse("courses:change_role", args=[sample_course.slug])
    assert_welsh(welsh_client.get(url), "Pa rôl sy'n fwy addas i chi?", "Gweld beth sy'n newid")
    plan = assert_welsh(welsh_client.get(url, {"pathway": "foster-carers"}), "Newid fy rôl i", "uned eto")
    assert "Byddwch yn gwneud 1 uned eto</strong>, oherwydd ei bod yn wahanol" in plan
    changed = welsh_client.post(url, {"pathway": "foster-carers"}, follow=True)
    assert_welsh(changed, "Eich rôl nawr yw", "1 uned i'w gwneud eto.")


@pytest.fixture
def story_course(db, content_root, course_dir) -> Course:
    add_story(course_dir)
    load_courses(content_root)
    return Course.objects.get(slug="sample-course")


def test_story_pages_in_welsh(welsh_client, user, story_course):
    enrolment = enrol_in_sample(user, story_course)
    services.unit_visit(enrolment=enrolment, unit=story_course.units.get(slug="pass-it-on"))
    url = reverse("courses:story", args=[story_course.slug, "pass-it-on", "late-fare"])
    assert_welsh(welsh_client.get(url), "Beth ydych chi'n ei wneud?", "Stori: A late fare · cam 1", "Parhau")
    missing = welsh_client.post(url, {"step": "pick-up"})
    assert_welsh(missing, "Mae problem wedi codi", "Dewiswch beth rydych yn ei wneud nesaf")
    steps = StoryBlock.objects.get(key="late-fare").steps
    for step_key, choice_key in way_to(steps, "poor"):
        assert welsh_client.post(url, {"step": step_key, "choice": choice_key}).status_code == 302
    end = assert_welsh(welsh_client.get(url), "Y diwedd:", "Y camau a gymeroch", "Dechrau'r stori eto")
    assert "Ni ddaeth hyn i ben yn dda" in end
    assert_welsh(welsh_client.get(unit_url(story_course, "pass-it-on")), "Agor y stori")


def test_durations_in_welsh():
    with translation.override("cy"):
        assert duration(3900) == "1 awr 5 munud"
        assert duration(20) == "llai na munud"
    with translation.override("en"):
        assert duration(7200 + 120) == "2 hours 2 minutes"
