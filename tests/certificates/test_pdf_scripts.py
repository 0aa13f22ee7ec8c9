"""Names in every script a learner may use print on the certificate: right fonts, shaped, right to left."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from certificates import pdf_scripts
from certificates.models import Certificate
from certificates.pdf import BOLD, render_certificate_pdf
from certificates.pdf_fonts import register_fonts
from tests.certificates.glyphs import drawn_characters, missing_glyphs

# The scripts of the UK's common community languages (and CJK). Names without conjuncts first, so the
# extracted text can be compared letter for letter; conjunct names are checked on the rendered image.
NAMES = {
    "chinese": "王小明",
    "japanese": "山田 はなこ",
    "korean": "김민준",
    "arabic": "محمد عبد الله",
    "urdu": "عائشہ خان",
    "hebrew": "דוד כהן",
    "devanagari": "सुनीता देवी",
    "bengali": "রহিম",
    "gurmukhi": "ਹਰਜੀਤ ਕੌਰ",
    "gujarati": "રમેશ પટેલ",
    "tamil": "கமலா",
    "thai": "สมชาย ใจดี",
    "amharic": "ሰላም ታደሰ",
    "latin-greek-cyrillic": "Siân Ó Súilleabháin Σοφία Иван",
    "mixed": "John محمد Smith",
}
CONJUNCTS = {"devanagari": "अनुष्का शर्मा", "gurmukhi": "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ", "bengali": "লক্ষ্মী", "tamil": "க்ஷேத்ரா"}


def _pdf_for(name: str) -> bytes:
    certificate = Certificate(
        code="7K3MQ9TX2HRBW4PDA1CE",
        holder_name=name,
        course_title="Spotting child sexual exploitation",
        pathway_title="Parents and carers",
        cpd_minutes=60,
        issued_on=dt.date(2026, 12, 1),
        expires_on=dt.date(2029, 12, 1),
        content_version=1,
    )
    return render_certificate_pdf(certificate, verification_url="https://training.example.org/verify/x/")


def _letters(text: str) -> list[str]:
    return sorted(c for c in unicodedata.normalize("NFKC", text) if not c.isspace())


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_name_is_in_the_pdf_text(name):
    lines = PdfReader(io.BytesIO(_pdf_for(name))).pages[0].extract_text().splitlines()
    name_line = lines[2]  # after "Certificate of completion" and "This is to certify that"
    assert _letters(name_line) == _letters(name)


@pytest.mark.parametrize("name", [*NAMES.values(), *CONJUNCTS.values()], ids=[*NAMES, *CONJUNCTS])
def test_no_character_prints_as_the_missing_glyph_box(name):
    assert pdf_scripts.missing_characters(name) == []
    drawn = drawn_characters(_pdf_for(name))
    assert missing_glyphs(_pdf_for(name)) == []
    assert len(drawn) > 100  # the whole page was read, not only the name


def test_the_check_finds_boxes_when_the_font_lacks_the_script():
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(BOLD, 30)
    pdf.drawString(50, 700, "Sam 王小明")  # DejaVu alone: no Chinese
    pdf.save()
    assert len(missing_glyphs(buffer.getvalue())) == 3


@pytest.mark.parametrize(
    ("name", "fonts"),
    [
        ("王小明", ["DroidSansFallback-CJK"]),
        ("Siân 王", ["DejaVuSans-Bold", "DroidSansFallback-CJK"]),
        ("अनुष्का", ["NotoSansDevanagari-Bold"]),
        ("ਸਿੰਘ", ["NotoSansGurmukhi-Bold"]),
    ],
)
def test_each_run_takes_the_first_font_that_has_it(name, fonts):
    assert [run.font for run in pdf_scripts.visual_runs(name)] == fonts


def test_right_to_left_runs_are_ordered_right_to_left():
    # A right-to-left name: the last word in reading order is drawn leftmost.
    assert [r.text for r in pdf_scripts.visual_runs("محمد عبد الله")] == ["محمد عبد الله"]
    assert [r.direction for r in pdf_scripts.visual_runs("דוד כהן")] == ["R"]
    mixed = pdf_scripts.visual_runs("John محمد Smith")
    assert [r.text for r in mixed] == ["John ", "محمد", " ", "Smith"]
    # Latin inside a right-to-left name sits left of the Hebrew that came before it.
    hebrew_first = pdf_scripts.visual_runs("דוד Cohen")
    assert [r.text.strip() for r in hebrew_first] == ["Cohen", "דוד"]


def test_arabic_is_shaped_into_joined_forms():
    text = PdfReader(io.BytesIO(_pdf_for("محمد"))).pages[0].extract_text().splitlines()[2]
    # Joined (contextual) forms are Arabic Presentation Forms-B; unshaped text would be the base letters.
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in text.strip()), [hex(ord(c)) for c in text]
    assert unicodedata.normalize("NFKC", text.strip()) == "محمد"


def test_a_long_name_in_another_script_still_fits():
    name = "王小明" * 40
    lines, size = pdf_scripts.fit_text(name, 34, 600)
    assert all(pdf_scripts.text_width(line, size) <= 600.5 for line in lines)
