"""Quiz pages: take, submit, result and history, the learner's flow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses.markdown import render_markdown
from courses.models import Unit, UnitProgress
from quizzes.models import (
    Attempt,
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    SingleChoiceQuestion,
)
from tests.quizzes.factories import answer_data
from tests.quizzes.view_helpers import (
    COURSE,
    Form,
    answers,
    enrol,
    open_attempt,
    question_of,
    questions_of,
    result_url,
    submit_url,
    take_url,
    without_csrf,
)

pytestmark = pytest.mark.django_db


# The flow ----------------------------------------------------------------------------------------------


def test_fail_feedback_retake_pass_completes_the_unit_exactly_once(learner_client, taxi):
    unit = Unit.objects.get(slug="signs")
    page = learner_client.get(take_url())
    assert page.status_code == 200
    first = open_attempt(taxi)
    html = page.content.decode()
    assert "4 questions. You need 80% to pass." in html
    assert "You have <strong>3 attempts left</strong>." in html  # the course default (assessment rules)

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
    # What was chosen, that it was not right, and why: never the right answer, nor the explanation.
    assert "<strong>Nothing to worry about</strong> – Your answer" in result
    assert escape("Someone else paying a child's fare is a sign on the guide's list.") in result
    assert "<strong>They like football</strong> – You selected this" in result
    assert "Your order was not all right." in result
    assert "Not all your matches were right." in result
    assert "you put it at step" not in result and "Always call 999 in immediate danger." not in result
    assert result.count('<span class="tag tag--fail">Not right</span>') == 4
    assert render_markdown(Question.objects.get(key="who-pays").explanation) not in result
    assert "Read again: <a href=" in result and "Unit 1: Spotting the signs — the signs list</a>" in result
    assert "You have <strong>2 attempts left</strong> out of 3." in result
    assert f'href="{take_url()}">Take the quiz again' in result
    assert f'href="{reverse("courses:unit", args=[COURSE, "signs"])}">Read the unit again' in result

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
    assert render_markdown(Question.objects.get(key="who-pays").explanation) in result  # the full review

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
        elif isinstance(question, OrderingQuestion):
            for text, field_id in labelled.items():
                choice = by_text[text]
                assert str(choice.position) in form.selects[field_id]
                data[field_id] = str(choice.position)
        else:  # matching: a radio group per prompt, each answer a labelled radio
            for choice in choices:
                name = question.item_field(choice)
                radios = {i["value"]: i["id"] for i in form.inputs if i.get("name") == name}
                assert form.labels[radios[choice.match]].strip() == choice.match
                data[name] = choice.match
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
