"""Draws a certificate: one A4 landscape page (ReportLab) with a QR code (segno) to its verification page."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from . import pdf_scripts
from .models import Certificate

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#0b0c0c")
ACCENT = colors.HexColor("#1d70b8")


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    # A TTF font with wide Unicode coverage, embedded in the PDF, so any holder name prints correctly.
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdf_scripts.register_script_fonts()


def _long_date(day: dt.date) -> str:
    """"1 December 2026", as the web pages write dates (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path (issue 20): each row's runs of dark modules are one rectangle each, on a
    white square, instead of one shape per module (561 for a typical code), so the render costs far less."""
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(border=2)]
    cell = size / len(matrix)
    pdf.saveState()
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    path = pdf.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + 1) * cell
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + start * cell, top, (column - start) * cell, cell)
    pdf.setFillColor(INK)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()


def _fit_lines(
    text: str, font: str, size: float, width: float, wrapped_size: float = 20
) -> tuple[list[str], float]:
    """The lines and font size that keep `text` inside `width`: one line shrunk down to `wrapped_size`,
    then two lines shrunk further. Names (120 characters) and titles (200) must stay on the page."""
    while size > wrapped_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return [text], size
    size = wrapped_size
    while size > 6:
        lines = simpleSplit(text, font, size, width)
        if len(lines) <= 2 and all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
            return lines, size
        size -= 1
    return [text], width / pdfmetrics.stringWidth(text, font, 1)  # one unbroken word: scale it to fit


def _draw_centred_lines(
    pdf: canvas.Canvas, lines: list[str], font: str, size: float, x: float, y: float
) -> None:
    """Draw the lines centred on x, the block's middle on the baseline y."""
    pdf.setFont(font, size)
    step = size * 1.15
    top = y + step * (len(lines) - 1) / 2
    for number, line in enumerate(lines):
        pdf.drawCentredString(x, top - number * step, line)


def render_certificate_pdf(certificate: Certificate, *, verification_url: str) -> bytes:
    """The PDF's bytes; `verification_url` (printed and in the QR code) comes from the caller, so drawing
    needs nothing from services."""
    _register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(f"Certificate: {certificate.course_title}")
    pdf.setAuthor("CSE awareness training")
    pdf.setSubject(f"Certificate {certificate.display_code}")

    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(6)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    centre = width / 2
    text_width = width - 60 * mm

    pdf.setFillColor(INK)
    pdf.setFont(REGULAR, 16)
    pdf.drawCentredString(centre, height - 40 * mm, "Certificate of completion")
    pdf.setFont(REGULAR, 14)
    pdf.drawCentredString(centre, height - 58 * mm, "This is to certify that")
    # The name may be in any script: per-run font fallback, shaping and right-to-left order.
    name_lines, name_size = pdf_scripts.fit_text(certificate.holder_name, 34, text_width)
    step = name_size * 1.15
    for number, line in enumerate(name_lines):
        baseline = height - 76 * mm + step * (len(name_lines) - 1) / 2 - number * step
        pdf_scripts.draw_centred(pdf, line, name_size, centre, baseline)
    pdf.setFont(REGULAR, 14)
    pdf.drawCentredString(centre, height - 92 * mm, "has completed the course")
    title_lines, title_size = _fit_lines(certificate.course_title, BOLD, 24, text_width)
    _draw_centred_lines(pdf, title_lines, BOLD, title_size, centre, height - 106 * mm)
    # One line only (the CPD line is close below): shrink rather than wrap.
    pathway_lines, pathway_size = _fit_lines(
        f"Pathway: {certificate.pathway_title}", REGULAR, 14, text_width, wrapped_size=8
    )
    _draw_centred_lines(pdf, pathway_lines, REGULAR, pathway_size, centre, height - 118 * mm)
    pdf.setFont(REGULAR, 14)
    hours, minutes = divmod(certificate.cpd_minutes, 60)
    cpd = (f"{hours} hour{'s' if hours != 1 else ''} " if hours else "") + (
        f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else ""
    )
    # Honest time: the declared CPD time only when enough of it was spent (certificates.services.cpd_fields).
    label = "Time spent on the course" if certificate.cpd_is_time_spent else "CPD time"
    pdf.drawCentredString(centre, height - 127 * mm, f"{label}: {cpd.strip()}")

    left = 30 * mm
    pdf.setFont(REGULAR, 12)
    pdf.drawString(left, 52 * mm, f"Issued: {_long_date(certificate.issued_on)}")
    pdf.drawString(left, 45 * mm, f"Expires: {_long_date(certificate.expires_on)}")
    pdf.drawString(left, 38 * mm, f"Verification code: {certificate.display_code}")
    pdf.setFont(REGULAR, 10)
    url = verification_url
    pdf.drawString(left, 31 * mm, f"Check this certificate at {url}")
    pdf.drawString(
        left, 22 * mm, "Based on Cardiff's guide: Child Sexual Exploitation – A Guide for Parents and Carers."
    )

    qr_size = 42 * mm
    _draw_qr(pdf, url, width - 30 * mm - qr_size, 20 * mm, qr_size)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
