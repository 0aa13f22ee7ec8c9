"""Template tags for course pages: render a block with its own type's template."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

from courses.markdown import render_markdown
from courses.models import Block
from courses.progress import percent_done

register = template.Library()


@register.simple_tag(takes_context=True)
def render_block(context: template.Context, block: Block) -> SafeString:
    """Each block type names its template and prepares its own context; no type checks here."""
    return get_template(block.template_name).render(
        {"block": block, **block.render_context()}, context.request
    )


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def percent(done: int, total: int) -> int:
    return percent_done(done, total)
