"""Render a question with its own type's template."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def render_question(context: template.Context, item: dict, seed: int) -> SafeString:
    question = item["question"]
    ctx = {
        "question": question,
        "number": item["number"],
        "error": item["error"],
        "response": item["response"],
        **question.render_context(item["choices"], seed),
    }
    # In a context of its own made from the page's, so the context processors run once per page, not once
    # per question (issue 20: they were a tenth of the quiz page); the question templates read only `ctx`.
    question_template = context.template.engine.get_template(question.template_name)
    return question_template.render(context.new(ctx))


@register.filter
def get_item(mapping: dict, key: str):
    return (mapping or {}).get(key)


@register.filter
def contains(values, key) -> bool:
    return key in (values or [])


SELECT_ALL = "Select all that apply."


@register.filter
def without_select_all(prompt: str) -> str:
    """The prompt without a closing "Select all that apply." (or its Welsh, in a Welsh prompt): the hint
    under it says so once."""
    text = (prompt or "").rstrip()
    for ending in dict.fromkeys((SELECT_ALL, gettext(SELECT_ALL))):
        if text.endswith(ending):
            return text[: -len(ending)].rstrip()
    return text
