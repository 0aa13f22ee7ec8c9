"""courses.markdown: authors' Markdown becomes HTML with only a small safe set of tags and links."""

from __future__ import annotations

import pytest

from courses.markdown import render_markdown


def test_markdown_is_rendered():
    html = render_markdown("Call **999**.\n\n- one\n- two\n\n[Guide](https://example.org/guide)")

    assert '<p>Call <a href="tel:999" rel="noopener noreferrer"><strong>999</strong></a>.</p>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer">Guide</a>' in html


@pytest.mark.parametrize(
    ("source", "kept", "removed"),
    [
        ("Hi <script>alert('x')</script> there", "Hi", ["<script", "alert"]),
        ('<img src="x.png" onerror="alert(1)"> text', "text", ["<img", "onerror", "alert"]),
        ("[Click](javascript:alert(1))", "Click", ["javascript:", "alert"]),
        ('<a href="JaVaScRiPt:alert(1)">Click</a>', "Click", ["javascript", "JaVaScRiPt", "alert"]),
        ('<p onclick="alert(1)" style="color: red">Styled</p>', "Styled", ["onclick", "style=", "alert"]),
        ('<iframe src="https://evil.example"></iframe> after', "after", ["<iframe", "evil"]),
    ],
    ids=["script", "onerror", "javascript-link", "javascript-html-link", "event-and-style", "iframe"],
)
def test_dangerous_html_is_removed(source, kept, removed):
    html = render_markdown(source)

    assert kept in html
    for fragment in removed:
        assert fragment not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
