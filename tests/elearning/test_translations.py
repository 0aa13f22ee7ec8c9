"""Issue 21: the Welsh catalogue is complete. No msgid without Welsh, none fuzzy, placeholders kept; and every
string marked in the code is in it (makemessages run into a copy, so a new English string without Welsh
fails here, not in front of a Welsh council)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE = Path(__file__).resolve().parents[2]
PO = BASE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_0-9]+\}")


def _untranslated(catalogue: polib.POFile) -> list[str]:
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def test_every_welsh_message_is_translated_not_fuzzy_and_keeps_its_placeholders():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 800
    assert _untranslated(catalogue) == []
    changed = []
    for entry in catalogue:
        welsh = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        wanted = sorted(set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))))
        for text in welsh:
            if sorted(set(PLACEHOLDER.findall(text))) != wanted and not entry.msgid_plural:
                changed.append(entry.msgid)
    assert changed == []


def test_every_marked_string_has_welsh(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
        pytest.skip("GNU gettext (xgettext) not installed: apt-get install gettext")
    locale = tmp_path / "locale"
    shutil.copytree(BASE / "locale", locale)
    script = (
        "import sys, django; from django.conf import settings; django.setup(); "
        f"settings.LOCALE_PATHS = [{str(locale)!r}]; "
        "from django.core.management import call_command; "
        "call_command('makemessages', locale=['cy'], no_obsolete=True, verbosity=0, "
        "ignore_patterns=['.venv/*', 'node_modules/*', 'tests/*', 'bench/*', 'scripts/*', 'var/*', "
        "'build/*', 'static/*'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "elearning.settings"}
    subprocess.run([sys.executable, "-c", script], cwd=BASE, env=env, check=True, timeout=300)  # noqa: S603
    problems = _untranslated(polib.pofile(str(locale / "cy" / "LC_MESSAGES" / "django.po")))
    assert problems == [], "run scripts/merge_po.py and add the Welsh:\n" + "\n".join(problems[:30])
