"""The certificate PDF: one A4 landscape page, extractable Unicode text, a QR code to the verify page."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape

from certificates import pdf_fonts, pdf_scripts, services
from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import pdf_files

# DejaVu Sans covers Latin, Greek and Cyrillic (other scripts: test_pdf_scripts.py): a name a Latin-1 font
# would mangle. Dates as the web writes them: "5 March 2025", no leading zero.
UNICODE_NAME = "Zoë Ångström-Łukasiewicz Σοφία Иван"


@pytest.fixture
def issued(db, settings):
    settings.SITE_URL = "https://training.example.org"
    certificate = CertificateFactory(
        holder_name=UNICODE_NAME,
        course_title="Spotting child sexual exploitation",
        pathway_title="Taxi and private-hire drivers",
        cpd_minutes=90,
        issued_on=dt.date(2025, 3, 5),
        expires_on=dt.date(2028, 3, 5),
    )
    services.certificate_issue(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def stored_pdf(issued) -> bytes:
    (path,) = pdf_files()
    return path.read_bytes()


def test_pdf_text_holds_every_detail(issued, stored_pdf):
    reader = PdfReader(io.BytesIO(stored_pdf))
    text = reader.pages[0].extract_text()

    assert UNICODE_NAME in text
    assert "Spotting child sexual exploitation" in text
    assert "Pathway: Taxi and private-hire drivers" in text
    assert "CPD time: 1 hour 30 minutes" in text
    assert "Issued: 5 March 2025" in text
    assert "Expires: 5 March 2028" in text
    assert f"Verification code: {issued.display_code}" in text
    assert issued.display_code == "-".join(issued.code[i : i + 4] for i in range(0, 20, 4))
    assert f"https://training.example.org/verify/{issued.code}/" in text


def test_pdf_is_one_a4_landscape_page_with_an_embedded_unicode_font(stored_pdf):
    reader = PdfReader(io.BytesIO(stored_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width, height = landscape(A4)
    assert float(box.width) == pytest.approx(width, abs=0.5)
    assert float(box.height) == pytest.approx(height, abs=0.5)
    assert width > height
    fonts = reader.pages[0]["/Resources"]["/Font"]
    # ReportLab always lists its initial Helvetica; the text is set in the embedded DejaVu subsets.
    base_fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= base_fonts, base_fonts
    assert b"/FontFile2" in stored_pdf  # TrueType font program embedded


def test_qr_code_decodes_to_the_verification_url(issued, stored_pdf):
    document = pdfium.PdfDocument(stored_pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()

    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == [f"https://training.example.org/verify/{issued.code}/"]


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(30, "30 minutes"), (60, "1 hour"), (150, "2 hours 30 minutes")],
)
def test_cpd_time_is_written_in_words(minutes, shown):
    certificate = Certificate(
        code="7K3MQ9TX2HRBW4PDA1CE",
        holder_name="Sam Jones",
        course_title="Course",
        pathway_title="Pathway",
        cpd_minutes=minutes,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
        content_version=1,
    )
    content = render_certificate_pdf(certificate, verification_url=services.verification_url(certificate))
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert f"CPD time: {shown}\n" in text + "\n"


LONG_NAME = ("Anna-Katharina " + "Wolfeschlegelsteinhausenbergerdorff " * 3 + "Ölçer")[:120]
LONG_TITLE = ("Spotting and passing on concerns about child sexual exploitation " * 4)[:200].strip()


@pytest.mark.parametrize(
    ("holder_name", "course_title", "pathway_title"),
    [
        (LONG_NAME, "Course", "Pathway"),
        ("Ш" * 120, "Course", "Pathway"),  # one unbroken word, wide letters
        ("Sam Jones", LONG_TITLE, "Pathway"),
        ("Sam Jones", "Course", "Hotel, hospitality and night-time economy staff " * 2 + "(and volunteers)"),
    ],
    ids=["long-name", "long-word-name", "long-title", "long-pathway"],
)
def test_long_names_and_titles_stay_inside_the_border_and_whole(holder_name, course_title, pathway_title):
    certificate = Certificate(
        code="7K3MQ9TX2HRBW4PDA1CE",
        holder_name=holder_name,
        course_title=course_title,
        pathway_title=pathway_title[:120],
        cpd_minutes=60,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
        content_version=1,
    )
    content = render_certificate_pdf(certificate, verification_url=services.verification_url(certificate))

    document = pdfium.PdfDocument(content)
    try:
        page = document[0]
        width, height = page.get_size()
        text_page = page.get_textpage()
        boxes = [text_page.get_charbox(i) for i in range(text_page.count_chars())]
    finally:
        document.close()
    border = 12 * 72 / 25.4 + 3  # the frame is drawn 12 mm in, 6 pt wide
    assert all(left >= border and right <= width - border for left, _, right, _ in boxes)
    assert all(bottom >= border and top <= height - border for _, bottom, _, top in boxes)
    words = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    for text in (holder_name, course_title):
        assert " ".join(text.split()) in words


def test_fonts_are_read_once_per_process_not_for_each_certificate(monkeypatch):
    """Parsing the TTF files costs about 0.6 s: a worker pays it for its first certificate only (issue 20)."""
    pdf_fonts.register_fonts()

    def parse_again(*args, **kwargs):
        raise AssertionError("a font file was read again for a certificate")

    monkeypatch.setattr(pdf_fonts, "TTFont", parse_again)
    certificate = Certificate(
        code="0123456789ABCDEFGHJK",
        holder_name="Siân محمد 李",  # Welsh, Arabic and CJK: DejaVu and two script fonts
        course_title="Course",
        pathway_title="Pathway",
        cpd_minutes=60,
        issued_on=dt.date(2025, 3, 5),
        expires_on=dt.date(2028, 3, 5),
    )
    for _ in range(2):
        assert render_certificate_pdf(certificate, verification_url="https://x.example/v/").startswith(
            b"%PDF"
        )
    assert pdf_scripts.missing_characters(certificate.holder_name) == []
