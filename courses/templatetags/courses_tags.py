"""Template tags for course pages: render a block with its own type's template."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

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


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as people say it: "1 hour 5 minutes", "12 minutes", "less than a minute"."""
    minutes = round((seconds or 0) / 60)
    if minutes < 1:
        return gettext("less than a minute")
    hours, minutes = divmod(minutes, 60)
    parts = [ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}] if hours else []
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


@register.filter
def duration_minutes(minutes: int | None) -> str:
    return duration((minutes or 0) * 60)
