"""Draws a certificate: one A4 landscape page (ReportLab) with a QR code (segno) to its verification page,
in the language it was issued in, or bilingual (Welsh first, as Welsh public bodies place it)."""

from __future__ import annotations

import datetime as dt
import io
import re

import segno
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from . import pdf_scripts
from .models import Certificate
from .pdf_fonts import BOLD, REGULAR, register_fonts

INK = colors.HexColor("#0b0c0c")
ACCENT = colors.HexColor("#1d70b8")


GUIDE_TITLE = "Child Sexual Exploitation – A Guide for Parents and Carers"  # a title: never translated
WELSH, ENGLISH = "cy", "en"


def _long_date(day: dt.date) -> str:
    """ "1 December 2026" ("1 Rhagfyr 2026"), as the web pages write dates (no leading zero)."""
    return formats.date_format(day, "j F Y")


# segno scores all eight data masks to pick one, most of making a QR code (5.2 ms of 6 here); any mask
# decodes alike, so a fixed one skips the scoring: 2, the one segno picks most often for verification links.
QR_MASK = 2
QR_BORDER = 2  # light modules around the code, inside its white square
DARK_RUN = re.compile(b"\x01+")


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path (issue 20): each row's runs of dark modules are one rectangle each, on a
    white square, instead of one shape per module (561 for a typical code), so the render costs far less.
    Drawn in module units (whole numbers, y downwards) so each rectangle is a few short integers."""
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    modules = len(qr.matrix) + 2 * QR_BORDER
    cell = size / modules
    pdf.saveState()
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.transform(cell, 0, 0, -cell, x, y + size)  # one unit per module, the origin at the top left
    path = pdf.beginPath()
    for row_number, row in enumerate(qr.matrix, start=QR_BORDER):  # rows of 0 (light) and 1 (dark) bytes
        for run in DARK_RUN.finditer(bytes(row)):
            path.rect(run.start() + QR_BORDER, row_number, run.end() - run.start(), 1)
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


def _titles(certificate: Certificate, language: str) -> tuple[str, str]:
    """Course and pathway titles in `language`: the snapshots in the certificate's own language, otherwise the
    course's twin field in the other language (django-modeltranslation, read under `override`)."""
    if language == (certificate.language or ENGLISH):
        return certificate.course_title, certificate.pathway_title
    with translation.override(language):
        course = certificate.course.title if certificate.course_id else certificate.course_title
        pathway = certificate.pathway.title if certificate.pathway_id else certificate.pathway_title
    return course, pathway


def _duration(minutes_total: int) -> str:
    hours, minutes = divmod(minutes_total, 60)
    parts = [ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}] if hours else []
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


def _texts(certificate: Certificate, language: str, url: str) -> dict[str, str]:
    """Every line of the certificate in one language."""
    course_title, pathway_title = _titles(certificate, language)
    with translation.override(language):
        # Honest time: the declared CPD time only when enough was spent (certificates.services.cpd_fields).
        cpd = gettext("Time spent on the course") if certificate.cpd_is_time_spent else gettext("CPD time")
        return {
            "title": gettext("Certificate: %(title)s") % {"title": course_title},
            "heading": gettext("Certificate of completion"),
            "certify": gettext("This is to certify that"),
            "completed": gettext("has completed the course"),
            "course": course_title,
            "pathway_label": gettext("Pathway"),
            "pathway_title": pathway_title,
            "pathway": f"{gettext('Pathway')}: {pathway_title}",
            "cpd": f"{cpd}: {_duration(certificate.cpd_minutes)}",
            "issued": f"{gettext('Issued')}: {_long_date(certificate.issued_on)}",
            "expires": f"{gettext('Expires')}: {_long_date(certificate.expires_on)}",
            "code_label": gettext("Verification code"),
            "check_label": gettext("Check this certificate"),
            "check": gettext("Check this certificate at %(url)s") % {"url": url},
            "based": gettext("Based on Cardiff's guide: %(title)s.") % {"title": GUIDE_TITLE},
        }


