"""Renders a PDF (pdfium) and checks each drawn character: ink where a glyph should be, and not the
hollow "missing glyph" box a font draws for a character it lacks."""

from __future__ import annotations

import pypdfium2 as pdfium

SCALE = 4  # pixels per point: a 20 pt glyph is 80 px tall


def _looks_like_missing_glyph(pixels, width: int, height: int) -> bool:
    """A hollow rectangle: every edge mostly dark, the middle almost empty."""
    if width < 4 or height < 4:
        return False

    def dark(x: int, y: int) -> bool:
        return pixels[x, y] < 128

    band_x, band_y = max(1, width // 6), max(1, height // 6)

    def edge_cover(cells) -> float:
        cells = list(cells)
        return sum(dark(x, y) for x, y in cells) / len(cells)

    top = max(edge_cover((x, y) for x in range(width)) for y in range(band_y))
    bottom = max(edge_cover((x, y) for x in range(width)) for y in range(height - band_y, height))
    left = max(edge_cover((x, y) for y in range(height)) for x in range(band_x))
    right = max(edge_cover((x, y) for y in range(height)) for x in range(width - band_x, width))
    middle = edge_cover(
        (x, y) for x in range(width // 4, 3 * width // 4) for y in range(height // 4, 3 * height // 4)
    )
    return min(top, bottom, left, right) > 0.8 and middle < 0.05


def drawn_characters(pdf_bytes: bytes) -> list[dict]:
    """Each character pdfium finds on page 1: its text, whether it has ink, whether it is the box."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        image = page.render(scale=SCALE).to_pil().convert("L")
        page_height = page.get_height()
        text_page = page.get_textpage()
        found = []
        for index in range(text_page.count_chars()):
            char = text_page.get_text_range(index, 1)
            left, bottom, right, top = text_page.get_charbox(index)
            box = (
                int(left * SCALE), int((page_height - top) * SCALE),
                int(right * SCALE) + 1, int((page_height - bottom) * SCALE) + 1,
            )
            width, height = box[2] - box[0], box[3] - box[1]
            if char.isspace() or width <= 1 or height <= 1:
                continue
            crop = image.crop(box)
            pixels = crop.load()
            inked = any(pixels[x, y] < 128 for x in range(crop.width) for y in range(crop.height))
            is_box = _looks_like_missing_glyph(pixels, crop.width, crop.height)
            found.append({"char": char, "inked": inked, "box": is_box})
        text_page.close()
    finally:
        document.close()
    return found


def missing_glyphs(pdf_bytes: bytes) -> list[str]:
    """Characters drawn as the missing-glyph box or as nothing at all."""
    return [c["char"] for c in drawn_characters(pdf_bytes) if c["box"] or not c["inked"]]
