"""Dutch is complete, and the message file is up to date with the source."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
PO_FILE = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def message_ids(po_text: str) -> set[tuple[str, str]]:
    """(context, msgid) of every entry but the header."""
    ids, context, current, field = set(), "", None, None
    for line in [*po_text.splitlines(), ""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr\S*) (".*")$', line)
        if match:
            field = match.group(1)
            if field == "msgctxt":
                context = json.loads(match.group(2))
            elif field == "msgid":
                current = json.loads(match.group(2))
        elif line.startswith('"') and field == "msgid":
            current += json.loads(line)
        elif line.startswith('"') and field == "msgctxt":
            context += json.loads(line)
        elif not line.strip():
            if current:
                ids.add((context, current))
            context, current, field = "", None, None
    return ids


def test_every_dutch_message_is_translated():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.slow
def test_the_message_file_has_every_string_of_the_source(tmp_path):
    copy = tmp_path / "hechtwijzer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hechtwijzer.settings",
        "HECHTWIJZER_DATA_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hechtwijzer",
            "makemessages",
            "-l",
            "nl",
            "--no-obsolete",
            "-i",
            "catalog/*",
            "-v0",
        ],
        cwd=copy,
        env=env,
        check=True,
        timeout=300,
    )
    fresh = message_ids((copy / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text())
    committed = message_ids(PO_FILE.read_text())
    assert fresh - committed == set(), "run `make messages` and translate the new strings"
    assert committed - fresh == set(), "run `make messages` to drop strings no longer used"
