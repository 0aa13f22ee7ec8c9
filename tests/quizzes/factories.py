import factory

from quizzes.models import (
    Attempt,
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Quiz,
    Scenario,
    SingleChoiceQuestion,
)
from tests.courses.factories import EnrolmentFactory, UnitFactory


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    unit = factory.SubFactory(UnitFactory, completed_by_quiz=True)
    pass_mark = 80


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    quiz = factory.SubFactory(QuizFactory)
    key = factory.Sequence(lambda n: f"scenario-{n}")
    text = "You are driving a young passenger home."


class QuestionFactoryBase(factory.django.DjangoModelFactory):
    quiz = factory.SubFactory(QuizFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    order = factory.Sequence(lambda n: n)
    prompt = factory.Sequence(lambda n: f"Question prompt {n}?")
    section = "Unit 1: Test — section"
    explanation = "Because the guide says so."


class SingleChoiceQuestionFactory(QuestionFactoryBase):
    class Meta:
        model = SingleChoiceQuestion


class MultipleResponseQuestionFactory(QuestionFactoryBase):
    class Meta:
        model = MultipleResponseQuestion


class OrderingQuestionFactory(QuestionFactoryBase):
    class Meta:
        model = OrderingQuestion


class MatchingQuestionFactory(QuestionFactoryBase):
    class Meta:
        model = MatchingQuestion

    distractors = factory.LazyFunction(lambda: ["116000"])


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    key = factory.Sequence(lambda n: f"c{n}")
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    feedback = "Feedback for this option."


def make_single(quiz, correct_key="a", keys=("a", "b", "c"), **kwargs):
    question = SingleChoiceQuestionFactory(quiz=quiz, **kwargs)
    for key in keys:
        ChoiceFactory(question=question, key=key, is_correct=key == correct_key, text=f"Option {key}")
    return question


def make_multiple(quiz, correct=("a", "b"), keys=("a", "b", "c", "d"), **kwargs):
    question = MultipleResponseQuestionFactory(quiz=quiz, **kwargs)
    for key in keys:
        ChoiceFactory(question=question, key=key, is_correct=key in correct, text=f"Option {key}")
    return question


def make_ordering(quiz, keys=("a", "b", "c"), **kwargs):
    question = OrderingQuestionFactory(quiz=quiz, **kwargs)
    for position, key in enumerate(keys, start=1):
        ChoiceFactory(question=question, key=key, position=position, text=f"Step {key}")
    return question


def make_matching(quiz, pairs=(("a", "999"), ("b", "101")), **kwargs):
    question = MatchingQuestionFactory(quiz=quiz, **kwargs)
    for key, answer in pairs:
        ChoiceFactory(question=question, key=key, match=answer, text=f"Situation {key}")
    return question


class AttemptFactory(factory.django.DjangoModelFactory):
    """An open attempt at a quiz, set every active question of it, by a learner enrolled on its course."""

    class Meta:
        model = Attempt

    quiz = factory.SubFactory(QuizFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, pathway__course=factory.SelfAttribute("...quiz.unit.course")
    )
    question_ids = factory.LazyAttribute(
        lambda o: list(
            o.quiz.questions.filter(is_active=True).order_by("order", "id").values_list("pk", flat=True)
        )
    )
    seed = factory.Sequence(lambda n: 1000 + n)


def answer_data(question, choices, *, right=True) -> dict[str, str | list[str]]:
    """Form data answering one question wholly right, or wholly wrong (never partly right), as the quiz
    page's form would send it."""
    if isinstance(question, SingleChoiceQuestion):
        choice = next(c for c in choices if c.is_correct == right)
        return {question.field_name: question.option_value(choice)}
    if isinstance(question, MultipleResponseQuestion):
        return {question.field_name: [question.option_value(c) for c in choices if c.is_correct == right]}
    if isinstance(question, OrderingQuestion):
        count = len(choices)
        return {question.item_field(c): str(c.position if right else c.position % count + 1) for c in choices}
    answers = question.answers(choices)
    return {
        question.item_field(c): c.match if right else next(a for a in answers if a != c.match)
        for c in choices
    }


def quiz_data(questions_with_choices, *, right=True) -> dict[str, str | list[str]]:
    """Form data answering every question of an attempt (pairs from selectors.questions_with_choices)."""
    data: dict[str, str | list[str]] = {}
    for question, choices in questions_with_choices:
        data.update(answer_data(question, choices, right=right))
    return data
