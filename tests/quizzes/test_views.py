"""Quiz pages: take, submit, result and history; integrity (400/404 changing nothing); attempt limits."""

from __future__ import annotations

import json
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape

from courses import services as course_services
from courses.markdown import render_markdown
from courses.models import Unit, UnitProgress
from quizzes import selectors
from quizzes.models import (
    Answer,
    Attempt,
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    SingleChoiceQuestion,
)
from tests.courses.factories import EnrolmentFactory, PathwayFactory, UnitFactory
from tests.quizzes.factories import (
    QuizFactory,
    ScenarioFactory,
    answer_data,
    make_matching,
    make_multiple,
    make_ordering,
    make_single,
    quiz_data,
)

pytestmark = pytest.mark.django_db

COURSE = "sample-course"


def take_url(unit_slug: str = "signs") -> str:
    return reverse("quizzes:take", args=[COURSE, unit_slug])


def submit_url(attempt) -> str:
    return reverse("quizzes:submit", args=[attempt.public_id])


def result_url(attempt) -> str:
    return reverse("quizzes:result", args=[attempt.public_id])


def enrol(user, pathway_slug: str, course):
    return course_services.enrolment_create(learner=user, pathway=course.pathways.get(slug=pathway_slug))


def open_attempt(enrolment, unit_slug: str = "signs") -> Attempt:
    return Attempt.objects.get(enrolment=enrolment, quiz__unit__slug=unit_slug, submitted_at__isnull=True)


def questions_of(attempt) -> list[tuple[Question, list[Choice]]]:
    return selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)


def question_of(attempt, kind) -> tuple[Question, list[Choice]]:
    return next((q, c) for q, c in questions_of(attempt) if isinstance(q, kind))


def answers(attempt, *, right: bool = True) -> dict:
    return quiz_data(questions_of(attempt), right=right)


def rows() -> dict:
    """Every row a quiz submission could write."""
    return {
        "attempts": list(Attempt.objects.order_by("pk").values()),
        "answers": list(Answer.objects.order_by("pk").values()),
        "progress": list(UnitProgress.objects.order_by("pk").values()),
    }


def without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which change from one response to the next."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


class Form(HTMLParser):
    """The fields of a page's forms: inputs, selects with their options, labels, and every attribute seen."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}
        self.field_attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value) on form controls
        self._select: str | None = None
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "select", "option", "label"}:
            self.field_attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "input":
            self.inputs.append(attributes)
        elif tag == "select":
            self._select = attributes["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(attributes.get("value", ""))
        elif tag == "label":
            self._label = attributes.get("for")
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data


@pytest.fixture
def taxi(sample_course, user):
    """The learner, enrolled as a taxi driver: unit 1's quiz sets all four question types."""
    return enrol(user, "taxi-drivers", sample_course)


@pytest.fixture
def attempt(learner_client, taxi) -> Attempt:
    """The learner's open attempt at unit 1's quiz, started by opening the quiz page."""
    assert learner_client.get(take_url()).status_code == 200
    return open_attempt(taxi)


# The flow ----------------------------------------------------------------------------------------------


