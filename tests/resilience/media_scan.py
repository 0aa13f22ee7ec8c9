"""Find a person's name anywhere under MEDIA_ROOT: raw bytes, text inside PDFs, and files inside ZIPs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pypdf import PdfReader


def _contains(data: bytes, name: str) -> bool:
    if name.encode() in data or name.encode("utf-16-be") in data:
        return True
    if data.startswith(b"%PDF"):
        text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        return name in text
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(_contains(archive.read(member), name) for member in archive.namelist())
    return False


def files_naming(media_root: Path, name: str) -> list[Path]:
    root = Path(media_root)
    return (
        sorted(p for p in root.rglob("*") if p.is_file() and _contains(p.read_bytes(), name))
        if root.exists()
        else []
    )
