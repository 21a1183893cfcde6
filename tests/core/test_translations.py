"""Every string is translatable and the English catalogue is complete (Danish is the source)."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import samskab

PACKAGE = Path(samskab.__file__).resolve().parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_english_catalogue_is_complete():
    po = catalogue()
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(MO.open("rb"))
    for entry in catalogue():
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled.gettext(key) == entry.msgstr, f"run compilemessages: {entry.msgid!r}"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext (xgettext) is required in CI")
        pytest.skip("LOUD SKIP: GNU gettext is not installed, cannot scan for new strings")
    copy = tmp_path / "samskab"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--ignore",
            "analysis/*",
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samskab.settings"},
        check=True,
        capture_output=True,
    )
    scanned = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in catalogue() if e.translated()}
    new = [e.msgid for e in scanned if (e.msgctxt, e.msgid) not in known and not e.obsolete]
    assert new == [], "untranslated strings; run makemessages -l en and translate them"
