"""CSV exports (Flemish packages such as Smartschool, Informat, Wisa, Broekx; or any list of
pupils): one pupil per row, columns chosen by a mapping (field -> column heading).

Groups are named by a column (the class); a group key column is optional and defaults to the
name. Year levels: a Dutch group number, or for a Flemish school a leerjaar (1-6, stored as
jaargroep 3-8) or a kindergarten year (K2, K3 -> jaargroep 1, 2).
"""

from __future__ import annotations

import csv
import io

from .model import (
    MAX_BYTES,
    FileProblem,
    GroupRow,
    PupilRow,
    SchoolFile,
    SchoolInfo,
    full_last_name,
    parse_date,
)

FIELDS = (
    "key",
    "first_name",
    "prefix",
    "last_name",
    "date_of_birth",
    "group",
    "group_key",
    "year_level",
    "left_on",
)
REQUIRED_FIELDS = ("key", "first_name", "last_name", "date_of_birth", "group")
MAX_ROWS = 20_000
MAX_COLUMNS = 200


def _text(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise FileProblem(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    if b"\x00" in data:
        raise FileProblem("the file is not a text (CSV) file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older Windows exports


def _reader(text: str):
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if sample.count("\t") > max(sample.count(";"), sample.count(",")):
        delimiter = "\t"
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_header(data: bytes, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """The column headings of the first line (to choose a mapping)."""
    try:
        header = next(_reader(_text(data, max_bytes)), [])
    except csv.Error as error:
        raise FileProblem(f"the file is not a readable CSV file: {error}", line=1) from None
    header = [h.strip() for h in header]
    if not any(header):
        raise FileProblem("the file has no header line with column names", line=1)
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"the file has more than {MAX_COLUMNS} columns", line=1)
    return header


def parse_mapping(text: str) -> dict[str, str]:
    """ "key=Stamnummer,first_name=Voornaam,…" -> {"key": "Stamnummer", …}."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, column = part.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS or not column.strip():
            raise FileProblem(
                f"mapping item {part.strip()[:40]!r} is not field=Column "
                f"(fields: {', '.join(FIELDS)})"
            )
        mapping[name] = column.strip()
    return mapping


def _year_level(value: str, country: str, line: int, warnings: list[str]) -> str:
    value = value.strip().upper()
    if not value:
        return ""
    if country == "BE":
        if value in ("K2", "2K"):
            return "1"
        if value in ("K3", "3K"):
            return "2"
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits and 1 <= int(digits) <= 6:
            return str(int(digits) + 2)
    else:
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits and 1 <= int(digits) <= 8:
            return str(int(digits))
    warnings.append(f"unknown year level {value[:10]!r} ignored (line {line})")
    return ""


def parse(
    data: bytes,
    *,
    mapping: dict[str, str],
    country: str,
    school_year: int,
    max_bytes: int = MAX_BYTES,
) -> SchoolFile:
    """Read a CSV export with `mapping`; FileProblem (one line) for a bad file or mapping."""
    missing = [name for name in REQUIRED_FIELDS if not mapping.get(name)]
    if missing:
        raise FileProblem(
            f"the column mapping does not say which column holds: {', '.join(missing)}"
        )
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise FileProblem(f"the column mapping names unknown fields: {', '.join(sorted(unknown))}")
    header = read_header(data, max_bytes=max_bytes)
    index = {}
    for name, column in mapping.items():
        if column not in header:
            raise FileProblem(
                f"column {column[:40]!r} (for {name}) is not in the header line", line=1
            )
        index[name] = header.index(column)
    warnings: list[str] = []
    groups: dict[str, GroupRow] = {}
    pupils: list[PupilRow] = []
    seen: set[str] = set()
    rows = _reader(_text(data, max_bytes))
    next(rows)
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if number > MAX_ROWS:
                raise FileProblem(f"the file has more than {MAX_ROWS} rows")

            def cell(name: str, row=row, number=number) -> str:
                if name not in index:
                    return ""
                position = index[name]
                if position >= len(row):
                    raise FileProblem(f"the row has no column {mapping[name][:40]!r}", line=number)
                return row[position].strip()

            for name in REQUIRED_FIELDS:
                if not cell(name):
                    raise FileProblem(
                        f"column {mapping[name][:40]!r} ({name}) is empty", line=number
                    )
            key = cell("key")[:64]
            if key in seen:
                raise FileProblem(f"pupil key {key!r} occurs twice", line=number)
            seen.add(key)
            group_name = cell("group")[:100]
            group_key = (cell("group_key") or group_name)[:64]
            level = _year_level(cell("year_level"), country, number, warnings)
            known = groups.get(group_key)
            if known is None:
                groups[group_key] = GroupRow(group_key, group_name, level, number)
            elif known.name != group_name:
                raise FileProblem(
                    f"group key {group_key!r} has two names ({known.name!r}, {group_name!r})",
                    line=number,
                )
            left = cell("left_on")
            pupils.append(
                PupilRow(
                    key=key,
                    first_name=cell("first_name")[:100],
                    last_name=full_last_name(cell("prefix"), cell("last_name"))[:100],
                    date_of_birth=parse_date(
                        cell("date_of_birth"), what="date of birth", line=number
                    ),
                    group_key=group_key,
                    year_level=level,
                    left_on=parse_date(left, what="leaving date", line=number) if left else None,
                    line=number,
                )
            )
    except csv.Error as error:
        raise FileProblem(
            f"the file is not a readable CSV file: {error}", line=rows.line_num
        ) from None
    school = SchoolInfo(country=country, school_year=school_year)
    return SchoolFile(
        school=school,
        groups=list(groups.values()),
        pupils=pupils,
        warnings=warnings,
        kind="csv",
        full=True,
        has_staff=False,
    )
