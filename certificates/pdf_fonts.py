"""The certificate's embedded fonts, registered with ReportLab once per process: parsing the TTF files takes
about 0.6 s, so a worker pays it on its first certificate only, and each certificate then embeds just the
glyphs it prints. Used by pdf.py (the page) and pdf_scripts.py (the holder's name, in any script)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# A TTF font with wide Unicode coverage, embedded in the PDF, so any holder name prints correctly.
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
# The scripts of the UK's common community languages beyond DejaVu's, each a Noto Sans font (SIL OFL), then
# Droid Sans Fallback (Apache 2.0) for Chinese, Japanese and Korean. (name, file, the blocks it is first for)
SCRIPT_FONTS: tuple[tuple[str, str, tuple[tuple[int, int], ...]], ...] = (
    (
        "NotoSansArabic-Bold",
        "NotoSansArabic-Bold.ttf",
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    ("NotoSansHebrew-Bold", "NotoSansHebrew-Bold.ttf", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ("NotoSansDevanagari-Bold", "NotoSansDevanagari-Bold.ttf", ((0x0900, 0x097F), (0xA8E0, 0xA8FF))),
    ("NotoSansBengali-Bold", "NotoSansBengali-Bold.ttf", ((0x0980, 0x09FF),)),
    ("NotoSansGurmukhi-Bold", "NotoSansGurmukhi-Bold.ttf", ((0x0A00, 0x0A7F),)),
    ("NotoSansGujarati-Bold", "NotoSansGujarati-Bold.ttf", ((0x0A80, 0x0AFF),)),
    ("NotoSansTamil-Bold", "NotoSansTamil-Bold.ttf", ((0x0B80, 0x0BFF),)),
    ("NotoSansThai-Bold", "NotoSansThai-Bold.ttf", ((0x0E00, 0x0E7F),)),
    ("NotoSansEthiopic-Bold", "NotoSansEthiopic-Bold.ttf", ((0x1200, 0x139F), (0x2D80, 0x2DDF))),
    ("DroidSansFallback-CJK", "DroidSansFallback-CJK.ttf", ()),
)


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Every font, once: the page's two DejaVu faces, then the script fonts."""
    files = [(REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")]
    for name, filename in files + [(name, filename) for name, filename, _blocks in SCRIPT_FONTS]:
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
