"""The real course's pools and feedback: every attempt draws 5 of the pathway's bank (at least 10) with a role
scenario question; a failed attempt's page never names the right option of a question answered wrongly (the
whole bank of every quiz and pathway checked), nor tells right options from wrong ones when every box is
ticked; a passed attempt's page names it (issue 19 item 4: a missed right option is not shown as a wrong
one)."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from courses import services as course_services
from quizzes import selectors, services
from quizzes.models import Choice, Quiz
from tests.certificates.helpers import as_form_data, correct_answers
from tests.courses.story_paths import finish_stories
from tests.elearning.factories import UserFactory
from tests.quizzes.bots import render_result

pytestmark = pytest.mark.django_db


def _learner(course, pathway, quiz):
    learner = UserFactory()
    enrolment = course_services.enrolment_create(learner=learner, pathway=pathway)
    course_services.unit_visit(enrolment=enrolment, unit=quiz.unit)
    finish_stories(enrolment=enrolment, unit=quiz.unit)  # the unit's quiz opens after its story
    return learner, enrolment


def _wrong_answers(attempt) -> dict:
    """Every question answered wrongly: the first wrong option, the steps reversed, every match wrong."""
    data = {}
    for question, choices in selectors.questions_with_choices(
        question_ids=attempt.question_ids, attempt=attempt
    ):
        options = {o.key: o for o in question.options_for_display(choices, attempt.seed)}
        if question.type_name == "single":
            data[question.field_name] = next(options[c.key].value for c in choices if not c.is_correct)
        elif question.type_name == "multiple":
            wrong = [options[c.key].value for c in choices if not c.is_correct]
            data[question.field_name] = wrong or [options[choices[0].key].value]
        elif question.type_name == "ordering":
            data.update(
                {question.item_field(options[c.key]): str(len(choices) - c.position + 1) for c in choices}
            )
        else:
            answers = question.answers(choices)
            data.update(
                {
                    question.item_field(options[c.key]): next(a for a in answers if a != c.match)
                    for c in choices
                }
            )
    return data


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="result-question".*?</section>', html, flags=re.S)


def test_every_attempt_draws_again_within_the_pathway_bank_with_a_scenario_question(course):
    for quiz in Quiz.objects.filter(unit__course=course).select_related("unit__course"):
        for pathway in course.pathways.all():
            bank = selectors.question_bank_for_pathway(quiz=quiz, pathway=pathway)
            assert len(bank) >= 10
            _, enrolment = _learner(course, pathway, quiz)
            draws = set()
            for _ in range(3):
                attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
                assert len(attempt.question_ids) == 5 and set(attempt.question_ids) <= {pk for pk, _ in bank}
                assert any(about for pk, about in bank if pk in attempt.question_ids)
                draws.add(tuple(attempt.question_ids))
                attempt.delete()  # an unanswered attempt: the next one draws afresh
                selectors.enrolment_attempts_forget(enrolment=enrolment)  # as the next request would
            assert len(draws) >= 2, (quiz.unit.slug, pathway.slug)


def _whole_bank_attempts(course):
    """For every quiz and pathway: a learner's attempt that sets the pathway's whole bank (the quiz's pool
    size lifted for the test, rolled back with it), so every question is checked on every run."""
    for quiz in Quiz.objects.filter(unit__course=course).select_related("unit__course"):
        quiz.questions_per_attempt = None
        quiz.save(update_fields=["questions_per_attempt"])
        for pathway in course.pathways.all():
            bank = selectors.question_bank_for_pathway(quiz=quiz, pathway=pathway)
            learner, enrolment = _learner(course, pathway, quiz)
            attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
            assert attempt.question_ids == [pk for pk, _ in bank]
            yield quiz, learner, attempt


def _failed_page(attempt, learner, data) -> tuple[list, list[str]]:
    result = services.attempt_submit(attempt=attempt, data=as_form_data(data))
    assert result.attempt is not None and result.attempt.passed is False
    answers = list(result.attempt.answers.all())
    sections = _sections(render_result(result.attempt, learner))
    assert len(sections) == len(answers) == len(attempt.question_ids)
    return answers, sections


def test_a_failed_page_never_names_the_right_option_of_a_wrong_answer(course):
    checked = expected = 0
    for quiz, learner, attempt in _whole_bank_attempts(course):
        answers, sections = _failed_page(attempt, learner, _wrong_answers(attempt))
        for section, answer in zip(sections, answers, strict=True):
            assert not answer.is_correct
            for choice in Choice.objects.filter(question_id=answer.question_id, is_correct=True):
                assert escape(choice.text) not in section, (quiz.unit.slug, choice.text)
                checked += 1
            assert "<strong>Why:</strong>" not in section  # the explanation names the answer
            assert "feedback--right" not in section and "feedback--missed" not in section
        expected += Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=True).count()
    assert checked == expected and checked >= 7 * 2 * 10


_ITEM = re.compile(r'<li class="feedback feedback--(\w+)">\s*<p><strong>(.*?)</strong>(.*?)</li>', re.S)


def test_ticking_every_option_on_a_failed_page_cannot_tell_right_options_from_wrong(course):
    """Every option of every multiple-response question ticked (the rest answered wrongly): the failed page
    lists every option alike (same label, style and no feedback), so nothing singles out the right ones."""
    multiple = 0
    for quiz, learner, attempt in _whole_bank_attempts(course):
        data = _wrong_answers(attempt)
        kinds = {}
        for question, choices in selectors.questions_with_choices(
            question_ids=attempt.question_ids, attempt=attempt
        ):
            kinds[question.pk] = (question.type_name, choices)
            if question.type_name == "multiple":
                options = question.options_for_display(choices, attempt.seed)
                data[question.field_name] = [option.value for option in options]
        answers, sections = _failed_page(attempt, learner, data)
        for section, answer in zip(sections, answers, strict=True):
            kind, choices = kinds[answer.question_id]
            items = _ITEM.findall(section)
            if kind == "multiple":
                assert not answer.is_correct  # every question of the bank has a wrong option
                assert sorted(text for _, text, _ in items) == sorted(escape(c.text) for c in choices)
                treatment = {(style, rest.replace(" ", "").replace("\n", "")) for style, _, rest in items}
                assert treatment == {("neutral", "–Youselectedthis</p>")}, (quiz.unit.slug, treatment)
                assert "Not all your choices were right" in section
                multiple += 1
            elif kind == "single":
                assert len(items) == 1  # the one choice made, never the right one
            else:
                assert items == []  # matching and ordering: a note, never a verdict per row
            assert "feedback--right" not in section and "feedback--wrong" not in section
    assert multiple >= 7


def test_a_passed_page_names_the_right_option_and_a_missed_one_is_not_shown_as_wrong(course):
    quiz = Quiz.objects.get(unit__course=course, unit__slug="spotting-the-signs")
    pathway = course.pathways.get(slug="taxi-drivers")
    for _ in range(30):  # draw until an attempt sets a multiple-response question
        learner, enrolment = _learner(course, pathway, quiz)
        attempt = services.attempt_start(enrolment=enrolment, quiz=quiz)
        questions = selectors.questions_with_choices(question_ids=attempt.question_ids, attempt=attempt)
        multiple = [
            (q, c) for q, c in questions if q.type_name == "multiple" and sum(x.is_correct for x in c) > 1
        ]
        if multiple:
            break
    question, choices = multiple[0]
    data = correct_answers(attempt.question_ids, attempt)
    options = {o.key: o for o in question.options_for_display(choices, attempt.seed)}
    missed = next(c for c in choices if c.is_correct)
    data[question.field_name] = [options[c.key].value for c in choices if c.is_correct and c != missed]
    result = services.attempt_submit(attempt=attempt, data=as_form_data(data))
    assert result.attempt.passed  # 4.5 of 5 and more: still a pass

    html = render_result(result.attempt, learner)
    section = next(s for s in _sections(html) if escape(question.prompt) in s)
    items = re.findall(r'<li class="feedback feedback--(\w+)">(.*?)</li>', section, flags=re.S)
    [(style, body)] = [(style, body) for style, body in items if escape(missed.text) in body]
    assert style == "missed"  # not the red bar of a wrong answer
    assert "Also right: you did not select this" in body
    feedback = re.findall(r"<p>(.*?)</p>", body, flags=re.S)[-1]
    assert not feedback.startswith("Right")  # the label says so; no "Right." under a missed option
