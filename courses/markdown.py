"""Markdown to safe HTML: rendered by Python-Markdown, then sanitised by nh3 (Ammonia)."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "abbr",
    "cite",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


# A phone number set in bold (999, 101, 111, 116 000, or a UK number starting with 0) becomes a tel: link, so
# it can be tapped on a phone. Bold that is already a link's text is left alone.
PHONE_IN_BOLD = re.compile(r"(?<!\">)<strong>(999|101|111|116 ?\d{3}|0\d[\d ]{8,12}\d)</strong>")


def _phone_links(html: str) -> str:
    return PHONE_IN_BOLD.sub(
        lambda m: f'<a href="tel:{m.group(1).replace(" ", "")}"><strong>{m.group(1)}</strong></a>', html
    )


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Render Markdown written by content authors; anything outside a small safe list of tags is removed."""
    html = _phone_links(md.markdown(text or "", extensions=["sane_lists"], output_format="html"))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    # Sanitised by nh3 just above: only the allowed tags and attributes remain.
    return mark_safe(clean)  # noqa: S308  # nosec B308 B703
