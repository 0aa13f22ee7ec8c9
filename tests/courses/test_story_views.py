"""Story pages: walking a story one step per page, going back to the start, resuming, the end summary, bad
and stale submissions, and the unit's quiz (and "mark as read") opening only once the story has ended."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from courses import services
from courses.loading import load_courses
from courses.models import Course, StoryBlock, StoryRun, StoryRunChoice, UnitProgress
from tests.courses.story_paths import way_to
from tests.courses.test_stories_loading import STORY, add_story
from tests.courses.view_helpers import enrol_in_sample, read_url, unit_url

# A third choice on the way leads back to the pick-up: a wrong turn that loops, with a way out.
LOOPING = STORY.replace(
    "            feedback: She goes with a man.\n",
    "            feedback: She goes with a man.\n"
    "          - key: back-round\n            text: Drive round the block and think again\n"
    "            next: pick-up\n            feedback: You are back where you started.\n",
)


@pytest.fixture
def story_course(db, content_root, course_dir) -> Course:
    add_story(course_dir, LOOPING)  # unit 2, which has a quiz
    path = course_dir / "units/03-next-steps.yaml"  # unit 3: read, no quiz
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + STORY, encoding="utf-8")
    load_courses(content_root)
    return Course.objects.get(slug="sample-course")


@pytest.fixture
def enrolment(story_course, user):
    return enrol_in_sample(user, story_course, "taxi-drivers")


def story_url(course, unit_slug: str = "pass-it-on", key: str = "late-fare") -> str:
    return reverse("courses:story", args=[course.slug, unit_slug, key])


def again_url(course, unit_slug: str = "pass-it-on") -> str:
    return reverse("courses:story_start_again", args=[course.slug, unit_slug, "late-fare"])


def quiz_url(course, unit_slug: str = "pass-it-on") -> str:
    return reverse("quizzes:take", args=[course.slug, unit_slug])


def choose(client, course, step: str, choice: str, unit_slug: str = "pass-it-on"):
    return client.post(story_url(course, unit_slug), {"step": step, "choice": choice})


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Walking ----------------------------------------------------------------------------------------------


def test_the_unit_page_links_to_its_story(learner_client, story_course, enrolment):
    page = learner_client.get(unit_url(story_course, "pass-it-on"))

    assertContains(page, '<h2 id="block-')
    assertContains(page, "A late fare")
    href = 'href="stories/late-fare/"'
    assertContains(page, href)
    assert urljoin(unit_url(story_course, "pass-it-on"), "stories/late-fare/") == story_url(story_course)


def test_walking_the_guides_way_records_each_choice_and_ends_in_the_summary(
    learner_client, story_course, enrolment
):
    first = learner_client.get(story_url(story_course))
    assertContains(first, "<h1>The pick-up</h1>", html=False)
    assertContains(first, "You are driving late on a Saturday.")  # the intro, on the first step only
    assertContains(first, "<legend>What do you do?</legend>")
    assertContains(first, 'type="radio" name="choice" id="choice-watch" value="watch"')
    assertNotContains(first, "Back to the start of the story")

    assertRedirects(choose(learner_client, story_course, "pick-up", "watch"), story_url(story_course))
    second = learner_client.get(story_url(story_course))
    assertContains(second, "<h1>On the way</h1>")
    assertContains(second, "step 2")
    assertContains(second, "You are paying attention.")  # the feedback of the choice just made
    assertNotContains(second, "You are driving late on a Saturday.")

    choose(learner_client, story_course, "on-the-way", "call")
    end = learner_client.get(story_url(story_course))

    assertContains(end, "This ended well")
    assertContains(end, "<h2>What happened</h2>")
    assertContains(end, "The police came.")
    assertContains(end, "You called")
    assertContains(end, '<h2 id="path-title">The path you took</h2>')
    for text in ("Take the job and watch", "You are paying attention.", "Stop somewhere safe and call 999"):
        assertContains(end, text)
    run = StoryRun.objects.get(enrolment=enrolment)
    assert (run.story_key, run.current_step, run.ending) == ("late-fare", "good-end", "good")
    assert run.ended_at is not None and run.abandoned_at is None
    made = list(StoryRunChoice.objects.filter(run=run).values_list("position", "step_key", "choice_key"))
    assert made == [(1, "pick-up", "watch"), (2, "on-the-way", "call")]
    times = list(StoryRunChoice.objects.filter(run=run).values_list("chosen_at", flat=True))
    assert times[0] <= times[1] <= run.ended_at


def test_a_wrong_turn_ends_poorly_and_says_why(learner_client, story_course, enrolment):
    choose(learner_client, story_course, "pick-up", "leave")

    end = learner_client.get(story_url(story_course))

    assertContains(end, "This did not end well")
    assertContains(end, "The guide says pass it on.")
    assertContains(end, "Start again to find a way through that keeps the child safe.")
    assert StoryRun.objects.get().ending == "poor"


def test_the_learner_resumes_where_they_left_off_in_a_new_session(client, story_course, enrolment, user):
    client.force_login(user)
    choose(client, story_course, "pick-up", "watch")
    client.logout()

    client.force_login(user)
    page = client.get(story_url(story_course))

    assertContains(page, "<h1>On the way</h1>")
    assertContains(page, "You are paying attention.")


# Back to the start -----------------------------------------------------------------------------------


def test_back_to_the_start_keeps_the_abandoned_run_and_opens_a_new_one(
    learner_client, story_course, enrolment
):
    choose(learner_client, story_course, "pick-up", "watch")
    assertContains(learner_client.get(story_url(story_course)), "Back to the start of the story")

    assertRedirects(learner_client.post(again_url(story_course)), story_url(story_course))

    page = learner_client.get(story_url(story_course))
    assertContains(page, "<h1>The pick-up</h1>")
    assertNotContains(page, "What followed your last choice")
    old, new = StoryRun.objects.order_by("pk")
    assert old.abandoned_at is not None and old.choices.count() == 1  # kept for item analysis
    assert (new.current_step, new.abandoned_at, new.ended_at) == ("pick-up", None, None)


def test_starting_again_after_an_end_keeps_the_quiz_open(learner_client, story_course, enrolment):
    services.unit_visit(enrolment=enrolment, unit=story_course.units.get(slug="pass-it-on"))
    choose(learner_client, story_course, "pick-up", "leave")  # a poor end is an end

    learner_client.post(again_url(story_course))

    assertContains(learner_client.get(story_url(story_course)), "<h1>The pick-up</h1>")
    assert learner_client.get(quiz_url(story_course)).status_code == 200


# Bad and stale submissions ---------------------------------------------------------------------------


def test_no_choice_shows_an_error_summary_and_records_nothing(learner_client, story_course, enrolment):
    response = learner_client.post(story_url(story_course), {"step": "pick-up"})

    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, '<a href="#choice-watch">Choose what you do next</a>', status_code=400)
    assertContains(response, "<title>Error: ", status_code=400)
    assert not StoryRun.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"step": "pick-up", "choice": "call"},  # another step's choice
        {"step": "nowhere", "choice": "watch"},
        {"step": "good-end", "choice": "watch"},  # an end step has no choices
        {"choice": "watch"},
    ],
    ids=["choice-of-another-step", "unknown-step", "end-step", "no-step"],
)
def test_a_tampered_choice_is_a_400_and_changes_nothing(learner_client, story_course, enrolment, data):
    response = learner_client.post(story_url(story_course), data)

    assert response.status_code == 400
    assert not StoryRun.objects.exists() and not StoryRunChoice.objects.exists()


def test_a_choice_from_a_page_the_story_has_left_is_not_recorded(learner_client, story_course, enrolment):
    choose(learner_client, story_course, "pick-up", "watch")

    response = choose(learner_client, story_course, "pick-up", "leave")  # the browser's back button

    assertRedirects(response, story_url(story_course), fetch_redirect_response=False)
    assert "had already moved on" in message_texts(response)[0]
    assert list(StoryRunChoice.objects.values_list("choice_key", flat=True)) == ["watch"]
    assert StoryRun.objects.get().current_step == "on-the-way"


def test_a_story_of_another_pathway_is_not_found(client, story_course, other_user):
    enrol_in_sample(other_user, story_course, "foster-carers")
    client.force_login(other_user)

    assert client.get(story_url(story_course)).status_code == 404
    assert client.post(story_url(story_course), {"step": "pick-up", "choice": "watch"}).status_code == 404
    assert client.get(story_url(story_course, key="no-such-story")).status_code == 404
    assert not StoryRun.objects.exists()


def test_not_enrolled_goes_to_the_course_page_and_anonymous_to_log_in(client, story_course, user):
    target = story_url(story_course)
    assertRedirects(client.get(target), f"{reverse('login')}?next={target}", fetch_redirect_response=False)

    client.force_login(user)
    response = client.get(target)

    assertRedirects(
        response, reverse("courses:detail", args=[story_course.slug]), fetch_redirect_response=False
    )


# The story before the quiz -----------------------------------------------------------------------------


def test_the_quiz_opens_only_once_the_story_has_reached_an_end(learner_client, story_course, enrolment):
    learner_client.get(unit_url(story_course, "pass-it-on"))  # opened: the old rule is met

    refused = learner_client.get(quiz_url(story_course))

    assertRedirects(refused, unit_url(story_course, "pass-it-on"), fetch_redirect_response=False)
    assert message_texts(refused) == [
        "Finish the story “A late fare” first. This unit’s quiz opens once you reach one of its ends."
    ]
    choose(learner_client, story_course, "pick-up", "watch")
    assert learner_client.get(quiz_url(story_course)).status_code == 302  # on the way is not an end

    choose(learner_client, story_course, "on-the-way", "drop")  # a poor end opens it too

    assertContains(learner_client.get(quiz_url(story_course)), "Submit answers")


def test_a_quiz_submit_is_refused_if_the_story_has_no_end_any_more(learner_client, story_course, enrolment):
    learner_client.get(unit_url(story_course, "pass-it-on"))
    for step, choice in way_to(StoryBlock.objects.get(unit__slug="pass-it-on").steps):
        choose(learner_client, story_course, step, choice)
    learner_client.get(quiz_url(story_course))
    attempt = enrolment.quiz_attempts.get()
    StoryRun.objects.all().delete()  # e.g. a role change that reopened the unit

    response = learner_client.post(reverse("quizzes:submit", args=[attempt.public_id]), {})

    assertRedirects(response, unit_url(story_course, "pass-it-on"), fetch_redirect_response=False)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_the_quiz_of_a_pathway_without_the_story_is_not_gated(client, story_course, other_user):
    enrol_in_sample(other_user, story_course, "foster-carers")
    client.force_login(other_user)
    client.get(unit_url(story_course, "pass-it-on"))

    assertContains(client.get(quiz_url(story_course)), "Submit answers")


def test_mark_as_read_waits_for_the_story_too(learner_client, story_course, enrolment):
    learner_client.get(unit_url(story_course, "next-steps"))

    refused = learner_client.post(read_url(story_course, "next-steps"))

    assertRedirects(refused, unit_url(story_course, "next-steps"), fetch_redirect_response=False)
    assert "Finish the story “A late fare” first." in message_texts(refused)[0]
    assert not UnitProgress.objects.exists()
    choose(learner_client, story_course, "pick-up", "leave", unit_slug="next-steps")
    assert learner_client.post(read_url(story_course, "next-steps")).status_code == 302
    assert UnitProgress.objects.filter(unit__slug="next-steps").exists()


# Queries -----------------------------------------------------------------------------------------------

STEP_PAGE_QUERIES = 7  # user, course, unit, enrolment and pathway, story, latest run, its choices


def test_a_step_page_query_count_is_pinned_and_does_not_grow_with_the_path(
    learner_client, story_course, enrolment, django_assert_num_queries
):
    learner_client.get(story_url(story_course))  # warms the per-version caches, as a running server has them
    with django_assert_num_queries(STEP_PAGE_QUERIES - 1):  # no run yet: nothing to prefetch
        learner_client.get(story_url(story_course))
    choose(learner_client, story_course, "pick-up", "watch")
    with django_assert_num_queries(STEP_PAGE_QUERIES):
        learner_client.get(story_url(story_course))
    for _ in range(3):  # round and round: a longer path
        choose(learner_client, story_course, "on-the-way", "back-round")
        choose(learner_client, story_course, "pick-up", "watch")
    assert StoryRunChoice.objects.count() == 7
    with django_assert_num_queries(STEP_PAGE_QUERIES):
        page = learner_client.get(story_url(story_course))
    assertContains(page, "step 8")


def test_the_learners_runs_are_in_their_data_download(learner_client, story_course, enrolment, user):
    from courses.personal_data import personal_data_enrolments

    choose(learner_client, story_course, "pick-up", "watch")
    learner_client.post(again_url(story_course))

    runs = personal_data_enrolments(user)[0]["stories"]

    assert [(r["story"], r["ending"], bool(r["abandoned_at"])) for r in runs] == [
        ("late-fare", "", True),
        ("late-fare", "", False),
    ]
    assert [(c["step"], c["choice"]) for c in runs[0]["choices"]] == [("pick-up", "watch")]


def test_a_release_that_reopens_the_unit_asks_for_the_story_again(learner_client, story_course, enrolment):
    learner_client.get(unit_url(story_course, "pass-it-on"))
    choose(learner_client, story_course, "pick-up", "leave")
    assert learner_client.get(quiz_url(story_course)).status_code == 200

    services.enrolments_reopen_units(course=story_course, unit_slugs=["pass-it-on"])
    learner_client.get(unit_url(story_course, "pass-it-on"))

    assert learner_client.get(quiz_url(story_course)).status_code == 302
    assertContains(learner_client.get(story_url(story_course)), "<h1>The pick-up</h1>")
    assert StoryRun.objects.get().abandoned_at is not None  # kept, set aside


def test_the_end_page_query_count_is_pinned_and_does_not_grow_with_the_path(
    learner_client, story_course, enrolment, django_assert_num_queries
):
    choose(learner_client, story_course, "pick-up", "watch")
    choose(learner_client, story_course, "on-the-way", "drop")
    with django_assert_num_queries(STEP_PAGE_QUERIES):
        short = learner_client.get(story_url(story_course))
    learner_client.post(again_url(story_course))
    for _ in range(3):
        choose(learner_client, story_course, "pick-up", "watch")
        choose(learner_client, story_course, "on-the-way", "back-round")
    choose(learner_client, story_course, "pick-up", "watch")
    choose(learner_client, story_course, "on-the-way", "call")
    with django_assert_num_queries(STEP_PAGE_QUERIES):
        long = learner_client.get(story_url(story_course))

    assert short.content.decode().count("<strong>You chose:</strong>") == 2 + 1  # the path, and the last one
    assert long.content.decode().count("<strong>You chose:</strong>") == 8 + 1
