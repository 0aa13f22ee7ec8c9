"""Quiz pages in Welsh (issue 21), and an attempt that goes on across a change of language: the questions,
their order and the values the form sends do not depend on the language the page was shown in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from courses.models import UnitVisit
from quizzes.models import Choice, MatchingQuestion, Quiz
from tests.courses.welsh_helpers import assert_welsh
from tests.quizzes.view_helpers import (
    Form,
    answers,
    open_attempt,
    question_of,
    result_url,
    submit_url,
    take_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A Welsh request leaves Welsh active in this thread: later tests calling services directly expect
    English."""
    yield
    translation.deactivate()


WELSH_DAYS = (
    "Dydd Llun",
    "Dydd Mawrth",
    "Dydd Mercher",
    "Dydd Iau",
    "Dydd Gwener",
    "Dydd Sadwrn",
    "Dydd Sul",
)


def _fields(page: str) -> set[tuple[str, str]]:
    """Every (name, value) the quiz form can send: radios, checkboxes and the options of each select."""
    form = Form(page)
    sent = {(i["name"], i.get("value", "")) for i in form.inputs if i.get("type") in ("radio", "checkbox")}
    return sent | {(name, value) for name, values in form.selects.items() for value in values}


def _welsh(client):
    client.cookies["language"] = "cy"
    return client


def test_take_and_result_pages_in_welsh(learner_client, taxi):
    page = assert_welsh(
        _welsh(learner_client).get(take_url()),
        "Cwis: ",
        "4 cwestiwn. Mae angen 80% arnoch i lwyddo.",
        "Mae gennych <strong>3 ymgais ar ôl</strong>.",
        "Dewiswch bob un sy'n berthnasol.",
        "Dewiswch gam",
        "Cyflwyno atebion",
    )
    assert "Cwestiwn 1: " in page and "Briwsion bara" in page
    attempt = open_attempt(taxi)
    response = learner_client.post(submit_url(attempt), answers(attempt, right=False))
    assert response.status_code == 302
    result = assert_welsh(
        learner_client.get(result_url(attempt)),
        "Ni wnaethoch lwyddo y tro hwn",
        "Eich sgôr: 0%.",
        "Y marc llwyddo yw 80%.",
        "Eich ateb",
        "Dewisoch chi hwn",
        "Nid oedd eich trefn yn gwbl gywir.",
        "Nid oedd eich parau i gyd yn gywir.",
        "Mae gennych <strong>2 ymgais ar ôl</strong> allan o 3.",
        "Darllenwch eto:",
    )
    assert result.count('<span class="tag tag--fail">Ddim yn gywir</span>') == 4


def test_missing_answers_are_named_in_welsh(learner_client, taxi):
    _welsh(learner_client).get(take_url())
    attempt = open_attempt(taxi)
    response = learner_client.post(submit_url(attempt), {})
    assert response.status_code == 400
    assert_welsh(
        response,
        "Mae problem wedi codi",
        "Dewiswch ateb",
        "Dewiswch yr holl atebion sy'n berthnasol",
        "Rhowch safle i bob cam",
        "Dewiswch ateb ar gyfer pob sefyllfa",
        "Gwall:",
    )


def test_a_pass_in_welsh_shows_the_full_review(learner_client, taxi):
    _welsh(learner_client).get(take_url())
    attempt = open_attempt(taxi)
    learner_client.post(submit_url(attempt), answers(attempt))
    assert_welsh(
        learner_client.get(result_url(attempt)),
        "Rydych wedi llwyddo",
        "Eich atebion",
        "rhoesoch hwn yng ngham 1",
        "Pam:",
        "Mae'r cwestiwn hwn yn profi:",
    )


def test_the_lock_in_welsh(learner_client, taxi):
    Quiz.objects.filter(unit__slug="signs").update(max_attempts=1)
    _welsh(learner_client).get(take_url())
    attempt = open_attempt(taxi)
    learner_client.post(submit_url(attempt), answers(attempt, right=False))
    page = assert_welsh(
        learner_client.get(take_url()),
        "Mae'r cwis hwn wedi'i gloi am y tro",
        "Rydych wedi defnyddio pob un o'r 1 ymgais.",
        "(amser y DU)",
        "Darllen yr uned eto",
    )
    attempt.refresh_from_db()
    ends = timezone.localtime(attempt.submitted_at + dt.timedelta(hours=24))
    assert WELSH_DAYS[ends.weekday()] in page  # the lock's end in Welsh words (Django's own Welsh)


def test_an_attempt_started_in_english_is_submitted_in_welsh(learner_client, taxi):
    english = learner_client.get(take_url()).content.decode()
    assert '<html lang="en"' in english and "Submit answers" in english
    attempt = open_attempt(taxi)

    welsh = assert_welsh(_welsh(learner_client).get(take_url()), "Cyflwyno atebion")
    assert open_attempt(taxi).pk == attempt.pk  # the same attempt: the same questions, in the same order
    assert _fields(welsh) == _fields(english)  # the same option values, whatever the language
    assert f'action="{submit_url(attempt)}"' in welsh

    data = answers(attempt)  # what the English page's form sends for the right answers
    sent = {
        (name, value)
        for name, values in data.items()
        for value in ([values] if isinstance(values, str) else values)
    }
    assert sent <= _fields(english)
    response = learner_client.post(submit_url(attempt), data)
    assert response.status_code == 302 and response["Location"] == result_url(attempt)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    assert_welsh(learner_client.get(result_url(attempt)), "Rydych wedi llwyddo")


@pytest.mark.skipif(
    not hasattr(Choice, "match_cy"), reason="until courses/translation.py gives Choice.match a Welsh twin"
)
def test_a_matching_answer_chosen_in_english_still_counts_in_welsh(learner_client, taxi):
    """A matching question's form sends the answer itself: with Welsh answers, the English page's choice must
    still be read (and be right) when the learner switches to Welsh before submitting."""
    learner_client.get(take_url())
    attempt = open_attempt(taxi)
    question, choices = question_of(attempt, MatchingQuestion)
    data = answers(attempt)  # built while English is active: the English answers
    for choice in choices:
        Choice.objects.filter(pk=choice.pk).update(match_cy=f"(cy) {choice.match}")
    response = _welsh(learner_client).post(submit_url(attempt), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed


def test_a_second_submit_and_an_unread_unit_in_welsh(learner_client, taxi, user, sample_course):
    _welsh(learner_client).get(take_url())
    attempt = open_attempt(taxi)
    learner_client.post(submit_url(attempt), answers(attempt))
    again = learner_client.post(submit_url(attempt), answers(attempt))
    assert again.status_code == 400
    assert_welsh(again, "Roedd yr atebion hyn wedi'u cyflwyno eisoes", "Gweld eich canlyniad")

    UnitVisit.objects.filter(enrolment=taxi, unit__slug="pass-it-on").delete()
    sent_back = learner_client.get(take_url("pass-it-on"), follow=True)
    assert sent_back.redirect_chain  # to the unit, with why
    assert_welsh(sent_back, "Darllenwch yr uned hon yn gyntaf.")
