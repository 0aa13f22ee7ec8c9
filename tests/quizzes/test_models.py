"""Each question type reads its own form data (`parse`) and grades itself (`grade`)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from quizzes.models import InvalidResponse, MatchingQuestion
from tests.quizzes.factories import (
    QuizFactory,
    make_matching,
    make_multiple,
    make_ordering,
    make_single,
)

pytestmark = pytest.mark.django_db


def form(*pairs: tuple[str, str]) -> QueryDict:
    """Form data exactly as Django reads a POST body, repeated fields and all."""
    return QueryDict(urlencode(pairs))


def choices_of(question) -> list:
    return list(question.choices.order_by("order", "id"))


def by_key(choices) -> dict:
    return {c.key: c for c in choices}


def parse_and_grade(question, data: QueryDict):
    choices = choices_of(question)
    response, error = question.parse(data, choices)
    assert error is None
    return response, question.grade(response, choices)


# Single choice -----------------------------------------------------------------------------------------


@pytest.fixture
def single():
    return make_single(QuizFactory(), correct_key="b", keys=("a", "b", "c"))


def single_form(question, key: str) -> QueryDict:
    choice = by_key(choices_of(question))[key]
    return form((question.field_name, question.option_value(choice)))


def test_single_right(single):
    response, grade = parse_and_grade(single, single_form(single, "b"))
    assert response == {"choice": "b"}
    assert grade.score == 1.0
    assert grade.is_correct
    [item] = grade.items
    assert (item.text, item.chosen, item.is_right) == ("Option b", "chosen", True)
    assert item.feedback == "Feedback for this option."


def test_single_wrong(single):
    choice = by_key(choices_of(single))["c"]
    choice.feedback = "Not this one: the guide says otherwise."
    choice.save()

    response, grade = parse_and_grade(single, single_form(single, "c"))

    assert response == {"choice": "c"}
    assert grade.score == 0.0
    assert not grade.is_correct
    # The chosen option, then the right one (a result page names it only in the full review, after a pass).
    right, item = sorted(grade.items, key=lambda i: i.picked)
    assert (item.text, item.is_right, item.feedback, item.picked, item.correct) == (
        "Option c",
        False,
        "Not this one: the guide says otherwise.",
        True,
        False,
    )
    assert (right.text, right.picked, right.correct) == ("Option b", False, True)


@pytest.mark.parametrize("sent", ["nothing", "blank", "other field"])
def test_single_empty_asks_for_an_answer(single, sent):
    data = {"nothing": form(), "blank": form((single.field_name, "")), "other field": form(("q", "a"))}[sent]
    response, error = single.parse(data, choices_of(single))
    assert (response, error) == ({"choice": None}, "Choose an answer")
    assert single.grade(response, choices_of(single)).score == 0.0


def test_single_unknown_option_is_refused(single):
    other = make_single(single.quiz, key="other", correct_key="b")
    other_choice = choices_of(other)[1]
    for value in ("z", "b", other.option_value(other_choice), "1", "x" * 10_000):
        with pytest.raises(InvalidResponse):
            single.parse(form((single.field_name, value)), choices_of(single))


def test_single_field_sent_twice_is_refused(single):
    choices = by_key(choices_of(single))
    data = form(
        (single.field_name, single.option_value(choices["b"])),
        (single.field_name, single.option_value(choices["c"])),
    )
    with pytest.raises(InvalidResponse):
        single.parse(data, choices_of(single))


def test_single_grade_refuses_a_key_not_of_the_question(single):
    with pytest.raises(InvalidResponse):
        single.grade({"choice": "zz"}, choices_of(single))


# Multiple response -------------------------------------------------------------------------------------


@pytest.fixture
def multiple():
    return make_multiple(QuizFactory(), correct=("a", "b", "c"), keys=("a", "b", "c", "d", "e"))


def multiple_form(question, *keys: str) -> QueryDict:
    choices = by_key(choices_of(question))
    return form(*[(question.field_name, question.option_value(choices[key])) for key in keys])


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        (("a", "b", "c"), 1.0),
        (("a",), 1 / 3),
        (("a", "b"), 2 / 3),
        (("a", "b", "c", "d"), 2 / 3),  # (3 right − 1 wrong) ÷ 3 right options
        (("a", "b", "d"), 1 / 3),  # (2 − 1) ÷ 3
        (("a", "d"), 0.0),  # (1 − 1) ÷ 3
        (("a", "d", "e"), 0.0),  # (1 − 2) ÷ 3 is below zero: never negative
        (("d",), 0.0),
        (("d", "e"), 0.0),
    ],
)
def test_multiple_partial_credit_follows_the_content_formula(multiple, chosen, score):
    response, grade = parse_and_grade(multiple, multiple_form(multiple, *chosen))
    assert response == {"choices": sorted(chosen)}
    assert grade.score == pytest.approx(score)
    assert grade.score >= 0
    assert grade.is_correct == (score == 1.0)


def test_multiple_feedback_covers_picked_and_missed_options(multiple):
    _, grade = parse_and_grade(multiple, multiple_form(multiple, "a", "d"))
    shown = {item.text: (item.chosen, item.is_right) for item in grade.items}
    assert shown == {
        "Option a": ("selected", True),
        "Option b": ("not selected", False),
        "Option c": ("not selected", False),
        "Option d": ("selected", False),
    }  # "e" was rightly left alone: nothing to say


def test_multiple_empty_asks_for_an_answer(multiple):
    response, error = multiple.parse(form(), choices_of(multiple))
    assert (response, error) == ({"choices": []}, "Select all the answers that apply")
    assert multiple.grade(response, choices_of(multiple)).score == 0.0


def test_multiple_duplicate_option_is_refused(multiple):
    with pytest.raises(InvalidResponse):
        multiple.parse(multiple_form(multiple, "a", "b", "a"), choices_of(multiple))


@pytest.mark.parametrize("bad", ["z", "a", "", "x" * 5000])
def test_multiple_unknown_option_is_refused(multiple, bad):
    data = multiple_form(multiple, "a").copy()
    data.appendlist(multiple.field_name, bad)
    with pytest.raises(InvalidResponse):
        multiple.parse(data, choices_of(multiple))


def test_multiple_option_of_another_question_is_refused(multiple):
    other = make_multiple(multiple.quiz, key="other")
    data = multiple_form(multiple, "a")
    data = data.copy()
    data.appendlist(multiple.field_name, other.option_value(choices_of(other)[0]))
    with pytest.raises(InvalidResponse):
        multiple.parse(data, choices_of(multiple))


def test_multiple_grade_refuses_unknown_keys(multiple):
    with pytest.raises(InvalidResponse):
        multiple.grade({"choices": ["a", "zz"]}, choices_of(multiple))


# Ordering ----------------------------------------------------------------------------------------------


@pytest.fixture
def ordering():
    return make_ordering(QuizFactory(), keys=("a", "b", "c", "d"))


def ordering_form(question, positions: dict[str, str]) -> QueryDict:
    choices = by_key(choices_of(question))
    return form(*[(question.item_field(choices[key]), value) for key, value in positions.items()])


def test_ordering_all_right(ordering):
    response, grade = parse_and_grade(
        ordering, ordering_form(ordering, {"a": "1", "b": "2", "c": "3", "d": "4"})
    )
    assert response == {"positions": {"a": 1, "b": 2, "c": 3, "d": 4}}
    assert grade.score == 1.0
    assert [item.is_right for item in grade.items] == [True] * 4


@pytest.mark.parametrize(
    ("positions", "score"),
    [
        ({"a": "1", "b": "3", "c": "2", "d": "4"}, 0.5),  # two in place
        ({"a": "2", "b": "1", "c": "3", "d": "4"}, 0.5),
        ({"a": "1", "b": "2", "c": "4", "d": "3"}, 0.5),
        ({"a": "4", "b": "2", "c": "3", "d": "1"}, 0.5),
        ({"a": "1", "b": "3", "c": "4", "d": "2"}, 0.25),
        ({"a": "2", "b": "3", "c": "4", "d": "1"}, 0.0),  # none in place
    ],
)
def test_ordering_each_item_in_place_earns_its_share(ordering, positions, score):
    _, grade = parse_and_grade(ordering, ordering_form(ordering, positions))
    assert grade.score == pytest.approx(score)
    in_place = {key for key, value in positions.items() if int(value) == "abcd".index(key) + 1}
    assert {item.text for item in grade.items if item.is_right} == {f"Step {key}" for key in in_place}


def test_ordering_feedback_says_where_each_step_was_put(ordering):
    _, grade = parse_and_grade(ordering, ordering_form(ordering, {"a": "2", "b": "1", "c": "3", "d": "4"}))
    assert [(item.text, item.chosen) for item in grade.items] == [
        ("Step a", "you put it at step 2"),
        ("Step b", "you put it at step 1"),
        ("Step c", "you put it at step 3"),
        ("Step d", "you put it at step 4"),
    ]


@pytest.mark.parametrize(
    "positions", [{"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "2", "c": "3", "d": ""}, {}]
)
def test_ordering_missing_positions_ask_for_every_step(ordering, positions):
    response, error = ordering.parse(ordering_form(ordering, positions), choices_of(ordering))
    assert error == "Give every step a position"
    assert response["positions"] == {key: int(value) for key, value in positions.items() if value}


def test_ordering_duplicate_positions_ask_for_different_steps(ordering):
    data = ordering_form(ordering, {"a": "1", "b": "1", "c": "3", "d": "4"})
    response, error = ordering.parse(data, choices_of(ordering))
    assert error == "Give each step a different position"


def test_ordering_grade_of_a_partial_response_marks_missing_steps_wrong(ordering):
    grade = ordering.grade({"positions": {"a": 1, "b": 2}}, choices_of(ordering))
    assert grade.score == 0.5
    assert [item.chosen for item in grade.items][2:] == ["no step given", "no step given"]


@pytest.mark.parametrize("bad", ["0", "5", "-1", "abc", "1.0", " 1", "01", "١", "x" * 10_000])
def test_ordering_position_out_of_range_or_not_a_number_is_refused(ordering, bad):
    data = ordering_form(ordering, {"a": bad, "b": "2", "c": "3", "d": "4"})
    with pytest.raises(InvalidResponse):
        ordering.parse(data, choices_of(ordering))


def test_ordering_unknown_item_field_is_refused(ordering):
    data = ordering_form(ordering, {"a": "1", "b": "2", "c": "3", "d": "4"}).copy()
    data[f"{ordering.field_name}-zzz"] = "1"
    with pytest.raises(InvalidResponse):
        ordering.parse(data, choices_of(ordering))


def test_ordering_item_key_itself_is_not_a_field(ordering):
    """The form names items by an opaque value: the raw keys (in the right order in the file) are refused."""
    data = form(*[(f"{ordering.field_name}-{key}", str(n)) for n, key in enumerate("abcd", start=1)])
    with pytest.raises(InvalidResponse):
        ordering.parse(data, choices_of(ordering))


def test_ordering_field_sent_twice_is_refused(ordering):
    data = ordering_form(ordering, {"a": "1", "b": "2", "c": "3", "d": "4"}).copy()
    data.appendlist(ordering.item_field(choices_of(ordering)[0]), "2")
    with pytest.raises(InvalidResponse):
        ordering.parse(data, choices_of(ordering))


def test_ordering_grade_refuses_unknown_items(ordering):
    with pytest.raises(InvalidResponse):
        ordering.grade({"positions": {"a": 1, "zz": 2}}, choices_of(ordering))


# Matching ----------------------------------------------------------------------------------------------


@pytest.fixture
def matching() -> MatchingQuestion:
    # Several prompts may share an answer; "116000" matches nothing.
    return make_matching(QuizFactory(), pairs=(("a", "999"), ("b", "101"), ("c", "101")))


def matching_form(question, matches: dict[str, str]) -> QueryDict:
    choices = by_key(choices_of(question))
    return form(*[(question.item_field(choices[key]), value) for key, value in matches.items()])


def test_matching_offers_every_answer_and_distractor_once(matching):
    assert matching.answers(choices_of(matching)) == ["101", "116000", "999"]


def test_matching_all_right(matching):
    response, grade = parse_and_grade(matching, matching_form(matching, {"a": "999", "b": "101", "c": "101"}))
    assert response == {"matches": {"a": "999", "b": "101", "c": "101"}}
    assert grade.score == 1.0
    assert grade.is_correct


@pytest.mark.parametrize(
    ("matches", "score"),
    [
        ({"a": "999", "b": "101", "c": "999"}, 2 / 3),
        ({"a": "101", "b": "101", "c": "999"}, 1 / 3),
        ({"a": "101", "b": "999", "c": "999"}, 0.0),
    ],
)
def test_matching_each_right_match_earns_its_share(matching, matches, score):
    _, grade = parse_and_grade(matching, matching_form(matching, matches))
    assert grade.score == pytest.approx(score)
    assert [item.chosen for item in grade.items] == [matches["a"], matches["b"], matches["c"]]


def test_matching_distractor_chosen_is_wrong_not_refused(matching):
    _, grade = parse_and_grade(matching, matching_form(matching, {"a": "116000", "b": "101", "c": "101"}))
    assert grade.score == pytest.approx(2 / 3)
    assert [(item.text, item.is_right) for item in grade.items][0] == ("Situation a", False)


def test_matching_missing_answers_ask_for_every_situation(matching):
    response, error = matching.parse(matching_form(matching, {"a": "999", "b": ""}), choices_of(matching))
    assert error == "Choose an answer for every situation"
    assert response == {"matches": {"a": "999"}}
    grade = matching.grade(response, choices_of(matching))
    assert grade.score == pytest.approx(1 / 3)
    assert [item.chosen for item in grade.items] == ["999", "no answer", "no answer"]


@pytest.mark.parametrize("bad", ["112", "999 ", "0800 1111", "a", "x" * 10_000])
def test_matching_answer_not_in_the_list_is_refused(matching, bad):
    data = matching_form(matching, {"a": bad, "b": "101", "c": "101"})
    with pytest.raises(InvalidResponse):
        matching.parse(data, choices_of(matching))


def test_matching_unknown_prompt_field_is_refused(matching):
    data = matching_form(matching, {"a": "999", "b": "101", "c": "101"}).copy()
    data[f"{matching.field_name}-d"] = "999"
    with pytest.raises(InvalidResponse):
        matching.parse(data, choices_of(matching))


def test_matching_grade_refuses_unknown_prompts(matching):
    with pytest.raises(InvalidResponse):
        matching.grade({"matches": {"a": "999", "zz": "101"}}, choices_of(matching))


# Every type --------------------------------------------------------------------------------------------


def test_other_questions_fields_are_ignored():
    """A quiz posts every question's fields together: each question reads only its own."""
    quiz = QuizFactory()
    single, ordering = make_single(quiz, key="single"), make_ordering(quiz, key="ordering")
    single_choices, ordering_choices = choices_of(single), choices_of(ordering)
    data = form(
        (single.field_name, single.option_value(single_choices[0])),
        *[(ordering.item_field(c), str(c.position)) for c in ordering_choices],
        ("csrfmiddlewaretoken", "token"),
    )
    assert single.parse(data, single_choices) == ({"choice": "a"}, None)
    assert ordering.parse(data, ordering_choices) == ({"positions": {"a": 1, "b": 2, "c": 3}}, None)