def _one_line(
    pdf: canvas.Canvas, text: str, font: str, size: float, width: float, x: float, y: float
) -> None:
    lines, fitted = _fit_lines(text, font, size, width, wrapped_size=7)
    _draw_centred_lines(pdf, lines, font, fitted, x, y)


def render_certificate_pdf(
    certificate: Certificate, *, verification_url: str, bilingual: bool = False
) -> bytes:
    """The PDF's bytes; `verification_url` (printed and in the QR code) comes from the caller, so drawing
    needs nothing from services. In the certificate's language, or with `bilingual` Welsh then English."""
    register_fonts()  # once per process (pdf_fonts)
    language = certificate.language or ENGLISH
    first = _texts(certificate, WELSH if bilingual else language, verification_url)
    second = _texts(certificate, ENGLISH, verification_url) if bilingual else None
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(first["title"] + (f" / {second['title']}" if second else ""))
    pdf.setAuthor("CSE awareness training")
    pdf.setSubject(f"Certificate {certificate.display_code}")

    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(6)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    centre = width / 2
    text_width = width - 60 * mm

    def both(key: str, separator: str = " / ") -> str:
        return first[key] + (separator + second[key] if second and second[key] else "")

    pdf.setFillColor(INK)
    _one_line(pdf, both("heading"), REGULAR, 16, text_width, centre, height - 40 * mm)
    _one_line(pdf, both("certify"), REGULAR, 14, text_width, centre, height - 58 * mm)
    # The name may be in any script: per-run font fallback, shaping and right-to-left order.
    name_lines, name_size = pdf_scripts.fit_text(certificate.holder_name, 34, text_width)
    step = name_size * 1.15
    for number, line in enumerate(name_lines):
        baseline = height - 76 * mm + step * (len(name_lines) - 1) / 2 - number * step
        pdf_scripts.draw_centred(pdf, line, name_size, centre, baseline)
    _one_line(pdf, both("completed"), REGULAR, 14, text_width, centre, height - 92 * mm)
    if second is not None and second["pathway_title"] == first["pathway_title"]:  # no Welsh twin: once
        first["pathway"] = f"{first['pathway_label']} / {second['pathway_label']}: {first['pathway_title']}"
        second["pathway"] = None
    if second is None or second["course"] == first["course"]:
        title_lines, title_size = _fit_lines(first["course"], BOLD, 24, text_width)
        _draw_centred_lines(pdf, title_lines, BOLD, title_size, centre, height - 106 * mm)
        lines_y = (height - 118 * mm, height - 127 * mm)
    else:  # the Welsh title, then the English one a little smaller; one more line below each
        title_lines, title_size = _fit_lines(first["course"], BOLD, 22, text_width, wrapped_size=11)
        _draw_centred_lines(pdf, title_lines, BOLD, title_size, centre, height - 104 * mm)
        title_lines, title_size = _fit_lines(second["course"], BOLD, 16, text_width, wrapped_size=9)
        _draw_centred_lines(pdf, title_lines, BOLD, title_size, centre, height - 115 * mm)
        lines_y = (height - 125 * mm, height - 133 * mm)
    # One line only each (close together): shrink rather than wrap.
    _one_line(pdf, both("pathway"), REGULAR, 14, text_width, centre, lines_y[0])
    _one_line(pdf, both("cpd"), REGULAR, 14, text_width, centre, lines_y[1])

    left = 30 * mm
    url = verification_url
    column = width - 30 * mm - 42 * mm - 6 * mm - left  # up to the QR code
    code = certificate.display_code
    rows = [
        (both("issued"), 12, 52),
        (both("expires"), 12, 45),
        (f"{both('code_label')}: {code}", 12, 38),
        (f"{both('check_label')}: {url}" if second else first["check"], 10, 31),
    ]
    rows += [(first["based"], 9, 24), (second["based"], 9, 19.5)] if second else [(first["based"], 10, 22)]
    for text, size, y in rows:
        while size > 6 and pdfmetrics.stringWidth(text, REGULAR, size) > column:
            size -= 0.5
        pdf.setFont(REGULAR, size)
        pdf.drawString(left, y * mm, text)

    qr_size = 42 * mm
    _draw_qr(pdf, url, width - 30 * mm - qr_size, 20 * mm, qr_size)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
