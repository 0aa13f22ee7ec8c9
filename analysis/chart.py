"""A server-rendered SVG bar chart: facility per sign for each audience. Accessible: role="img" with a
title and description, every bar labelled in text, and the same numbers in a table next to it."""

from __future__ import annotations

import textwrap

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .report import Report

ROW = 22
LABEL_CHARS = 44  # a sign's words wrap onto lines of this many characters, so the chart fits 360 px

WIDTH = 320
BAR_MAX = 220
# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by text too, never colour only.
COLOURS = ["#1d70b8", "#00703c", "#912b88", "#b58840", "#d4351c", "#505a5f"]


def facility_svg(report: Report) -> SafeString:
    signs = report.signs()
    pathways = report.pathways
    parts = []
    y = 8
    for row in signs:
        for line in textwrap.wrap(row.tag.label, LABEL_CHARS):
            parts.append(format_html('<text x="0" y="{}" font-weight="bold">{}</text>', y + 12, line))
            y += ROW - 6
        y += 6
        for index, pathway in enumerate(pathways):
            cell = row.cells[pathway.pk]
            colour = COLOURS[index % len(COLOURS)]
            if cell.empty:
                value = gettext("no answers")
                width = 0
            elif cell.hidden:
                value = gettext("fewer than 10")  # suppression.FEWER, in the reader's language
                width = 0
            else:
                value = f"{round(cell.facility * 100)}%"
                width = max(1, round(cell.facility * BAR_MAX))
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="14" fill="{}"></rect>'
                    '<text x="{}" y="{}">{}: {}</text>',
                    y,
                    width,
                    colour,
                    width + 4,
                    y + 11,
                    pathway.title,
                    value,
                )
            )
            y += ROW - 4
        y += 8
    height = max(y, 30)
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="100%" '
        'font-size="12" font-family="sans-serif" '
        'role="img" aria-labelledby="chart-title chart-desc" focusable="false">'
        '<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        gettext("Share of right answers per sign, for each audience"),
        gettext(
            "One bar per audience under each sign; the length is the share of right answers. Groups of fewer "
            "than 10 learners are not drawn. The table after the chart gives the same numbers."
        ),
        body,
    )
