"""Gather the Welsh UI text into locale/cy/LC_MESSAGES/django.po (issue 21).

    python scripts/merge_po.py            # makemessages, then fill from locale/cy/fragments/*.po, then report
    python scripts/merge_po.py --only courses/ quizzes/   # report only strings used under these paths

1. `manage.py makemessages -l cy` collects every marked string from templates and Python (needs GNU gettext's
   xgettext; `apt-get install gettext`); translations already in django.po are kept.
2. Empty or fuzzy entries are filled from the fragment files (locale/cy/fragments/*.po, where translators
   working in parallel each write theirs); a fragment's translation clears the fuzzy mark.
3. Prints every msgid still without Welsh, with where it is used. Exit status 1 if any.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

BASE = Path(__file__).resolve().parent.parent
PO = BASE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
FRAGMENTS = BASE / "locale" / "cy" / "fragments"
IGNORE = [".venv/*", "node_modules/*", "tests/*", "bench/*", "scripts/*", "var/*", "build/*", "static/*"]


def makemessages() -> None:
    command = [sys.executable, "manage.py", "makemessages", "-l", "cy", "--no-obsolete", "--no-wrap"]
    for pattern in IGNORE:
        command += ["--ignore", pattern]
    subprocess.run(command, cwd=BASE, check=True)  # noqa: S603  (our own fixed command line)


def _key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def fill() -> polib.POFile:
    catalogue = polib.pofile(str(PO), wrapwidth=0)
    known: dict[tuple, polib.POEntry] = {}
    for fragment in sorted(FRAGMENTS.glob("*.po")):
        for entry in polib.pofile(str(fragment)):
            if entry.msgstr or any(entry.msgstr_plural.values()):
                known[_key(entry)] = entry
    for entry in catalogue:
        source = known.get(_key(entry))
        untranslated = not entry.msgstr and not any(entry.msgstr_plural.values())
        if source is not None and (untranslated or entry.fuzzy):
            entry.msgstr = source.msgstr
            if entry.msgid_plural:
                entry.msgstr_plural = dict(source.msgstr_plural)
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    catalogue.save(str(PO))
    return catalogue


def missing(catalogue: polib.POFile, only: list[str]) -> list[str]:
    lines = []
    for entry in catalogue:
        done = entry.msgstr or (entry.msgid_plural and all(entry.msgstr_plural.values()))
        if done and not entry.fuzzy:
            continue
        places = [f"{path}:{line}" for path, line in entry.occurrences]
        if only and not any(place.startswith(tuple(only)) for place in places):
            continue
        state = "fuzzy" if entry.fuzzy else "untranslated"
        lines.append(f"{state}: {entry.msgid!r} ({', '.join(places[:3])})")
    return lines


def main(argv: list[str]) -> int:
    only = [a for a in argv if not a.startswith("--")]
    if "--only" in argv or only:
        only = argv[argv.index("--only") + 1 :] if "--only" in argv else only
    makemessages()
    lines = missing(fill(), only)
    print("\n".join(lines) or "every string has Welsh")
    print(f"{len(lines)} without Welsh", file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
