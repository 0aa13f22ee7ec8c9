"""Small things a new user tripped over (issue 19, item 10): the multiple-response hint said twice, the final
pass page, the quiz breadcrumb, phone numbers as tel: links, and the support unit's heading levels."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from courses.loading import load_courses
from courses.markdown import render_markdown
from courses.models import Course, Unit
from quizzes.models import Attempt, MultipleResponseQuestion
from quizzes.selectors import question_bank_for_pathway
from tests.certificates.helpers import complete_enrolment
from tests.quizzes.view_helpers import enrol, take_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_course(db):
    load_courses()
    return Course.objects.get(slug="cse-awareness")


def test_select_all_that_apply_is_said_once_per_question(learner_client, user, real_course):
    enrolment = enrol(user, "taxi-drivers", real_course)
    unit = Unit.objects.get(course=real_course, slug__contains="signs")
    url = reverse("quizzes:take", args=[real_course.slug, unit.slug])
    assert learner_client.get(url).status_code == 200
    # The attempt draws a random part of the bank; set every multiple-response question of the pathway's bank
    # in it, so the page always shows some (the draw is not what this test is about).
    attempt = Attempt.objects.get(enrolment=enrolment, quiz__unit=unit, submitted_at__isnull=True)
    bank = [pk for pk, _ in question_bank_for_pathway(quiz=attempt.quiz, pathway=enrolment.pathway)]
    multiple_ids = list(
        MultipleResponseQuestion.objects.filter(pk__in=bank).values_list("pk", flat=True)
    )
    assert multiple_ids, "the signs quiz bank has multiple-response questions"
    Attempt.objects.filter(pk=attempt.pk).update(question_ids=multiple_ids)
    html = learner_client.get(url).content.decode()
    questions = re.findall(r"<fieldset.*?</fieldset>", html, re.S)
    multiple = [q for q in questions if 'type="checkbox"' in q]
    assert multiple
    for question in multiple:
        assert question.count("Select all that apply") == 1, question[:300]


def test_the_quiz_breadcrumb_starts_at_your_courses(learner_client, user, sample_course):
    enrol(user, "taxi-drivers", sample_course)
    html = learner_client.get(take_url()).content.decode()
    crumbs = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("courses:dashboard")}">Your courses</a>' in crumbs


def test_the_last_pass_says_the_whole_course_is_done(learner_client, user, sample_course):
    enrolment = complete_enrolment(enrol(user, "taxi-drivers", sample_course))
    attempt = Attempt.objects.filter(enrolment=enrolment, passed=True).latest("submitted_at")
    html = learner_client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert "You have finished the whole course: every unit is complete." in html


def test_a_pass_before_the_end_does_not_say_the_course_is_done(learner_client, user, sample_course):
    from tests.certificates.helpers import pass_quiz

    enrolment = enrol(user, "taxi-drivers", sample_course)
    pass_quiz(enrolment=enrolment, unit=sample_course.units.get(slug="signs"))
    attempt = Attempt.objects.get(enrolment=enrolment, passed=True)
    html = learner_client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert "You passed" in html
    assert "whole course" not in html


def test_phone_numbers_in_bold_become_tel_links():
    html = render_markdown("Call **999**, the police on **101**, or **02920 536490**. It has **10** signs.")
    assert '<a href="tel:999" rel="noopener noreferrer"><strong>999</strong></a>' in html
    assert '<a href="tel:101" rel="noopener noreferrer"><strong>101</strong></a>' in html
    assert '<a href="tel:02920536490" rel="noopener noreferrer"><strong>02920 536490</strong></a>' in html
    assert "<strong>10</strong> signs" in html  # a count is not a phone number


def test_before_you_start_links_every_phone_number(learner_client, user, real_course):
    enrol(user, "taxi-drivers", real_course)
    html = learner_client.get(reverse("courses:start", args=[real_course.slug])).content.decode()
    note = html.split('id="content-note"', 1)[1].split("</section>", 1)[0]
    for number in ("999", "101", "02920536490"):
        assert f'href="tel:{number}"' in note
    assert not re.search(r"(?<!\">)<strong>(999|101|0\d[\d ]{8,12}\d)</strong>", note)


def test_every_item_of_a_support_group_has_the_same_heading_level(learner_client, user, real_course):
    enrol(user, "taxi-drivers", real_course)
    unit = Unit.objects.get(course=real_course, slug__contains="support")
    html = learner_client.get(reverse("courses:unit", args=[real_course.slug, unit.slug])).content.decode()
    resources = re.findall(r'<section class="block resource".*?</section>', html, re.S)
    assert len(resources) >= 5
    for section in resources:
        assert re.search(r"<h3 id=\"block-\d+\">[^<]+</h3>", section), section[:200]
    groups = [s for s in resources if "resource__group" in s]
    assert 1 <= len(groups) < len(resources)
