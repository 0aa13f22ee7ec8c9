"""Draws a line of text in any script on a ReportLab canvas: each character takes the first embedded font
that has it (per-run fallback), each run is shaped by HarfBuzz (joined Arabic, Indic conjuncts) and runs are
put in right-to-left order where the script reads that way. Used by `pdf.py` for the holder's name."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord
from reportlab.pdfgen import canvas

from .pdf_fonts import BOLD, SCRIPT_FONTS, register_fonts

BASE_FONT = BOLD  # Latin, Greek, Cyrillic and symbols
JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner stay with the run they shape


@dataclass(frozen=True)
class Run:
    text: str
    font: str
    direction: str  # "L", "R" or "N" (spaces, punctuation, digits: they take their neighbours' direction)


@dataclass(frozen=True)
class _Frag:
    fontName: str  # noqa: N815 - the attribute names ReportLab's shaper reads
    fontSize: float  # noqa: N815


def _has(font: str, char: str) -> bool:
    return ord(char) in pdfmetrics.getFont(font).face.charToGlyph


def _preferred(char: str) -> str | None:
    code = ord(char)
    for name, _filename, blocks in SCRIPT_FONTS:
        if any(low <= code <= high for low, high in blocks):
            return name
    return None


def _font_for(char: str, previous: str | None) -> str:
    weak = unicodedata.category(char)[0] in "MZP" or char in JOINERS
    if previous and weak and _has(previous, char):
        return previous  # marks, joiners, spaces and punctuation keep the run they are in
    preferred = _preferred(char)
    if preferred and _has(preferred, char):
        return preferred
    for font in (BASE_FONT, *(name for name, _f, _b in SCRIPT_FONTS)):
        if _has(font, char):
            return font
    return BASE_FONT  # nothing has it: missing_characters() reports it


def _direction(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    return "R" if kind in ("R", "AL") else "L" if kind == "L" else "N"


def missing_characters(text: str) -> list[str]:
    """Characters no embedded font can draw (they would print as the missing-glyph box)."""
    register_fonts()
    fonts = (BASE_FONT, *(name for name, _f, _b in SCRIPT_FONTS))
    return [c for c in text if not c.isspace() and c not in JOINERS and not any(_has(f, c) for f in fonts)]


def split_runs(text: str) -> list[Run]:
    """The text in logical order, cut where the font or the direction changes; spaces are their own runs."""
    register_fonts()
    runs: list[Run] = []
    chars: list[str] = []
    font: str | None = None
    direction = "N"
    for char in text:
        char_font = _font_for(char, font)
        char_direction = "S" if char.isspace() else _direction(char)
        same = char_font == font and (
            (char_direction == "S") == (direction == "S")
            and (char_direction in ("N", direction) or direction == "N")
        )
        if chars and not same:
            runs.append(Run("".join(chars), font or BASE_FONT, direction))
            chars, direction = [], "N"
        chars.append(char)
        font = char_font
        if char_direction == "S":
            direction = "S"
        elif char_direction != "N":
            direction = char_direction
    if chars:
        runs.append(Run("".join(chars), font or BASE_FONT, direction))
    return [Run(r.text, r.font, "N" if r.direction == "S" else r.direction) for r in runs]


def visual_runs(text: str) -> list[Run]:
    """Runs in the order they appear left to right (the Unicode bidi rules at run level: the paragraph
    takes its first strong direction, neutrals between two runs of one direction take it, others the
    paragraph's; right-to-left stretches are reversed)."""
    runs = split_runs(text)
    strong = [r.direction for r in runs if r.direction != "N"]
    paragraph = strong[0] if strong else "L"
    resolved: list[str] = []
    for index, run in enumerate(runs):
        if run.direction != "N":
            resolved.append(run.direction)
            continue
        before = next((r.direction for r in reversed(runs[:index]) if r.direction != "N"), paragraph)
        after = next((r.direction for r in runs[index + 1 :] if r.direction != "N"), paragraph)
        resolved.append(before if before == after else paragraph)
    base = 0 if paragraph == "L" else 1
    levels = [(base if d == paragraph else base + 1) for d in resolved]
    order = list(range(len(runs)))
    for level in range(max(levels, default=0), 0, -1):
        start = None
        for position in range(len(order) + 1):
            inside = position < len(order) and levels[order[position]] >= level
            if inside and start is None:
                start = position
            elif not inside and start is not None:
                order[start:position] = reversed(order[start:position])
                start = None
    merged: list[Run] = []
    for run in (Run(runs[i].text, runs[i].font, resolved[i]) for i in order):
        last = merged[-1] if merged else None
        if last and last.font == run.font and last.direction == run.direction:
            # One shaped piece per font and direction: a right-to-left piece is joined in logical order.
            text = last.text + run.text if run.direction == "L" else run.text + last.text
            merged[-1] = Run(text, run.font, run.direction)
        else:
            merged.append(run)
    return merged


def _shaped(run: Run, size: float) -> tuple[str, float]:
    # No discretionary ligatures (they would turn a name into a sign), and none in Latin ("ff" would be
    # copied out of the PDF as one character); the script's required forms and ligatures stay on.
    features = {"kern": True, "dlig": False, "liga": run.font != BASE_FONT}
    word = [pdfmetrics.stringWidth(run.text, run.font, size), (_Frag(run.font, size), run.text)]
    text = shapeFragWord(word, features=features)[1][1]
    if isinstance(text, ShapedStr):
        return text, sum(d.x_advance for d in text.__shapeData__) * size / 1000
    return text, pdfmetrics.stringWidth(run.text, run.font, size)


def text_width(text: str, size: float) -> float:
    return sum(_shaped(run, size)[1] for run in visual_runs(text))


def fit_text(text: str, size: float, width: float, wrapped_size: float = 20) -> tuple[list[str], float]:
    """The lines (at most two, broken at spaces) and the size that keep `text` inside `width`."""
    while size > wrapped_size and text_width(text, size) > width:
        size -= 1
    if text_width(text, size) <= width:
        return [text], size
    words = text.split()
    size = wrapped_size
    while size > 6:
        lines: list[str] = []
        for word in words:
            if lines and text_width(f"{lines[-1]} {word}", size) <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        if len(lines) <= 2 and all(text_width(line, size) <= width for line in lines):
            return lines, size
        size -= 1
    return [text], width / max(text_width(text, 1), 0.01)  # one unbroken word: scale it to fit


def draw_centred(pdf: canvas.Canvas, text: str, size: float, x: float, y: float) -> None:
    """Draw `text` centred on x with its baseline at y."""
    shaped = [(run, *_shaped(run, size)) for run in visual_runs(text)]
    # One text object, so the line's text is extracted as one line.
    line = pdf.beginText(x - sum(width for _run, _glyphs, width in shaped) / 2, y)
    for run, glyphs, _width in shaped:
        line.setFont(run.font, size)
        line.textOut(glyphs)
    pdf.drawText(line)
