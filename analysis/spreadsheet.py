"""The report as CSV: every number the page shows, suppressed cells as "fewer than 10", no learner."""

from __future__ import annotations

import csv
import io

from organisations.spreadsheet import safe_cell as _safe_text

from .report import TOTAL, Cell, Report
from .suppression import FEWER

HEADER = [
    "section",
    "unit",
    "question",
    "tags",
    "audience",
    "learners",
    "answers",
    "facility %",
    "discrimination",
    "option",
    "option correct",
    "chosen %",
    "first-attempt pass %",
    "median attempts to pass",
    "median minutes",
    "flags",
]


def safe_cell(value: object) -> object:
    """Numbers as they are (a minus sign is not a formula); text guarded against formula injection."""
    try:
        float(str(value))
    except ValueError:
        return _safe_text(value)
    return value


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _stats(cell: Cell) -> list[str]:
    if cell.hidden:
        return [FEWER] * 4
    if cell.empty:
        return ["0", "0", "", ""]
    disc = "" if cell.discrimination is None else f"{cell.discrimination:.3f}"
    return [str(cell.learners), str(cell.n), _pct(cell.facility), disc]


def report_csv(report: Report, *, with_total: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    audiences = [(p.pk, p.title) for p in report.pathways] + (
        [(TOTAL, "Every audience")] if with_total else []
    )
    for row in report.items:
        unit, question = row.question.quiz.unit.title, row.question.key
        tags = "; ".join(t.name for t in row.tags)
        for key, title in audiences:
            cell = row.cells[key]
            flags = "" if cell.hidden else "; ".join(cell.flags)
            writer.writerow(
                [
                    safe_cell(v)
                    for v in [
                        "item",
                        unit,
                        question,
                        tags,
                        title,
                        *_stats(cell),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        flags,
                    ]
                ]
            )
            if cell.hidden or cell.empty:
                continue
            for choice, rate in cell.options:
                writer.writerow(
                    [
                        safe_cell(v)
                        for v in [
                            "option",
                            unit,
                            question,
                            "",
                            title,
                            "",
                            "",
                            "",
                            "",
                            choice.text,
                            "yes" if choice.is_correct else "no",
                            _pct(rate),
                            "",
                            "",
                            "",
                            "",
                        ]
                    ]
                )
    for row in report.units:
        for key, title in audiences:
            cell = row.cells[key]
            if cell.hidden:
                values = [FEWER, FEWER, FEWER, FEWER, FEWER]
            else:
                values = [
                    str(cell.learners),
                    _pct(cell.first_pass_rate),
                    "" if cell.median_tries is None else f"{cell.median_tries:g}",
                    "" if cell.median_seconds is None else f"{cell.median_seconds / 60:.1f}",
                    str(cell.n),
                ]
            writer.writerow(
                [
                    safe_cell(v)
                    for v in [
                        "unit",
                        row.unit.title,
                        "",
                        "",
                        title,
                        values[0],
                        values[4],
                        "",
                        "",
                        "",
                        "",
                        "",
                        values[1],
                        values[2],
                        values[3],
                        "",
                    ]
                ]
            )
    for row in report.tags:
        for pathway in report.pathways:
            cell = row.cells[pathway.pk]
            stats = _stats(cell)
            writer.writerow(
                [
                    safe_cell(v)
                    for v in [
                        "topic",
                        "",
                        "",
                        f"{row.tag.name} ({row.tag.label})",
                        pathway.title,
                        stats[0],
                        stats[1],
                        stats[2],
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                ]
            )
    return out.getvalue()
