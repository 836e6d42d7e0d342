"""EDEXML 2.1 (Edustandaard): pupils, groups and staff from a school administration system.

Read for what Hechtwijzer needs, checked as the schema would (required elements, unique keys,
key references), and lenient where the standard is extended over time (any school year of the
form 2026-2027; unknown codes in optional fields give a warning). Never read: bsn,
onderwijsnummer, rijksregisternummer, eckid, addresses, contact and background fields.
"""

from __future__ import annotations

from . import safexml
from .model import (
    MAX_BYTES,
    SPECIAL_YEAR_LEVELS,
    YEAR_LEVELS,
    FileProblem,
    GroupRow,
    PupilRow,
    SchoolFile,
    SchoolInfo,
    StaffRow,
    full_last_name,
    parse_date,
    parse_school_year,
)

ROOT = "EDEX"


def _required(node: safexml.Node, tag: str, where: str) -> str:
    value = node.child_text(tag)
    if not value:
        raise FileProblem(
            f"required element <{tag}> is missing or empty", where=where, line=node.line
        )
    return value


def _key(node: safexml.Node, what: str) -> str:
    key = (node.attrs.get("key") or "").strip()
    if not key:
        raise FileProblem(f"<{what}> has no key attribute", line=node.line)
    if len(key) > 64:
        raise FileProblem(f"<{what}> key is longer than 64 characters", line=node.line)
    return key


def _year_level(value: str, where: str, line: int, warnings: list[str]) -> str:
    value = value.strip().upper()
    if not value or value in YEAR_LEVELS or value in SPECIAL_YEAR_LEVELS:
        return value
    warnings.append(f"unknown jaargroep {value[:10]!r} ignored ({where}, line {line})")
    return ""


def _school(root: safexml.Node) -> SchoolInfo:
    node = root.find("school")
    if node is None:
        raise FileProblem("required element <school> is missing", where="<EDEX>", line=root.line)
    year_node = node.find("schooljaar")
    if year_node is None or not year_node.text:
        raise FileProblem(
            "required element <schooljaar> is missing or empty", where="<school>", line=node.line
        )
    year = parse_school_year(year_node.text, line=year_node.line)
    brin = node.child_text("brincode").upper()
    dependance = node.child_text("dependancecode")
    institution = node.child_text("instellingsnummer")
    school_key = node.child_text("schoolkey")
    if not (brin or institution or school_key):
        raise FileProblem(
            "the school has no <brincode>, <instellingsnummer> or <schoolkey>",
            where="<school>",
            line=node.line,
        )
    if brin and not (len(brin) == 4 and brin[:2].isdigit() and brin[2:].isalnum()):
        raise FileProblem(
            f"brincode {brin[:10]!r} is not a BRIN code", where="<school>", line=node.line
        )
    if dependance and not (dependance.isdigit() and len(dependance) == 2):
        raise FileProblem(
            f"dependancecode {dependance[:10]!r} is not two digits",
            where="<school>",
            line=node.line,
        )
    if institution and not (institution.isdigit() and 5 <= len(institution) <= 6):
        raise FileProblem(
            f"instellingsnummer {institution[:10]!r} is not a Flemish institution number",
            where="<school>",
            line=node.line,
        )
    country = "NL" if brin else ("BE" if institution else "")
    name = node.child_text("schoolnaam") or node.child_text("naam")
    return SchoolInfo(
        country=country,
        school_year=year,
        brin=brin,
        dependance=dependance if brin else "",
        institution_number=institution,
        school_key=school_key,
        name=name[:200],
    )


def _groups(root: safexml.Node, warnings: list[str]) -> tuple[list[GroupRow], set[str]]:
    node = root.find("groepen")
    if node is None:
        raise FileProblem("required element <groepen> is missing", where="<EDEX>", line=root.line)
    groups: list[GroupRow] = []
    seen: dict[str, int] = {}
    composite: set[str] = set()
    for child in node.children:
        if child.tag not in ("groep", "samengestelde_groep"):
            continue
        key = _key(child, child.tag)
        if key in seen or key in composite:
            raise FileProblem(
                f"group key {key!r} occurs twice", where=f"<{child.tag}>", line=child.line
            )
        where = f"<{child.tag} key={key!r}>"
        name = _required(child, "naam", where)[:100]
        if child.tag == "samengestelde_groep":
            composite.add(key)  # composite groups (e.g. a reading group): not imported
            continue
        seen[key] = child.line
        level = _year_level(child.child_text("jaargroep"), where, child.line, warnings)
        groups.append(GroupRow(key=key, name=name, year_level=level, line=child.line))
    if composite:
        warnings.append(f"{len(composite)} composite group(s) (samengestelde_groep) not imported")
    return groups, composite


