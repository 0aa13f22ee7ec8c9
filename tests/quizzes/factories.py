import factory

from quizzes.models import (
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Quiz,
    Scenario,
    SingleChoiceQuestion,
)
from tests.courses.factories import UnitFactory


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