def test_form_values_say_nothing_about_the_options():
    """Option values and item fields are opaque: neither the key nor the database id reaches the form."""
    quiz = QuizFactory()
    for question in (
        make_single(quiz, key="single"),
        make_multiple(quiz, key="multiple"),
        make_ordering(quiz, key="ordering"),
        make_matching(quiz, key="matching"),
    ):
        choices = choices_of(question)
        values = [question.option_value(c) for c in choices]
        assert len(set(values)) == len(values)
        for choice, value in zip(choices, values, strict=True):
            assert choice.key not in value.split("-")
            assert str(choice.pk) != value
            assert question.item_field(choice) == f"{question.field_name}-{value}"
        display = question.options_for_display(choices, seed=7)
        assert {(o.key, o.text, o.value) for o in display} == {
            (c.key, c.text, question.option_value(c)) for c in choices
        }


def test_options_are_shuffled_per_attempt_and_stable_across_reloads():
    question = make_multiple(QuizFactory(), keys=("a", "b", "c", "d", "e", "f"))
    choices = choices_of(question)
    first = [o.key for o in question.options_for_display(choices, seed=1)]
    assert first == [o.key for o in question.options_for_display(choices, seed=1)]
    orders = {tuple(o.key for o in question.options_for_display(choices, seed=seed)) for seed in range(20)}
    assert len(orders) > 1