def _pupils(root: safexml.Node, group_keys: set[str], composite: set[str], warnings: list[str]):
    node = root.find("leerlingen")
    if node is None:
        raise FileProblem(
            "required element <leerlingen> is missing", where="<EDEX>", line=root.line
        )
    pupils: list[PupilRow] = []
    seen: set[str] = set()
    for child in node.findall("leerling"):
        key = _key(child, "leerling")
        if key in seen:
            raise FileProblem(
                f"pupil key {key!r} occurs twice", where="<leerling>", line=child.line
            )
        seen.add(key)
        where = f"<leerling key={key!r}>"
        last = _required(child, "achternaam", where)
        first = child.child_text("roepnaam") or child.child_text("voornamen").split(" ")[0]
        if not first:
            raise FileProblem(
                "required element <roepnaam> or <voornamen> is missing",
                where=where,
                line=child.line,
            )
        birth = parse_date(
            _required(child, "geboortedatum", where), what=f"{where} geboortedatum", line=child.line
        )
        group_key = ""
        group = child.find("groep")
        if group is not None:
            group_key = (group.attrs.get("key") or "").strip()
            if group_key not in group_keys:
                raise FileProblem(
                    f"refers to group key {group_key!r}, which the file does not define",
                    where=f"{where} <groep>",
                    line=group.line,
                )
        for ref in child.iter("samengestelde_groep"):
            ref_key = (ref.attrs.get("key") or "").strip()
            if ref_key not in composite:
                raise FileProblem(
                    f"refers to composite group key {ref_key!r}, which the file does not define",
                    where=f"{where} <samengestelde_groep>",
                    line=ref.line,
                )
        left = child.child_text("uitstroomdatum")
        pupils.append(
            PupilRow(
                key=key,
                first_name=first[:100],
                last_name=full_last_name(child.child_text("voorvoegsel"), last)[:100],
                date_of_birth=birth,
                group_key=group_key,
                year_level=_year_level(child.child_text("jaargroep"), where, child.line, warnings),
                left_on=parse_date(left, what=f"{where} uitstroomdatum", line=child.line)
                if left
                else None,
                line=child.line,
            )
        )
    return pupils


def _staff(root: safexml.Node, group_keys: set[str], composite: set[str]) -> list[StaffRow]:
    node = root.find("leerkrachten")
    if node is None:
        return []
    staff: list[StaffRow] = []
    seen: set[str] = set()
    for child in node.findall("leerkracht"):
        key = _key(child, "leerkracht")
        if key in seen:
            raise FileProblem(
                f"staff key {key!r} occurs twice", where="<leerkracht>", line=child.line
            )
        seen.add(key)
        where = f"<leerkracht key={key!r}>"
        last = _required(child, "achternaam", where)
        first = child.child_text("roepnaam") or child.child_text("voornamen").split(" ")[0]
        keys: list[str] = []
        groups = child.find("groepen")
        for ref in groups.children if groups is not None else ():
            ref_key = (ref.attrs.get("key") or "").strip()
            if ref.tag == "groep":
                if ref_key not in group_keys:
                    raise FileProblem(
                        f"refers to group key {ref_key!r}, which the file does not define",
                        where=f"{where} <groep>",
                        line=ref.line,
                    )
                keys.append(ref_key)
            elif ref.tag == "samengestelde_groep" and ref_key not in composite:
                raise FileProblem(
                    f"refers to composite group key {ref_key!r}, which the file does not define",
                    where=f"{where} <samengestelde_groep>",
                    line=ref.line,
                )
        # A role for the whole school (<rol>) or per group (<groep key=…><rol>…</rol>, or a
        # rol attribute): all of them, in upper case.
        codes = [n.text.upper() for n in child.iter("rol") if n.text]
        codes += [n.attrs["rol"].strip().upper() for n in child.iter("groep") if n.attrs.get("rol")]
        staff.append(
            StaffRow(
                key=key,
                first_name=(first or last)[:150],
                last_name=full_last_name(child.child_text("voorvoegsel"), last)[:150],
                email=child.child_text("emailadres")[:254],
                username=child.child_text("gebruikersnaam")[:150],
                group_keys=tuple(dict.fromkeys(keys)),
                role_codes=tuple(dict.fromkeys(c[:20] for c in codes)),
                line=child.line,
            )
        )
    return staff


def parse(data: bytes, *, max_bytes: int = MAX_BYTES) -> SchoolFile:
    """Read an EDEXML 2.1 file; FileProblem (one line) for a malformed or hostile one."""
    root = safexml.parse(data, max_bytes=max_bytes)
    if root.tag != ROOT:
        raise FileProblem(f"the root element is <{root.tag}>, not <{ROOT}>", line=root.line)
    warnings: list[str] = []
    school = _school(root)
    groups, composite = _groups(root, warnings)
    keys = {g.key for g in groups}
    pupils = _pupils(root, keys, composite, warnings)
    staff = _staff(root, keys, composite)
    return SchoolFile(
        school=school,
        groups=groups,
        pupils=pupils,
        staff=staff,
        warnings=warnings,
        kind="edexml",
        full=True,
        has_staff=root.find("leerkrachten") is not None,
    )
