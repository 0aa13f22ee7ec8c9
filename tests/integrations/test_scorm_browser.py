"""The SCORM package in the system Chromium, inside a test LMS running scorm-again's SCORM 1.2 runtime: it
launches, the learner completes units, and what the runtime records (and commits) is what the course says."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, Unit
from integrations import scorm
from integrations.models import ScormLearner
from organisations.models import Membership, Organisation
from tests.certificates.helpers import pass_quiz, wait_for
from tests.elearning.factories import UserFactory
from tests.integrations.lms import SCORM_AGAIN, ScormLms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms_factory(tmp_path, sample_course, settings, live_server):
    if not (SCORM_AGAIN / "scorm12.min.js").exists():
        message = "scorm-again is installed by `make install` (npm ci); npm was not available"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1: {message}")
        pytest.skip(message)
    settings.SITE_URL = live_server.url
    started: list[ScormLms] = []
    organisation = Organisation.objects.create(name="Vale Council", kind=Organisation.Kind.OTHER)

    def make(*, lms_origin: str = "", pathway: str | None = "taxi-drivers", origin_host: str = "127.0.0.1"):
        package_dir = tmp_path / f"package-{len(started)}"
        # the LMS's address is only known once it listens: make the package after it started
        lms = ScormLms(package_dir)
        dispatch = scorm.dispatch_create(
            organisation=organisation,
            course=sample_course,
            pathway=sample_course.pathways.get(slug=pathway) if pathway else None,
            lms_origin=lms.url(origin_host) if lms_origin == "auto" else lms_origin,
            by=None,
        )
        zipfile.ZipFile(io.BytesIO(scorm.package_build(dispatch=dispatch))).extractall(package_dir)
        started.append(lms)
        return lms

    yield make
    for lms in started:
        lms.stop()


def _lms_page(page, lms, host="127.0.0.1", learner="S-200", name="Jones, Ann"):
    page.goto(f"{lms.url(host)}/lms.html?id={learner}&name={name}")


def _api(page, name: str) -> str:
    return page.evaluate(f"window.API.LMSGetValue({name!r})")


def test_the_package_opens_the_course_in_a_new_window_and_reports_back(page, lms_factory, sample_course):
    lms = lms_factory()
    with page.expect_popup() as popup_info:
        _lms_page(page, lms)
    course = popup_info.value
    course.wait_for_load_state()
    assert course.url.endswith("/courses/sample-course/start/")
    frame = page.frame_locator("#sco")
    expect(frame.locator("#message")).to_contain_text("opened in a new window")
    wait_for(lambda: _api(page, "cmi.core.lesson_status") == "incomplete", timeout=20, what="incomplete")
    learner = ScormLearner.objects.get(lms_learner_id="S-200").user
    assert learner.certificate_name == "Ann Jones"
    assert Membership.objects.filter(user=learner).exists()

    # the learner reads the reading unit in the course window: 1 of 3 units → 33 %
    course.goto(course.url.replace("/start/", "/units/next-steps/"))
    course.get_by_role("button", name="Mark as read and continue").click()
    course.wait_for_load_state()
    wait_for(lambda: _api(page, "cmi.core.score.raw") == "33", timeout=30, what="score 33")
    assert _api(page, "cmi.core.lesson_status") == "incomplete"
    assert lms.last("cmi.core.score.raw") == "33"  # committed to the LMS, not only set

    # the quizzes passed: the course is complete → passed, 100
    enrolment = Enrolment.objects.get(learner=learner)
    for unit in Unit.objects.filter(course=sample_course, completed_by_quiz=True):
        pass_quiz(enrolment=enrolment, unit=unit)
    wait_for(lambda: _api(page, "cmi.core.lesson_status") == "passed", timeout=30, what="passed")
    assert _api(page, "cmi.core.score.raw") == "100"
    wait_for(lambda: lms.last("cmi.core.lesson_status") == "passed", timeout=10, what="commit of passed")
    assert lms.last("cmi.core.score.raw") == "100"
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", lms.last("cmi.core.session_time") or "")


def test_a_blocked_pop_up_gives_a_clear_button(page, lms_factory):
    lms = lms_factory()
    # The first window.open (no click) is blocked, as a browser's pop-up blocker does; a click is allowed.
    page.add_init_script(
        "(() => { const open = window.open; let calls = 0;"
        " window.open = function () { calls += 1;"
        " return calls === 1 ? null : open.apply(window, arguments); }; })()"
    )
    _lms_page(page, lms, learner="S-201")
    frame = page.frame_locator("#sco")
    expect(frame.locator("#message")).to_contain_text("stopped the course opening in a new window")
    button = frame.get_by_role("button", name="Open the course")
    expect(button).to_be_visible()
    with page.expect_popup() as popup_info:
        button.click()
    popup_info.value.wait_for_load_state()
    assert "/courses/sample-course/" in popup_info.value.url


def test_the_package_can_show_the_course_in_the_lms_frame(page, lms_factory, sample_course):
    lms = lms_factory(lms_origin="auto", origin_host="localhost")
    _lms_page(page, lms, host="localhost", learner="S-202")
    course = page.frame_locator("#sco").frame_locator("#course")
    expect(course.get_by_role("heading", level=1)).to_be_visible(timeout=20000)
    wait_for(lambda: _api(page, "cmi.core.lesson_status") == "incomplete", timeout=20, what="incomplete")
    # the framed session is the learner's: reading a unit inside the frame counts
    course.locator("body").wait_for()
    sco = page.frames[-1]
    sco.goto(sco.url.split("/courses/")[0] + "/courses/sample-course/units/next-steps/")
    sco.get_by_role("button", name="Mark as read and continue").click()
    wait_for(lambda: _api(page, "cmi.core.score.raw") == "33", timeout=30, what="score 33")


def test_the_package_page_has_no_axe_violations(page, live_server, sample_course):
    from tests.browser.test_accessibility import PASSWORD, assert_accessible
    from tests.two_factor import give_totp, totp_code

    organisation = Organisation.objects.create(name="Vale Council", kind=Organisation.Kind.OTHER)
    manager = UserFactory(email="manager@example.com", password=PASSWORD)
    Membership.objects.create(
        organisation=organisation,
        user=manager,
        email=manager.email,
        role="manager",
        joined_at="2026-01-01T00:00Z",
    )
    device = give_totp(manager)
    # a manager passes the second step before the package page
    page.goto(f"{live_server.url}/scorm/organisations/{organisation.pk}/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/two-factor/verify/"))
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(rf"/scorm/organisations/{organisation.pk}/$"))
    assert_accessible(page, "SCORM packages")
    page.get_by_label("Your LMS's address (optional)").fill("not an address")
    page.get_by_role("button", name="Download the SCORM package").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "SCORM packages with an error")
