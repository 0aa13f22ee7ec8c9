"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type, at phone size; keyboard-only quiz; forms."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from certificates import services as certificate_services
from courses import services as course_services
from courses.models import Pathway, Unit
from quizzes import services as quiz_services
from quizzes.models import Attempt
from quizzes.selectors import questions_with_choices
from tests.elearning.factories import UserFactory

from .answers import fill_quiz
from .conftest import no_sideways_scroll

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "a-long-pass-phrase-9"
axe = Axe()


def assert_accessible(page, label: str) -> None:
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    violations = results.response["violations"]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"{label}: {len(violations)} axe violation(s)\n{details}"
    no_sideways_scroll(page)


def log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()


@pytest.fixture
def learner(real_course):
    return UserFactory(email="axe@example.com", password=PASSWORD, certificate_name="Axe Tester")


def test_public_pages_have_no_axe_violations(page, base_url, real_course):
    page.goto(f"{base_url}/")
    assert_accessible(page, "home")
    page.goto(f"{base_url}/accounts/signup/")
    assert_accessible(page, "sign-up")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    # The error summary takes focus so it is announced, and links to the fields.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert_accessible(page, "sign-up with errors")
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page, "log-in")
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "log-in with errors")
    page.goto(f"{base_url}/accounts/password-reset/")
    assert_accessible(page, "password reset")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page, "password reset sent")
    page.goto(f"{base_url}/no-such-page/")
    assert_accessible(page, "404")
    page.goto(f"{base_url}/verify/")
    assert_accessible(page, "verify form")
    page.get_by_role("button", name="Check certificate").click()
    assert_accessible(page, "verify form with errors")
    page.goto(f"{base_url}/verify/AAAAAAAAAAAAAAAAAAAA/")
    expect(page.get_by_role("heading", name="Certificate not found")).to_be_visible()
    assert_accessible(page, "verify not found")


def test_learner_pages_have_no_axe_violations(page, base_url, real_course, learner, settings):
    log_in(page, base_url, learner.email)
    assert_accessible(page, "dashboard")
    page.goto(f"{base_url}/courses/{real_course.slug}/")
    assert_accessible(page, "choose pathway")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "choose pathway with error")
    page.get_by_label("Foster carers").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "start page")
    page.goto(f"{base_url}/courses/{real_course.slug}/")
    assert_accessible(page, "course overview")
    first = Unit.objects.filter(course=real_course).order_by("order").first()
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{first.slug}/")  # not opened yet: sent to the unit
    expect(page.get_by_text("Read this unit first.")).to_be_visible()
    assert_accessible(page, "unit (read it before its quiz)")
    for unit in Unit.objects.filter(course=real_course):
        page.goto(f"{base_url}/courses/{real_course.slug}/units/{unit.slug}/")
        assert_accessible(page, f"unit {unit.slug}")
    unit = Unit.objects.filter(course=real_course).first()
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    assert_accessible(page, "quiz")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "quiz with errors")
    fill_quiz(page, learner.email, right=False)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("2 attempts left")).to_be_visible()
    assert_accessible(page, "quiz result (fail, attempts left)")
    for _ in range(2):
        page.get_by_role("link", name="Take the quiz again").click()
        fill_quiz(page, learner.email, right=False)
        page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("The quiz is locked until")).to_be_visible()
    assert_accessible(page, "quiz result (fail, locked)")
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    expect(page.get_by_role("heading", name="This quiz is locked for now")).to_be_visible()
    assert_accessible(page, "quiz locked")
    enrolment = learner.enrolments.get()
    quiz_services.lock_reset(enrolment=enrolment, quiz=unit.quiz, by=None)  # as a manager would
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    fill_quiz(page, learner.email, right=True)
    page.get_by_role("button", name="Submit answers").click()
    assert_accessible(page, "quiz result (pass)")
    page.goto(f"{base_url}/accounts/profile/")
    assert_accessible(page, "profile")


def _issued_certificate(real_course, learner):
    """A certificate issued through the real services (no worker needed for these page checks)."""
    pathway = Pathway.objects.get(course=real_course, slug="school-staff")
    enrolment = course_services.enrolment_create(learner=learner, pathway=pathway)
    for unit in Unit.objects.filter(course=real_course):
        quiz = unit.quiz
        Attempt.objects.create(
            enrolment=enrolment,
            quiz=quiz,
            seed=1,
            question_ids=[],
            submitted_at=timezone.now(),
            score=100,
            passed=True,
        )
        course_services.unit_complete(enrolment=enrolment, unit=unit)
    certificate = enrolment.certificates.get()
    return certificate_services.certificate_issue(certificate_id=certificate.pk)


def test_certificate_pages_have_no_axe_violations(page, base_url, real_course, learner, admin_user):
    certificate = _issued_certificate(real_course, learner)
    log_in(page, base_url, learner.email)
    page.goto(f"{base_url}/certificates/")
    assert_accessible(page, "my certificates")
    page.goto(f"{base_url}/verify/{certificate.code}/")
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    assert_accessible(page, "verify valid")
    certificate_services.certificate_revoke(
        certificate=certificate, reason="Issued in error", revoked_by=admin_user
    )
    page.goto(f"{base_url}/verify/{certificate.code}/")
    expect(page.get_by_role("heading", name="This certificate has been revoked")).to_be_visible()
    assert_accessible(page, "verify revoked")


