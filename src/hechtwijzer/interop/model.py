"""The plain data model an import file is read into (no Django, no database)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# A file larger than this is refused before it is parsed (an export of a school of 2,000
# pupils with every optional field is about 3 MB).
MAX_BYTES = 20 * 1024 * 1024

# EDEXML jaargroep codes: groups 1-8 of Dutch primary school (1 and 2 are the kindergarten
# years; in Flanders 2de and 3de kleuterklas, then 3-8 are leerjaar 1-6), and the special codes
# of the standard's fixed types (special education, historic groups, ...).
YEAR_LEVELS = tuple(str(n) for n in range(0, 9))
SPECIAL_YEAR_LEVELS = ("S", "V", "C", "N", "H")

# EDEXML role codes that grant more than teaching a group: proposed to the school
# administrator as a role, never granted by the file.
CARE_ROLE_CODES = frozenset({"IB", "SMW", "ZC", "ZORG", "ZOCO", "CLB"})
ADMIN_ROLE_CODES = frozenset({"DIR", "ADJ", "DIRECTIE"})


class FileProblem(Exception):
    """A file that cannot be imported. `str()` is one line: the problem and where."""

    def __init__(self, problem: str, *, where: str = "", line: int | None = None):
        self.problem = problem
        self.where = where
        self.line = line
        super().__init__(self.line_text())

    def line_text(self) -> str:
        parts = [self.problem]
        if self.where:
            parts.append(self.where)
        if self.line:
            parts.append(f"line {self.line}")
        head, *rest = parts
        return head + (f" ({', '.join(rest)})" if rest else "")


@dataclass(frozen=True)
class SchoolInfo:
    country: str  # "NL" (brincode), "BE" (instellingsnummer) or "" (only a schoolkey)
    school_year: int | None  # first calendar year: 2026 for "2026-2027"
    brin: str = ""
    dependance: str = ""
    institution_number: str = ""
    school_key: str = ""
    name: str = ""

    @property
    def code(self) -> str:
        """How the school is named on the command line: BRIN(+dependance) or instellingsnummer."""
        if self.brin:
            return self.brin + self.dependance
        return self.institution_number or self.school_key


@dataclass(frozen=True)
class GroupRow:
    key: str
    name: str
    year_level: str = ""  # an EDEXML jaargroep code, "" when unknown
    line: int | None = None


@dataclass(frozen=True)
class PupilRow:
    key: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    group_key: str = ""
    year_level: str = ""
    left_on: datetime.date | None = None  # uitstroomdatum
    line: int | None = None


@dataclass(frozen=True)
class StaffRow:
    key: str
    first_name: str
    last_name: str
    email: str = ""
    username: str = ""
    group_keys: tuple[str, ...] = ()
    role_codes: tuple[str, ...] = ()  # as in the file (upper case): LRK, IB, DIR, ...
    line: int | None = None

    @property
    def proposed_roles(self) -> tuple[str, ...]:
        """The roles that grant more, as "care_coordinator" / "school_admin"."""
        codes = set(self.role_codes)
        roles = []
        if codes & CARE_ROLE_CODES:
            roles.append("care_coordinator")
        if codes & ADMIN_ROLE_CODES:
            roles.append("school_admin")
        return tuple(roles)


@dataclass
class SchoolFile:
    school: SchoolInfo
    groups: list[GroupRow] = field(default_factory=list)
    pupils: list[PupilRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "edexml"  # or "csv"
    # A full export lists every pupil at the school: those missing from it have left.
    full: bool = True
    has_staff: bool = False  # the file carries a staff section (EDEXML's full level)


def parse_date(text: str, *, what: str, line: int | None = None) -> datetime.date:
    """YYYY-MM-DD (EDEXML, ISO), or DD-MM-YYYY / DD/MM/YYYY (CSV exports)."""
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FileProblem(f"{what}: {value[:40]!r} is not a date", line=line)


def parse_school_year(text: str, *, line: int | None = None) -> int:
    """ "2026-2027" -> 2026; any YYYY-YYYY+1 is accepted (the XSD's list stops at 2024-2025)."""
    value = text.strip()
    head, sep, tail = value.partition("-")
    digits = sep and head.isdigit() and tail.isdigit() and len(head) == len(tail) == 4
    if digits and int(tail) == int(head) + 1:
        return int(head)
    raise FileProblem(
        f"schooljaar {value[:20]!r} is not a school year like 2026-2027",
        where="<schooljaar>",
        line=line,
    )


def full_last_name(prefix: str, last_name: str) -> str:
    """Dutch files keep the tussenvoegsel apart ("van", "de"): "van Dijk"."""
    return " ".join(part for part in (prefix.strip(), last_name.strip()) if part)
