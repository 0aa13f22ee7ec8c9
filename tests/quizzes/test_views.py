"""Quiz pages' integrity: tampered or malformed submissions are 400 or 404 and change nothing."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse

from courses.models import UnitProgress
from quizzes.models import (
    Attempt,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    SingleChoiceQuestion,
)
from tests.quizzes.view_helpers import (
    answers,
    enrol,
    question_of,
    result_url,
    rows,
    submit_url,
    take_url,
    without_csrf,
)

pytestmark = pytest.mark.django_db


# Integrity: 400 or 404, and nothing changes ------------------------------------------------------------


def assert_unchanged(before: dict, attempt: Attempt) -> None:
    assert rows() == before
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert attempt.score is None


def not_an_option(attempt, data):
    single, _ = question_of(attempt, SingleChoiceQuestion)
    data[single.field_name] = "z"


def raw_option_key(attempt, data):
    single, choices = question_of(attempt, SingleChoiceQuestion)
    data[single.field_name] = next(c.key for c in choices if c.is_correct)


def option_of_another_question(attempt, data):
    single, _ = question_of(attempt, SingleChoiceQuestion)
    multiple, choices = question_of(attempt, MultipleResponseQuestion)
    data[single.field_name] = multiple.option_value(choices[0])


def option_of_another_quiz(attempt, data):
    other = Question.objects.get(key="danger")
    multiple, _ = question_of(attempt, MultipleResponseQuestion)
    data[multiple.field_name] = [*data[multiple.field_name], other.option_value(other.choices.first())]


def option_sent_twice(attempt, data):
    multiple, _ = question_of(attempt, MultipleResponseQuestion)
    data[multiple.field_name] = [*data[multiple.field_name], data[multiple.field_name][0]]


def two_answers_to_a_single(attempt, data):
    single, choices = question_of(attempt, SingleChoiceQuestion)
    data[single.field_name] = [single.option_value(c) for c in choices]


def position_out_of_range(attempt, data):
    ordering, choices = question_of(attempt, OrderingQuestion)
    data[ordering.item_field(choices[0])] = "4"


def position_not_a_number(attempt, data):
    ordering, choices = question_of(attempt, OrderingQuestion)
    data[ordering.item_field(choices[0])] = "first"


def unknown_ordering_item(attempt, data):
    ordering, _ = question_of(attempt, OrderingQuestion)
    data[f"{ordering.field_name}-nope"] = "1"


def answer_not_in_the_list(attempt, data):
    matching, choices = question_of(attempt, MatchingQuestion)
    data[matching.item_field(choices[0])] = "112"


def unknown_matching_prompt(attempt, data):
    matching, _ = question_of(attempt, MatchingQuestion)
    data[f"{matching.field_name}-c"] = "999"


@pytest.mark.parametrize(
    "tamper",
    [
        not_an_option,
        raw_option_key,
        option_of_another_question,
        option_of_another_quiz,
        option_sent_twice,
        two_answers_to_a_single,
        position_out_of_range,
        position_not_a_number,
        unknown_ordering_item,
        answer_not_in_the_list,
        unknown_matching_prompt,
    ],
)
def test_tampered_answers_are_refused_and_change_nothing(learner_client, attempt, tamper):
    data = answers(attempt)
    tamper(attempt, data)
    before = rows()

    response = learner_client.post(submit_url(attempt), data)

    assert response.status_code == 400
    assert "Your answers could not be read, so nothing has been saved." in response.content.decode()
    assert_unchanged(before, attempt)
    # The attempt is still open and takes a proper submission.
    assert learner_client.post(submit_url(attempt), answers(attempt)).status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_second_submit_of_the_same_attempt_is_refused(learner_client, attempt):
    learner_client.post(submit_url(attempt), answers(attempt, right=False))
    before = rows()
    first_result = without_csrf(learner_client.get(result_url(attempt)).content.decode())

    response = learner_client.post(submit_url(attempt), answers(attempt))

    assert response.status_code == 400
    html = response.content.decode()
    assert "These answers were already submitted" in html
    assert f'href="{result_url(attempt)}"' in html
    assert rows() == before
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (0, False)
    assert without_csrf(learner_client.get(result_url(attempt)).content.decode()) == first_result
    assert not UnitProgress.objects.exists()


@pytest.mark.parametrize("submitted", [False, True], ids=["open", "submitted"])
def test_someone_elses_attempt_is_404(client, other_user, learner_client, attempt, submitted):
    if submitted:
        learner_client.post(submit_url(attempt), answers(attempt, right=False))
    client.force_login(other_user)
    before = rows()

    assert client.post(submit_url(attempt), answers(attempt)).status_code == 404
    assert client.get(result_url(attempt)).status_code == 404

    assert rows() == before
    attempt.refresh_from_db()
    assert attempt.is_submitted is submitted


def test_someone_elses_attempt_is_404_even_when_they_are_on_the_same_course(
    client, other_user, sample_course, learner_client, attempt
):
    enrol(other_user, "taxi-drivers", sample_course)
    client.force_login(other_user)
    client.get(take_url())  # they have an attempt of their own
    before = rows()

    assert client.post(submit_url(attempt), answers(attempt)).status_code == 404
    assert client.get(result_url(attempt)).status_code == 404
    assert_unchanged(before, attempt)


def test_unknown_attempt_is_404(learner_client, attempt):
    missing = Attempt(public_id=uuid.uuid4())
    before = rows()

    assert learner_client.post(submit_url(missing), answers(attempt)).status_code == 404
    assert learner_client.get(result_url(missing)).status_code == 404
    assert learner_client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert_unchanged(before, attempt)


def garbage_field_names(attempt):
    return {"data": {"zzz": "1", "q": "a", "q0": "a", "q-1": "1", "q1x": "b", "": "x"}}


def huge_value(attempt):
    data = answers(attempt)
    single, _ = question_of(attempt, SingleChoiceQuestion)
    data[single.field_name] = "a" * 1_000_000
    return {"data": data}


def body_too_big(attempt):
    return {"data": {**answers(attempt), "padding": "x" * 3_000_000}}


def too_many_fields(attempt):
    return {"data": {**answers(attempt), **{f"f{n}": "x" for n in range(1500)}}}


def non_utf8_value(attempt):
    single, _ = question_of(attempt, SingleChoiceQuestion)
    data = {k: v for k, v in answers(attempt).items() if k != single.field_name}
    body = "&".join(
        f"{k}={v}" for k, values in data.items() for v in ([values] if isinstance(values, str) else values)
    )
    return {
        "data": body.encode() + f"&{single.field_name}=".encode() + b"\xff\xfe\xc3(",
        "content_type": "application/x-www-form-urlencoded",
    }


def non_utf8_field_names(attempt):
    return {"data": b"\xff\xfe=1&q\xc3(=a&\x80\x81=\x82", "content_type": "application/x-www-form-urlencoded"}


def multipart_junk(attempt):
    return {
        "data": b"--xyz\r\nnot a header\r\n\r\njunk\r\n--xy",
        "content_type": "multipart/form-data; boundary=xyz",
    }


def multipart_without_boundary(attempt):
    return {"data": b"junk", "content_type": "multipart/form-data"}


def json_body(attempt):
    return {"data": json.dumps(answers(attempt)), "content_type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        garbage_field_names,
        huge_value,
        body_too_big,
        too_many_fields,
        non_utf8_value,
        non_utf8_field_names,
        multipart_junk,
        multipart_without_boundary,
        json_body,
    ],
)
def test_malformed_body_is_400_and_changes_nothing(learner_client, attempt, body):
    before = rows()

    response = learner_client.post(submit_url(attempt), **body(attempt))

    assert response.status_code == 400
    assert_unchanged(before, attempt)
    assert learner_client.post(submit_url(attempt), answers(attempt)).status_code == 302


def test_missing_answers_show_an_error_summary_and_keep_the_attempt_open(learner_client, attempt):
    single, choices = question_of(attempt, SingleChoiceQuestion)
    chosen = single.option_value(next(c for c in choices if c.is_correct))
    ordering, items = question_of(attempt, OrderingQuestion)
    data = {single.field_name: chosen, **{ordering.item_field(c): "1" for c in items}}
    before = rows()

    response = learner_client.post(submit_url(attempt), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Quiz: Spotting the signs" in html
    summary = html[
        html.index('<div class="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    assert "There is a problem" in summary
    assert re.findall(r'<a href="#(question-\d)">([^<]+)</a>', summary) == [
        ("question-2", "Question 2: Select all the answers that apply"),
        ("question-3", "Question 3: Give each step a different position"),
        ("question-4", "Question 4: Choose an answer for every situation"),
    ]
    for number in (2, 3, 4):
        assert f'<div class="form-group form-group--error" id="question-{number}">' in html
    assert '<div class="form-group" id="question-1">' in html
    assert f'value="{chosen}" checked' in html  # what was answered is kept
    assert html.count("Error:</span>") == 3
    assert_unchanged(before, attempt)

    response = learner_client.post(submit_url(attempt), answers(attempt))

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100, True)
    assert UnitProgress.objects.count() == 1


def test_get_on_submit_is_405(learner_client, attempt):
    before = rows()
    assert learner_client.get(submit_url(attempt)).status_code == 405
    assert_unchanged(before, attempt)


def test_anonymous_visitor_is_sent_to_log_in(client, attempt):
    data = answers(attempt)
    client.logout()
    before = rows()

    for response in (
        client.get(take_url()),
        client.post(submit_url(attempt), data),
        client.get(result_url(attempt)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")

    assert_unchanged(before, attempt)