def test_a_quiz_can_be_done_with_the_keyboard_alone(page, base_url, real_course, learner):
    """Tab to each control, Space/arrows to answer, Enter to submit; focus is always visible."""
    log_in(page, base_url, learner.email)
    pathway = Pathway.objects.get(course=real_course, slug="taxi-drivers")
    course_services.enrolment_create(learner=learner, pathway=pathway)
    unit = Unit.objects.filter(course=real_course).order_by("order").first()
    page.goto(f"{base_url}/courses/{real_course.slug}/units/{unit.slug}/")  # read before you are tested
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    attempt = Attempt.objects.get(enrolment__learner=learner, submitted_at__isnull=True)

    wanted: dict[str, str] = {}  # element id -> action
    radio_groups: dict[str, list[str]] = {}
    for question, choices in questions_with_choices(question_ids=attempt.question_ids, attempt=attempt):
        ids = (
            [el.get_attribute("id") for el in page.locator(f"[name='{question.field_name}']").all()]
            if question.type_name in ("single", "multiple")
            else []
        )
        if question.type_name == "single":
            radio_groups[question.field_name] = ids
            right = next(c for c in choices if c.is_correct)
            wanted[f"{question.field_name}-{question.option_value(right)}"] = "radio"
        elif question.type_name == "multiple":
            for c in choices:
                if c.is_correct:
                    wanted[f"{question.field_name}-{question.option_value(c)}"] = "check"
        elif question.type_name == "ordering":
            for c in choices:
                wanted[question.item_field(c)] = f"select:{c.position}"
        else:  # matching: a radio group per prompt
            answers = question.answers(choices)
            for c in choices:
                name = question.item_field(c)
                radio_groups[name] = [el.get_attribute("id") for el in page.locator(f"[name='{name}']").all()]
                wanted[f"{name}-{answers.index(c.match) + 1}"] = "radio"

    done_groups: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {id: e.id, tag: e.tagName, type: e.type || '', name: e.name || '', text: e.textContent,"
            " outline: s.outlineStyle, shadow: s.boxShadow}; })()"
        )
        if info["tag"] in ("INPUT", "SELECT", "BUTTON"):
            assert info["outline"] != "none" or info["shadow"] != "none", f"no visible focus on {info}"
        if info["type"] == "radio" and info["name"] not in done_groups:
            group = radio_groups[info["name"]]
            target = next(i for i in group if i in wanted)
            steps = group.index(target) - group.index(info["id"])
            for _ in range(steps):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            done_groups.add(info["name"])
        elif info["type"] == "checkbox" and wanted.get(info["id"]) == "check":
            page.keyboard.press("Space")
        elif info["tag"] == "SELECT" and info["id"] in wanted:
            index = int(wanted[info["id"]].split(":")[1])
            for _ in range(index):
                page.keyboard.press("ArrowDown")
        elif info["tag"] == "BUTTON" and "Submit answers" in info["text"]:
            page.keyboard.press("Enter")
            break
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()


def test_double_click_and_back_button_do_not_break_the_quiz(page, base_url, real_course, learner):
    log_in(page, base_url, learner.email)
    pathway = Pathway.objects.get(course=real_course, slug="hotel-staff")
    course_services.enrolment_create(learner=learner, pathway=pathway)
    unit = Unit.objects.filter(course=real_course).order_by("order").first()
    page.goto(f"{base_url}/courses/{real_course.slug}/units/{unit.slug}/")  # read before you are tested
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    fill_quiz(page, learner.email, right=True)
    page.get_by_role("button", name="Submit answers").dblclick()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    assert Attempt.objects.filter(enrolment__learner=learner, submitted_at__isnull=False).count() == 1
    page.go_back()
    page.reload()  # the browser may show its cached form; a fresh load starts a new attempt
    expect(page.get_by_role("heading", name=f"Quiz: {unit.title}")).to_be_visible()
    page.go_forward()
    expect(page.locator("h1")).to_be_visible()
    assert Attempt.objects.filter(enrolment__learner=learner, submitted_at__isnull=False).count() == 1


def test_matching_answers_are_whole_and_readable_at_360px(page, base_url, real_course, learner):
    """Item 7 of issue 19: no drop-down cuts a long answer off; each answer wraps inside the screen."""
    from quizzes.models import MatchingQuestion

    question = (
        MatchingQuestion.objects.filter(quiz__unit__course=real_course, pathways__isnull=True, is_active=True)
        .filter(scenario__isnull=True)
        .order_by("quiz__unit__order")
        .first()
    )
    assert question is not None, "the course has a matching question set on every pathway"
    unit = question.quiz.unit
    # A pool draws 5 of the bank (issue 17): draw the whole bank here, so the matching question shows.
    type(question.quiz).objects.filter(pk=question.quiz_id).update(questions_per_attempt=None)
    log_in(page, base_url, learner.email)
    pathway = Pathway.objects.filter(course=real_course).first()
    course_services.enrolment_create(learner=learner, pathway=pathway)
    page.goto(f"{base_url}/courses/{real_course.slug}/units/{unit.slug}/")  # the unit first, as a learner
    page.goto(f"{base_url}/quizzes/{real_course.slug}/{unit.slug}/")
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    assert page.locator("fieldset.match-group").count() >= 2
    assert page.locator(f"select[name^='{question.field_name}-']").count() == 0  # no drop-down to cut it off
    labels = page.locator("fieldset.match-group label")
    for index in range(labels.count()):
        label = labels.nth(index)
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (label.text_content(), box)
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), label.text_content()
    longest = max(labels.all_text_contents(), key=len)
    page.get_by_text(longest, exact=True).first.click()
    assert page.locator("fieldset.match-group input:checked").count() == 1
    assert_accessible(page, "quiz with matching questions")
