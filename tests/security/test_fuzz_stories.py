"""Property-based bad input for the story pages' POSTs (a choice, start again): at least 1,000 generated
bodies each, never a 500, and a body that is not one of the story's choices records nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses import services
from courses.loading import load_courses
from courses.models import Course, StoryRun, StoryRunChoice
from tests.courses.content_edits import copy_sample
from tests.courses.test_stories_loading import add_story
from tests.elearning.factories import UserFactory
from tests.security.test_fuzz import EXAMPLES, FUZZ, RAW, form_bodies, post

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]
KEYS = st.sampled_from(
    ["pick-up", "on-the-way", "good-end", "watch", "call", "leave", "", "\x00", "²", "9" * 99]
)
BODY = st.one_of(form_bodies(["step", "choice"]), RAW, st.fixed_dictionaries({"step": KEYS, "choice": KEYS}))
VALID = {("pick-up", "watch"), ("pick-up", "leave"), ("on-the-way", "call"), ("on-the-way", "drop")}


def test_story_posts_never_500_and_only_real_choices_are_recorded(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    content_root = tmp_path / "content"
    content_root.mkdir()
    add_story(copy_sample(content_root))
    load_courses(content_root)
    course = Course.objects.get(slug="sample-course")
    learner = UserFactory()
    services.enrolment_create(learner=learner, pathway=course.pathways.get(slug="taxi-drivers"))
    client = Client()
    client.force_login(learner)
    story = reverse("courses:story", args=[course.slug, "pass-it-on", "late-fare"])
    again = reverse("courses:story_start_again", args=[course.slug, "pass-it-on", "late-fare"])
    ran = {"story": 0, "again": 0}

    @FUZZ
    @given(body=BODY)
    def run(body):
        for name, url in (("story", story), ("again", again)):
            ran[name] += 1
            assert post(client, url, body).status_code < 500, name
        made = set(StoryRunChoice.objects.values_list("step_key", "choice_key"))
        assert made <= VALID, made - VALID
        assert StoryRun.objects.filter(ended_at__isnull=True, abandoned_at__isnull=True).count() <= 1

    run()
    assert min(ran.values()) >= EXAMPLES, ran