def test_fail_feedback_retake_pass_completes_the_unit_exactly_once(learner_client, taxi):
    unit = Unit.objects.get(slug="signs")
    page = learner_client.get(take_url())
    assert page.status_code == 200
    first = open_attempt(taxi)
    assert (
        "4 questions. You need 80% to pass; you can try as many times as you need." in page.content.decode()
    )

    response = learner_client.post(submit_url(first), answers(first, right=False))

    assert response.status_code == 302
    assert response["Location"] == result_url(first)
    first.refresh_from_db()
    assert (first.score, first.passed, first.is_submitted) == (0, False, True)
    assert first.answers.count() == 4
    assert not UnitProgress.objects.filter(enrolment=taxi).exists()

    result = learner_client.get(result_url(first)).content.decode()
    assert "You did not pass this time" in result
    assert "Your score: 0%.</strong> The pass mark is 80%." in result
    # What was chosen, that it was not right, and why.
    assert "<strong>Nothing to worry about</strong> – chosen" in result
    assert escape("Someone else paying a child's fare is a sign on the guide's list.") in result
    assert "<strong>They like football</strong> – selected" in result
    assert "<strong>Talk to the child</strong> – you put it at step 2" in result
    assert "<strong>A child is in immediate danger</strong> – 101" in result
    assert escape("Always call 999 in immediate danger.") in result
    assert result.count('<span class="tag tag--fail">Not right</span>') == 4
    assert render_markdown(Question.objects.get(key="who-pays").explanation) in result
    assert "This question tests: Unit 1: Spotting the signs — the signs list" in result
    assert f'href="{take_url()}">Take the quiz again' in result
    assert f'href="{reverse("courses:unit", args=[COURSE, "signs"])}">Review the unit' in result

    retake = learner_client.get(take_url()).content.decode()
    second = open_attempt(taxi)
    assert second.pk != first.pk
    assert f'href="{result_url(first)}"' in retake  # the history
    assert "Not passed" in retake

    response = learner_client.post(submit_url(second), answers(second))

    assert response["Location"] == result_url(second)
    second.refresh_from_db()
    assert (second.score, second.passed) == (100, True)
    assert UnitProgress.objects.filter(enrolment=taxi, unit=unit).count() == 1
    result = learner_client.get(result_url(second)).content.decode()
    assert "You passed" in result
    assert "Your score: 100%." in result
    assert "Unit 1, “Spotting the signs”, is complete." in result
    assert f'href="{reverse("courses:unit", args=[COURSE, "pass-it-on"])}">Next unit' in result
    assert result.count('<span class="tag tag--done">Right</span>') == 4

    # Passing again later, for practice, changes no progress.
    progress = UnitProgress.objects.get(enrolment=taxi, unit=unit)
    practice = learner_client.get(take_url()).content.decode()
    assert "You have already passed this quiz" in practice
    third = open_attempt(taxi)
    assert learner_client.post(submit_url(third), answers(third)).status_code == 302
    assert list(UnitProgress.objects.filter(enrolment=taxi)) == [progress]
    assert UnitProgress.objects.get().completed_at == progress.completed_at
    history = learner_client.get(take_url()).content.decode()
    assert all(f'href="{result_url(past)}"' in history for past in (first, second, third))
    assert history.count("<td>Passed</td>") == 2


def test_partly_right_answers_earn_part_of_the_score(learner_client, attempt):
    data = answers(attempt)
    single, choices = question_of(attempt, SingleChoiceQuestion)
    data.update(answer_data(single, choices, right=False))  # 3 of 4 right: 75%, below the pass mark

    learner_client.post(submit_url(attempt), data)

    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (75, False)
    assert not UnitProgress.objects.exists()


def test_answers_chosen_on_the_page_itself_are_graded(learner_client, taxi):
    """The page's own field names and values, found by their labels, are what the grader reads."""
    form = Form(learner_client.get(take_url()).content.decode())
    attempt = open_attempt(taxi)
    data: dict[str, str | list[str]] = {}
    for question, choices in questions_of(attempt):
        by_text = {c.text: c for c in choices}
        labelled = {
            text.strip(): field_id
            for field_id, text in form.labels.items()
            if field_id.startswith(f"{question.field_name}-")
        }
        if isinstance(question, SingleChoiceQuestion | MultipleResponseQuestion):
            right = [labelled[c.text] for c in choices if c.is_correct]
            values = [i["value"] for i in form.inputs if i.get("id") in right]
            data[question.field_name] = (
                values if isinstance(question, MultipleResponseQuestion) else values[0]
            )
        else:
            for text, field_id in labelled.items():
                choice = by_text[text]
                value = str(choice.position) if isinstance(question, OrderingQuestion) else choice.match
                assert value in form.selects[field_id]
                data[field_id] = value
    assert len(data) == 1 + 1 + 3 + 2

    learner_client.post(submit_url(attempt), data)

    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100, True)


def test_quiz_page_does_not_reveal_the_answers(learner_client, attempt):
    html = learner_client.get(take_url()).content.decode()
    form = Form(html)
    lowered = html.lower()

    assert "correct" not in lowered
    assert "is_correct" not in lowered
    names = {i.get("name") for i in form.inputs} | set(form.selects) | set(form.labels)
    ids = {i.get("id") for i in form.inputs} | set(form.labels)
    values = {i.get("value") for i in form.inputs}
    for question, choices in questions_of(attempt):
        assert escape(question.prompt) in html
        assert render_markdown(question.explanation) not in html
        assert question.section not in html
        for choice in choices:
            assert escape(choice.text) in html
            assert escape(choice.feedback) not in html
            # Keys follow the file's order (the right order of ordering steps): they never reach the page.
            assert f"{question.field_name}-{choice.key}" not in names | ids
            assert choice.key not in values
            assert str(choice.pk) not in values
    assert "Always call 999 in immediate danger." not in html
    assert not [attribute for attribute in form.field_attributes if attribute[1].startswith("data-")]
    ordering, _ = question_of(attempt, OrderingQuestion)
    assert form.selects[f"{ordering.field_name}-" + ordering.option_value(ordering.choices.get(key="a"))] == [
        "",
        "1",
        "2",
        "3",
    ]


