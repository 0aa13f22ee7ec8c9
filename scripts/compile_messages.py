"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib (issue 21): `make install` runs it, so a machine
without GNU gettext still gets the Welsh text; a .mo is rebuilt only when its .po is newer."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "locale"


def main() -> int:
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(mo_path))
        print(f"compiled {po_path.relative_to(ROOT.parent)}: {len(catalogue.translated_entries())} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
