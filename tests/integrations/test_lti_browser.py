"""An LTI 1.3 launch in the system Chromium, framed by the LMS page as most LMSs show tools: the learner is
signed in inside the frame, works there, and the platform receives the score."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from integrations.models import GradePost
from tests.certificates.helpers import wait_for
from tests.integrations.conftest import register
from tests.integrations.lti_platform import LtiPlatform

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def framing_platform(live_server, organisation, sample_course):
    # Same site as the live server (localhost), so the HTTP test needs no SameSite=None (HTTPS only).
    lms = LtiPlatform(host="localhost")
    response = register(live_server, lms, organisation, sample_course.pathways.get(slug="taxi-drivers"))
    assert response.status_code == 200, response.text[:300]
    yield lms
    lms.stop()


def test_a_framed_launch_signs_in_inside_the_lms_page(page, framing_platform, celery_worker):
    lms = framing_platform
    page.goto(
        lms.start_url(user="lms-browser", name="Rhys Price", email="rhys@example.org").replace(
            "/start?", "/course-page?"
        )
    )
    tool = page.frame_locator("#tool")
    expect(tool.get_by_role("heading", level=1)).to_be_visible(timeout=20000)
    frame = next((f for f in page.frames if "/courses/" in f.url), None)
    assert frame is not None, [(f.url, f.inner_text("body")[:300]) for f in page.frames]
    assert frame.url.endswith("/courses/sample-course/start/")
    frame.goto(frame.url.replace("/start/", "/units/next-steps/"))
    frame.get_by_role("button", name="Mark as read and continue").click()
    wait_for(lambda: GradePost.objects.exists(), timeout=30, what="the grade post")
    wait_for(lambda: len(lms.scores) == 1, timeout=60, what=f"the score: {list(GradePost.objects.values())}")
    assert (lms.scores[0]["userId"], lms.scores[0]["scoreGiven"]) == ("lms-browser", 33)
    # The worker records the delivery after the platform has answered: the score can arrive first.
    sent = GradePost.Status.SENT
    wait_for(lambda: GradePost.objects.get().status == sent, timeout=30, what="the grade post marked sent")