def test_quiz_page_is_the_same_whichever_answers_are_right(learner_client, attempt):
    """Rewrite which options are right: the page for the same attempt does not change by a byte."""

    def page() -> str:
        return without_csrf(learner_client.get(take_url()).content.decode())

    before = page()
    single, choices = question_of(attempt, SingleChoiceQuestion)
    for choice in choices:
        choice.is_correct = not choice.is_correct
        choice.save()
    multiple, choices = question_of(attempt, MultipleResponseQuestion)
    for choice in choices:
        choice.is_correct = not choice.is_correct
        choice.save()
    ordering, choices = question_of(attempt, OrderingQuestion)
    for choice, position in zip(choices, (3, 1, 2), strict=True):
        choice.position = position
        choice.save()
    matching, choices = question_of(attempt, MatchingQuestion)
    choices[0].match, choices[1].match = choices[1].match, choices[0].match
    Choice.objects.bulk_update(choices, ["match"])

    assert page() == before


def test_questions_limited_to_another_pathway_are_not_set(learner_client, sample_course, user):
    enrolment = enrol(user, "foster-carers", sample_course)

    html = learner_client.get(take_url()).content.decode()

    attempt = open_attempt(enrolment)
    keys = [q.key for q, _ in questions_of(attempt)]
    assert keys == ["signs-all", "what-first", "who-to-call"]
    assert "3 questions." in html
    assert "Which sign from the guide is this?" not in html
    assert "A man you do not know pays the fare." not in html
    assert "Scenario" not in html


def test_scenario_questions_show_their_scenario(learner_client, attempt):
    html = learner_client.get(take_url()).content.decode()
    assert "A man you do not know pays the fare." in html
    assert html.count('<p class="callout__label">Scenario</p>') == 1


def test_opening_the_quiz_again_keeps_the_same_attempt(learner_client, attempt):
    first = Form(learner_client.get(take_url()).content.decode())
    second = Form(learner_client.get(take_url()).content.decode())
    assert Attempt.objects.count() == 1
    assert [i.get("value") for i in first.inputs[2:]] == [i.get("value") for i in second.inputs[2:]]


def test_attempt_history_is_listed_on_the_quiz_page(learner_client, attempt, taxi):
    learner_client.post(submit_url(attempt), answers(attempt, right=False))
    attempt.refresh_from_db()

    html = learner_client.get(take_url()).content.decode()

    assert "Your earlier attempts" in html
    assert f'<a href="{result_url(attempt)}">' in html
    assert "<td>0%</td><td>Not passed</td>" in html
    assert (
        f'href="{take_url()}">See all your attempts'
        in learner_client.get(result_url(attempt)).content.decode()
    )


def test_no_history_before_the_first_attempt(learner_client, attempt):
    assert "Your earlier attempts" not in learner_client.get(take_url()).content.decode()


def test_learner_not_enrolled_is_sent_to_choose_a_pathway(learner_client, sample_course):
    response = learner_client.get(take_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[COURSE])
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("unit_slug", ["next-steps", "no-such-unit"])
def test_unit_without_a_quiz_is_404(learner_client, taxi, unit_slug):
    assert learner_client.get(take_url(unit_slug)).status_code == 404


def test_open_attempt_result_page_goes_back_to_the_quiz(learner_client, attempt):
    response = learner_client.get(result_url(attempt))
    assert response.status_code == 302
    assert response["Location"] == take_url()


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


# Attempt limit -----------------------------------------------------------------------------------------


