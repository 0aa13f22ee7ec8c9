"""Welsh beside English for quiz content (issue 21; the scheme: courses/translation.py). Option values never
depend on the language (an HMAC of the option key; a matching answer's value is its English text), so an
attempt started in one language is submitted in the other."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Choice,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    Scenario,
    SingleChoiceQuestion,
    TopicTag,
)


@register(Scenario)
class ScenarioTranslation(TranslationOptions):
    fields = ("text",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("prompt", "section", "explanation")


@register(SingleChoiceQuestion)
@register(MultipleResponseQuestion)
@register(OrderingQuestion)
class QuestionTypeTranslation(TranslationOptions):
    fields = ()  # their text is Question's; registered so their managers and queries know the Welsh fields


@register(MatchingQuestion)
class MatchingQuestionTranslation(TranslationOptions):
    fields = ("distractors",)


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text", "match", "feedback")


@register(TopicTag)
class TopicTagTranslation(TranslationOptions):
    fields = ("label",)
