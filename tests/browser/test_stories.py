"""Each pathway's story in Chromium at 360 px: by the guide's way to a good end, then back to the start
and by a wrong turn to a poor end; the error summary, the end summary, and the unit's quiz opening
afterwards; axe finds no violations on any of these pages (from the unit page, as a learner goes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses import services as course_services
from courses.models import Pathway, StoryBlock
from tests.courses.story_paths import way_to
from tests.elearning.factories import UserFactory

from .conftest import screenshot
from .test_accessibility import PASSWORD, assert_accessible, log_in

pytestmark = pytest.mark.browser

PATHWAYS = ["taxi-drivers", "hotel-staff", "foster-carers", "school-staff", "parents-carers"]


def _play(page, block: StoryBlock, ending: str, *, check_each_step: bool) -> None:
    """Choose, step by step, the shortest way to an end of this kind, as a learner would."""
    by_key = {step["key"]: step for step in block.steps}
    for step_key, choice_key in way_to(block.steps, ending):
        step = by_key[step_key]
        expect(page.get_by_role("heading", level=1)).to_have_text(step["heading"])
        choice = next(c for c in step["choices"] if c["key"] == choice_key)
        expect(page.get_by_role("group", name="What do you do?")).to_be_visible()
        page.get_by_label(choice["text"], exact=True).check()
        if check_each_step:
            assert_accessible(page, f"{block.key} step {step_key}")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="What followed your last choice")).to_be_visible()


@pytest.mark.parametrize("pathway_slug", PATHWAYS)
def test_a_story_by_the_guides_way_and_by_a_wrong_turn(page, base_url, real_course, pathway_slug):
    learner = UserFactory(email=f"story-{pathway_slug}@example.com", password=PASSWORD, certificate_name="S")
    pathway = Pathway.objects.get(course=real_course, slug=pathway_slug)
    course_services.enrolment_create(learner=learner, pathway=pathway)
    block = StoryBlock.objects.get(unit__course=real_course, pathways=pathway)
    log_in(page, base_url, learner.email)

    page.goto(f"{base_url}/courses/{real_course.slug}/units/pass-it-on/")
    link = page.locator(f'a[href="stories/{block.key}/"]')
    expect(link).to_contain_text("Open the story")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(block.steps[0]["heading"])
    assert_accessible(page, f"{block.key} first step")
    if pathway_slug == "taxi-drivers":  # the error summary, once
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        assert_accessible(page, f"{block.key} error summary")

    _play(page, block, "good", check_each_step=pathway_slug == "taxi-drivers")
    expect(page.get_by_text("This ended well", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="The path you took")).to_be_visible()
    expect(page.get_by_role("heading", name="Why", exact=True)).to_be_visible()
    assert_accessible(page, f"{block.key} good end")
    screenshot(page, f"story-{pathway_slug}-good-end")

    page.get_by_role("button", name="Start the story again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(block.steps[0]["heading"])
    _play(page, block, "poor", check_each_step=False)
    expect(page.get_by_text("This did not end well", exact=True)).to_be_visible()
    expect(page.get_by_text("Start again to find a way through that keeps the child safe.")).to_be_visible()
    assert_accessible(page, f"{block.key} poor end")
    screenshot(page, f"story-{pathway_slug}-poor-end")

    page.get_by_role("link", name="Back to the unit").click()
    page.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_role("heading", name="Quiz: Pass it on: referral routes")).to_be_visible()


def test_the_quiz_sends_the_learner_to_finish_the_story_first(page, base_url, real_course):
    learner = UserFactory(email="story-gate@example.com", password=PASSWORD, certificate_name="G")
    pathway = Pathway.objects.get(course=real_course, slug="hotel-staff")
    course_services.enrolment_create(learner=learner, pathway=pathway)
    log_in(page, base_url, learner.email)

    page.goto(f"{base_url}/courses/{real_course.slug}/units/pass-it-on/")
    page.get_by_role("link", name="Take the quiz").click()

    expect(page.get_by_text("Finish the story “The night desk” first.")).to_be_visible()
    assert_accessible(page, "unit page with the finish-the-story message")


def test_a_story_step_can_be_answered_with_the_keyboard_alone(page, base_url, real_course):
    learner = UserFactory(email="story-keys@example.com", password=PASSWORD, certificate_name="K")
    pathway = Pathway.objects.get(course=real_course, slug="school-staff")
    course_services.enrolment_create(learner=learner, pathway=pathway)
    block = StoryBlock.objects.get(unit__course=real_course, pathways=pathway)
    log_in(page, base_url, learner.email)
    page.goto(f"{base_url}/courses/{real_course.slug}/units/pass-it-on/stories/{block.key}/")

    first = page.locator('input[name="choice"]').first
    first.focus()  # as after tabbing to the group: arrow keys move within it, space picks
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(first).to_be_checked()
    page.keyboard.press("Tab")  # out of the group, to the button
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="What followed your last choice")).to_be_visible()
    expect(page.get_by_text(block.steps[0]["choices"][0]["feedback"].split("\n")[0])).to_be_visible()
