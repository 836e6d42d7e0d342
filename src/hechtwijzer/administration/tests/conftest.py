"""Fixtures for the import tests: the fictional files of files/ (school year made current)."""

from pathlib import Path

from hechtwijzer.schools.models import current_school_year, school_year_label

FILES = Path(__file__).resolve().parent / "files"


def import_file(name: str, **replace: str) -> bytes:
    """A test file with the current school year; `replace` swaps literal pieces of it."""
    text = (FILES / name).read_text(encoding="utf-8")
    year = current_school_year()
    text = text.replace("2026-2027", school_year_label(year).replace("–", "-"))
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")