def test_no_new_attempt_once_the_limit_is_reached(learner_client, taxi):
    Quiz.objects.filter(unit__slug="signs").update(max_attempts=2)
    done = []
    for _ in range(2):
        page = learner_client.get(take_url()).content.decode()
        assert "you have 2 attempts" in page
        attempt = open_attempt(taxi)
        learner_client.post(submit_url(attempt), answers(attempt, right=False))
        done.append(attempt)

    response = learner_client.get(take_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>No attempts left</h1>" in html
    assert "You have used all 2 attempts at this quiz." in html
    assert all(f'href="{result_url(attempt)}"' in html for attempt in done)
    assert f'href="{reverse("courses:unit", args=[COURSE, "signs"])}"' in html
    assert '<form method="post" action="/quizzes/attempts/' not in html
    assert Attempt.objects.count() == 2
    assert not Attempt.objects.filter(submitted_at__isnull=True).exists()
    assert learner_client.post(submit_url(done[0]), answers(done[0])).status_code == 400


def test_an_open_attempt_can_be_finished_at_the_limit(learner_client, taxi):
    Quiz.objects.filter(unit__slug="signs").update(max_attempts=1)
    learner_client.get(take_url())
    attempt = open_attempt(taxi)

    assert learner_client.get(take_url()).status_code == 200  # the same open attempt, not refused
    assert learner_client.post(submit_url(attempt), answers(attempt)).status_code == 302
    assert "No attempts left" in learner_client.get(take_url()).content.decode()
    assert UnitProgress.objects.count() == 1


# Query counts ------------------------------------------------------------------------------------------


def build_quiz(per_type: int):
    """A quiz mixing all four types, `per_type` of each, some set in a scenario, plus questions limited to
    another pathway; and a learner enrolled on the course (which has a second unit, so passing does not
    finish it)."""
    pathway = PathwayFactory()
    other = PathwayFactory(course=pathway.course)
    quiz = QuizFactory(unit__course=pathway.course)
    UnitFactory(course=pathway.course)
    scenario = ScenarioFactory(quiz=quiz)
    scenario.pathways.add(pathway)
    for n in range(per_type):
        make_single(quiz, key=f"scenario-{n}", scenario=scenario).pathways.add(pathway)
        make_multiple(quiz, key=f"multiple-{n}")
        make_ordering(quiz, key=f"ordering-{n}", keys=("a", "b", "c", "d"))
        make_matching(quiz, key=f"matching-{n}", pairs=(("a", "999"), ("b", "101"), ("c", "101")))
        make_single(quiz, key=f"other-{n}").pathways.add(other)
    # Polymorphic queries look up the base model's content type once per process: do it before counting.
    ContentType.objects.get_for_model(Question)
    return quiz, EnrolmentFactory(pathway=pathway)


# User 1 (the session comes from the cache), course 1, quiz with its unit 1, enrolment 1, pathway's
# questions 1 (to check an open attempt still matches), open attempt 1, [create the attempt 3],
# questions 1 + 1 per type + choices 1, history 1, unit done? 1.
TAKE_NEW_ATTEMPT = 17
TAKE_OPEN_ATTEMPT = 14
# User 1 (session from the cache), attempt 1, savepoint, locked attempt 1, questions 6, then: answers 1,
# attempt 1, and on a pass the courses service (unit, savepoints, lock, progress, counts); on missing
# answers the page again.
SUBMIT_PASS = 23
SUBMIT_FAIL = 13
SUBMIT_MISSING = 19
# User 1, attempt with its quiz, unit and course 1, answers 1, neighbouring units 1.
RESULT = 4


@pytest.mark.parametrize("per_type", [3, 6])
def test_quiz_page_query_count_does_not_grow_with_questions(client, django_assert_num_queries, per_type):
    quiz, enrolment = build_quiz(per_type)
    client.force_login(enrolment.learner)
    url = reverse("quizzes:take", args=[quiz.unit.course.slug, quiz.unit.slug])

    with django_assert_num_queries(TAKE_NEW_ATTEMPT):
        response = client.get(url)
    assert f"{4 * per_type} questions." in response.content.decode()
    with django_assert_num_queries(TAKE_OPEN_ATTEMPT):
        response = client.get(url)
    assert response.content.decode().count('<div class="form-group" id="question-') == 4 * per_type


@pytest.mark.parametrize("per_type", [3, 6])
def test_submit_query_count_does_not_grow_with_questions(client, django_assert_num_queries, per_type):
    quiz, enrolment = build_quiz(per_type)
    client.force_login(enrolment.learner)
    take = reverse("quizzes:take", args=[quiz.unit.course.slug, quiz.unit.slug])

    client.get(take)
    attempt = open_attempt(enrolment, quiz.unit.slug)
    with django_assert_num_queries(SUBMIT_MISSING):
        assert client.post(submit_url(attempt), {}).status_code == 400
    wrong = answers(attempt, right=False)
    with django_assert_num_queries(SUBMIT_FAIL):
        assert client.post(submit_url(attempt), wrong).status_code == 302
    client.get(take)
    attempt = open_attempt(enrolment, quiz.unit.slug)
    right = answers(attempt)
    with django_assert_num_queries(SUBMIT_PASS):
        assert client.post(submit_url(attempt), right).status_code == 302

    attempt.refresh_from_db()
    assert (attempt.passed, attempt.answers.count()) == (True, 4 * per_type)
    assert UnitProgress.objects.filter(enrolment=enrolment).count() == 1
    with django_assert_num_queries(RESULT):
        response = client.get(result_url(attempt))
    assert response.content.decode().count('<section class="result-question"') == 4 * per_type
