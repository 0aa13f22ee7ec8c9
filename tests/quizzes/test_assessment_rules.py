"""Read before you are tested; attempt limits with a cooling-off lock; the rules on plain data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import UnitVisit
from quizzes import rules
from quizzes.models import Answer, Attempt, LockReset, Quiz
from quizzes.views import READ_FIRST
from tests.quizzes.factories import AttemptFactory
from tests.quizzes.view_helpers import (
    COURSE,
    answers,
    enrol,
    open_attempt,
    result_url,
    rows,
    submit_url,
    take_url,
)

pytestmark = pytest.mark.django_db
UNIT_URL = reverse("courses:unit", args=[COURSE, "signs"])


# Read before you are tested ----------------------------------------------------------------------------


def test_the_quiz_url_sends_a_learner_who_has_not_opened_the_unit_to_it(learner_client, sample_course, user):
    enrol(user, "taxi-drivers", sample_course, open_units=False)

    response = learner_client.get(take_url())

    assert (response.status_code, response["Location"]) == (302, UNIT_URL)
    assert not Attempt.objects.exists()
    page = learner_client.get(UNIT_URL).content.decode()
    assert READ_FIRST.replace("'", "&#x27;") in page  # the explanation, shown on the unit page


def test_submitting_for_an_unopened_unit_is_refused_and_grades_nothing(learner_client, sample_course, user):
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    quiz = Quiz.objects.get(unit__slug="signs")
    attempt = AttemptFactory(enrolment=enrolment, quiz=quiz)  # e.g. a form kept from elsewhere
    before = rows()

    response = learner_client.post(submit_url(attempt), answers(attempt))

    assert (response.status_code, response["Location"]) == (302, UNIT_URL)
    assert rows() == before
    assert not Answer.objects.exists()


def test_opening_the_unit_page_records_it_and_opens_the_quiz(learner_client, sample_course, user):
    enrolment = enrol(user, "taxi-drivers", sample_course, open_units=False)
    started = timezone.now()

    assert learner_client.get(UNIT_URL).status_code == 200

    visit = UnitVisit.objects.get(enrolment=enrolment)
    assert visit.unit.slug == "signs" and visit.first_opened_at >= started and visit.times_opened == 1
    assert learner_client.get(take_url()).status_code == 200
    learner_client.get(UNIT_URL)
    visit.refresh_from_db()
    assert visit.times_opened == 2 and visit.first_opened_at < visit.last_opened_at


def test_units_without_a_quiz_keep_mark_as_read(learner_client, sample_course, user):
    enrol(user, "taxi-drivers", sample_course, open_units=False)
    url = reverse("courses:unit_read", args=[COURSE, "next-steps"])
    assert learner_client.post(url).status_code == 302


# Attempt limits -----------------------------------------------------------------------------------------


def _fail_once(client, enrolment):
    assert client.get(take_url()).status_code == 200
    attempt = open_attempt(enrolment)
    assert client.post(submit_url(attempt), answers(attempt, right=False)).status_code == 302
    return attempt


def test_three_failures_lock_the_quiz_until_the_cooling_off_ends(learner_client, taxi):
    first = _fail_once(learner_client, taxi)
    page = learner_client.get(result_url(first)).content.decode()
    assert "You have <strong>2 attempts left</strong> out of 3." in page
    second = _fail_once(learner_client, taxi)
    assert "You have <strong>1 attempt left</strong> out of 3. If it does not pass" in (
        learner_client.get(result_url(second)).content.decode()
    )
    third = _fail_once(learner_client, taxi)
    third.refresh_from_db()
    ends = timezone.localtime(third.submitted_at + dt.timedelta(hours=24))

    result = learner_client.get(result_url(third)).content.decode()
    locked = learner_client.get(take_url())

    plain = f"{ends:%H:%M} on {ends:%A} {ends.day} {ends:%B %Y}"
    assert f"The quiz is locked until <strong>{plain}</strong> (UK time)" in result
    assert "Take the quiz again" not in result
    html = locked.content.decode()
    assert locked.status_code == 200 and "<h1>This quiz is locked for now</h1>" in html
    assert f"locked until <strong>{plain}</strong>" in html and "ask your manager" in html
    assert '<form method="post" action="/quizzes/attempts/' not in html
    assert Attempt.objects.filter(submitted_at__isnull=True).count() == 0
    unit_page = learner_client.get(UNIT_URL).content.decode()  # the unit says so too, beside "Take the quiz"
    assert f"The quiz is locked until {plain} (UK time)." in unit_page

    # After the cooling-off period the quiz opens again, with 3 new attempts.
    Attempt.objects.update(submitted_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    assert "You have 3 attempts left at this quiz." in learner_client.get(UNIT_URL).content.decode()
    again = learner_client.get(take_url()).content.decode()
    assert "You have <strong>3 attempts left</strong>." in again


def test_an_attempt_open_when_the_lock_started_cannot_be_submitted_while_locked(learner_client, taxi):
    for _ in range(2):
        _fail_once(learner_client, taxi)
    learner_client.get(take_url())
    open_one = open_attempt(taxi)
    # A third failure recorded elsewhere (another device) locks the quiz while this page is open.
    Attempt.objects.filter(pk=open_one.pk).update(submitted_at=timezone.now(), score=0, passed=False)
    fourth = AttemptFactory(enrolment=taxi, quiz=open_one.quiz)

    response = learner_client.post(submit_url(fourth), answers(fourth))

    assert response.status_code == 403 and "This quiz is locked for now" in response.content.decode()
    assert not Answer.objects.filter(attempt=fourth).exists()


NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("failures", "resets", "now", "left", "locked_until"),
    [
        ([], [], 0, 3, None),
        ([0, 1], [], 2, 1, None),
        ([0, 1, 2], [], 3, 0, _at(26)),  # locked 24 h after the third failure
        ([0, 1, 2], [], 26, 3, None),  # the lock has ended: 3 new attempts
        ([0, 1, 2, 27], [], 28, 2, None),  # a failure after the lock counts afresh
        ([0, 1, 2], [5], 6, 3, None),  # a reset lifts it
        ([0, 1, 2, 6, 7, 8], [5], 9, 0, _at(32)),
    ],
)
def test_the_rule_on_plain_data(failures, resets, now, left, locked_until):
    allowance = rules.allowance_compute(
        limit=3,
        hours=24,
        failures=[_at(h) for h in failures],
        resets=[_at(h) for h in resets],
        passed=False,
        now=_at(now),
    )
    assert (allowance.left, allowance.locked_until) == (left, locked_until)


def test_after_a_pass_there_is_no_limit():
    allowance = rules.allowance_compute(
        limit=3, hours=24, failures=[_at(0), _at(1), _at(2)], resets=[], passed=True, now=_at(3)
    )
    assert (allowance.left, allowance.is_locked, allowance.passed) == (None, False, True)


def test_a_reset_is_recorded_with_who_and_when(taxi, user):
    quiz = Quiz.objects.get(unit__slug="signs")
    from quizzes import services

    reset = services.lock_reset(enrolment=taxi, quiz=quiz, by=user)
    assert LockReset.objects.get() == reset
    assert reset.reset_by == user and reset.reset_by_name == user.certificate_name and reset.created_at


# Pools on plain data ------------------------------------------------------------------------------------


BANK = [(n, n in (3, 8)) for n in range(1, 11)]  # ten questions, two about a scenario


def test_a_draw_is_seeded_keeps_the_mix_and_the_bank_order():
    draws = {tuple(rules.draw_questions(BANK, count=5, min_scenario=1, seed=seed)) for seed in range(200)}
    assert rules.draw_questions(BANK, count=5, min_scenario=1, seed=7) == rules.draw_questions(
        BANK, count=5, min_scenario=1, seed=7
    )
    assert len(draws) > 50  # each attempt draws again
    for draw in draws:
        assert len(draw) == 5 and list(draw) == sorted(draw)
        assert {3, 8} & set(draw)  # at least one scenario question


def test_without_a_pool_every_question_is_set():
    assert rules.draw_questions(BANK, count=None, min_scenario=1, seed=1) == list(range(1, 11))
