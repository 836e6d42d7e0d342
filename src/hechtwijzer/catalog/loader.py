"""Read a catalog data directory into a Catalog, checking it against docs/catalog-format.md.

Problems are collected rather than raised one by one, so whoever edits the data sees every
mistake in a single run. Each message is one line naming the file, the item (by code, or by its
position in the file counted from 1 while the code is unusable), the field (array positions
counted from 0, as in the TOML path) and what is wrong. Bad data never gives a traceback.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from .model import (
    ENGINE_EFFECTS,
    ITEM_CLASSES,
    KINDS,
    THRESHOLD_NAMES,
    WEIGHING_EFFECTS,
    Catalog,
    Caution,
    Figure,
    Item,
    Link,
    Prevalence,
    Section,
    Seed,
    Source,
    Terms,
    Text,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
META_FILE = "catalog.toml"
CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
CODE_RULE = "(use lowercase letters, digits and _, starting with a letter)"

# Values fixed by the format itself; the other enumerations come from catalog.toml's
# vocabularies, so adding a group or theme there needs no code change.
PATTERN_TYPES = ("pattern", "type")
CLASSIFICATIONS = ("dsm5tr", "dsm4", "brisch")
EFFECTS = (*WEIGHING_EFFECTS, *ENGINE_EFFECTS)
MEASURE_TYPES = ("card", "tip", "attitude")
REFERRAL_TYPES = ("role", "treatment", "early_signs")
VOCABULARIES = ("signal_groups", "levels", "sticordi", "redicodis", "themes", "stages")


class CatalogError(Exception):
    """The catalog data is not valid; `problems` lists every problem found, one line each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# A parser takes (report, raw value, field path) and returns the typed value, or None after
# reporting why it could not. `report` already knows the file and item.
Report = Callable[[str], None]
Parser = Callable[[Report, Any, str], Any]
REQUIRED = object()  # default that marks a schema field as required
Schema = dict[str, tuple[Parser, Any]]


class _PendingLink(NamedTuple):
    """A link whose target can only be checked once every file has been read."""

    report: Report
    path: str
    kind: str
    code: str
    is_ref: bool = False  # a see_also "<kind>/<code>"
    card_only: bool = False  # a tip's `matches` must point at a card measure


def _type_name(value: object) -> str:
    # bool before int: True is an int to Python but a boolean to whoever wrote the TOML.
    for types, name in (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
        ((datetime, date, time), "a date or time"),
    ):
        if isinstance(value, types):
            return name
    return type(value).__name__


def _is(
    report: Report, value: object, path: str, types: type | tuple[type, ...], what: str
) -> bool:
    if isinstance(value, types) and not (isinstance(value, bool) and bool is not types):
        return True
    report(f"field '{path}' must be {what}, not {_type_name(value)}")
    return False


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _string(report: Report, value: Any, path: str) -> str | None:
    """A non-empty string: an empty label or reason is always a slip."""
    if not _is(report, value, path, str, "a string"):
        return None
    if not value.strip():
        report(f"field '{path}' is empty")
        return None
    return value


def _plain_string(report: Report, value: Any, path: str) -> str | None:
    """Any string, empty allowed (a seed's unknown year or publisher)."""
    return value if _is(report, value, path, str, "a string") else None


def _code(report: Report, value: Any, path: str) -> str | None:
    if not _is(report, value, path, str, "a string"):
        return None
    if not CODE_RE.fullmatch(value):
        report(f"{path} '{value}' is malformed {CODE_RULE}")
        return None
    return value


def _boolean(report: Report, value: Any, path: str) -> bool | None:
    return value if _is(report, value, path, bool, "a boolean (true or false)") else None


def _whole(minimum: int) -> Parser:
    def parse(report: Report, value: Any, path: str) -> int | None:
        if not _is(report, value, path, int, "an integer"):
            return None
        if value < minimum:
            report(f"field '{path}' must be at least {minimum}, not {value}")
            return None
        return value

    return parse


def _choice(report: Report, value: Any, path: str, options: Sequence[str] | None) -> str | None:
    """One of `options`; any string when they are unknown (a broken vocabulary, reported)."""
    value = _string(report, value, path)
    if value is not None and options is not None and value not in options:
        expected = f"expected one of: {', '.join(options)}" if options else "none are defined"
        report(f"field '{path}' has unknown value '{value}' ({expected})")
        return None
    return value


def _thresholds(report: Report, value: Any, path: str) -> tuple[tuple[str, int], ...] | None:
    """A table of the engine's thresholds: known names, whole numbers of at least 0."""
    if not _is(report, value, path, dict, "a table"):
        return None
    parsed = []
    ok = True
    for name, number in value.items():
        sub = _join(path, name)
        if name not in THRESHOLD_NAMES:
            report(f"unknown field '{sub}'{_hint(name, THRESHOLD_NAMES)}")
            ok = False
        elif (checked := _whole(0)(report, number, sub)) is None:
            ok = False
        else:
            parsed.append((name, checked))
    return tuple(parsed) if ok else None


def _or(options: Sequence[str]) -> str:
    return ", ".join(options)


def _one_of(*options: str) -> Parser:
    return lambda report, value, path: _choice(report, value, path, options)


class _Loader:
    """One load: the problems found so far and what later checks need to know."""

    def __init__(self) -> None:
        self.problems: list[tuple[tuple[int, int], str]] = []
        self.seed_files: set[str] | None = None  # None: unknown, so seed names go unchecked
        self.vocabularies: dict[str, MappingProxyType[str, Text]] = {}
        # Codes per vocabulary, kept apart so that a broken label does not make its code unknown.
        self.vocabulary_codes: dict[str, list[str]] = {}
        self.codes: dict[str, set[str]] = {}  # kind -> codes, for each kind file that was read
        self.card_measures: set[str] = set()
        self.pending: list[_PendingLink] = []
        self.file_order = {name: i for i, name in enumerate([META_FILE, *_kind_files()])}
        self.contents: dict[str, Any] = {}  # file -> its parsed data, for the content hash

        text = self._table(Text, {"nl": (_string, REQUIRED), "en": (_string, REQUIRED)})
        words = self._array(_string)
        terms = self._table(Terms, {"nl": (words, ()), "en": (words, ())})
        source = self._source
        self.text = text
        self.source_table = self._table(
            Source, {"seed": (_string, None), "section": (_string, None), "ref": (_string, None)}
        )
        self.seed_table = self._table(
            Seed,
            {
                "file": (_string, REQUIRED),
                "title": (_string, REQUIRED),
                "author": (_plain_string, ""),
                "publisher": (_plain_string, ""),
                "year": (_plain_string, ""),
                "language": (_plain_string, ""),
            },
        )
        common: Schema = {
            "code": (_code, REQUIRED),
            "label": (text, REQUIRED),
            "description": (text, REQUIRED),
            "sources": (self._array(source, "every item needs at least one source"), REQUIRED),
            "see_also": (self._see_also, ()),
        }
        self.schemas: dict[str, Schema] = {
            "signals": {
                **common,
                "group": (self._vocab("signal_groups"), REQUIRED),
                "patterns": (self._links("patterns"), REQUIRED),
                "synonyms": (terms, Terms()),
            },
            "patterns": {
                **common,
                "type": (_one_of(*PATTERN_TYPES), REQUIRED),
                "also_called": (terms, Terms()),
                "child_behaviour": (text, None),
                "origin": (text, None),
                "adult_pattern": (text, None),
                "later_risks": (text, None),
                "prevalence": (
                    self._array(
                        self._table(
                            Prevalence,
                            {
                                "value": (_string, REQUIRED),
                                "population": (text, REQUIRED),
                                "source": (source, REQUIRED),
                            },
                        )
                    ),
                    (),
                ),
                "cautions": (
                    self._array(
                        self._table(
                            Caution,
                            {
                                "code": (_code, REQUIRED),
                                "text": (text, REQUIRED),
                                "source": (source, REQUIRED),
                            },
                        )
                    ),
                    (),
                ),
            },
            "disorders": {
                **common,
                "classification": (_one_of(*CLASSIFICATIONS), REQUIRED),
                "features": (self._array(text), ()),
                "patterns": (self._links("patterns"), ()),
                "note": (text, None),
            },
            "risk_factors": {
                **common,
                "level": (self._vocab("levels"), REQUIRED),
                "safeguarding": (_boolean, False),
                "recordable": (_boolean, True),
                "explains": (self._links("patterns"), ()),
                "synonyms": (terms, Terms()),
            },
            "protective_factors": {
                **common,
                "level": (self._vocab("levels"), REQUIRED),
                "recordable": (_boolean, True),
                "synonyms": (terms, Terms()),
            },
            "rules": {
                **common,
                "effect": (_one_of(*EFFECTS), REQUIRED),
                "risk_level": (self._vocab("levels"), None),
                "protective_level": (self._vocab("levels"), None),
                "condition": (text, None),
                "thresholds": (_thresholds, ()),
                "signals": (self._links("signals"), ()),
                "patterns": (self._links("patterns"), ()),
            },
            "measures": {
                **common,
                "type": (_one_of(*MEASURE_TYPES), REQUIRED),
                "number": (_whole(1), None),
                "category": (self._vocab("sticordi"), None),
                "redicodis": (self._vocab("redicodis"), None),
                "category_why": (_string, None),
                "addresses": (self._links("signals"), ()),
                "matches": (self._link("measures", card_only=True), None),
                "how_to": (text, None),
            },
            "referrals": {
                **common,
                "type": (_one_of(*REFERRAL_TYPES), REQUIRED),
                "min_age": (_whole(0), None),
                "max_age": (_whole(0), None),
                "stage": (self._vocab("stages"), None),
                "signs": (self._array(text), ()),
                "provider": (text, None),
            },
            "topics": {
                **common,
                "theme": (self._vocab("themes"), REQUIRED),
                "sections": (
                    self._array(
                        self._table(
                            Section, {"heading": (text, REQUIRED), "body": (text, REQUIRED)}
                        )
                    ),
                    (),
                ),
                "figures": (
                    self._array(
                        self._table(
                            Figure,
                            {
                                "value": (_string, REQUIRED),
                                "text": (text, REQUIRED),
                                "source": (source, REQUIRED),
                            },
                        )
                    ),
                    (),
                ),
            },
        }
        self.checks: dict[str, Callable[[Report, dict[str, Any]], None]] = {
            "measures": self._check_measure,
            "referrals": self._check_referral,
            "risk_factors": self._check_factor,
            "protective_factors": self._check_factor,
            "rules": self._check_rule,
        }

    # -- reporting ------------------------------------------------------------------------

    def _reporter(self, file: str, index: int = 0, place: str = "") -> Report:
        """A report function for one file (and item); problems sort by file, then item."""
        key = (self.file_order.get(file, len(self.file_order)), index)
        prefix = f"{file}: {place}: " if place else f"{file}: "

        def report(message: str) -> None:
            self.problems.append((key, prefix + message))

        return report

    # -- generic parsers ------------------------------------------------------------------

    def _fields(self, report: Report, raw: dict[str, Any], path: str, schema: Schema) -> dict:
        """Parse a table's fields; fields that failed are left out of the result."""
        for key in raw:
            if key not in schema:
                report(f"unknown field '{_join(path, key)}'{_hint(key, schema)}")
        values: dict[str, Any] = {}
        for name, (parse, default) in schema.items():
            if name in raw:
                value = parse(report, raw[name], _join(path, name))
                if value is not None:
                    values[name] = value
            elif default is REQUIRED:
                report(f"field '{_join(path, name)}' is missing")
            else:
                values[name] = default
        return values

    def _table(self, cls: type, schema: Schema) -> Parser:
        def parse(report: Report, value: Any, path: str) -> Any:
            if not _is(report, value, path, dict, "a table"):
                return None
            before = len(self.problems)
            values = self._fields(report, value, path, schema)
            return cls(**values) if len(self.problems) == before else None

        return parse

    def _array(self, parse_one: Parser, needs_one: str = "") -> Parser:
        def parse(report: Report, value: Any, path: str) -> tuple | None:
            if not _is(report, value, path, list, "an array"):
                return None
            if needs_one and not value:
                report(f"field '{path}' is empty ({needs_one})")
                return None
            before = len(self.problems)
            parsed = tuple(parse_one(report, v, f"{path}[{i}]") for i, v in enumerate(value))
            return parsed if len(self.problems) == before else None

        return parse

    def _vocab(self, name: str) -> Parser:
        # Looked up at parse time: catalog.toml is read before any kind file.
        return lambda report, value, path: _choice(
            report, value, path, self.vocabulary_codes.get(name)
        )

    # -- sources and links ----------------------------------------------------------------

    def _source(self, report: Report, value: Any, path: str) -> Source | None:
        source = self.source_table(report, value, path)
        if source is None:
            return None
        if source.seed is None and source.ref is None:
            report(f"{path} has neither 'seed' nor 'ref'")
            return None
        if source.seed is not None and source.ref is not None:
            report(f"{path} has both 'seed' and 'ref' (give each source its own entry)")
            return None
        known = self.seed_files  # None when catalog.toml's seed list itself is broken
        if source.seed is not None and known is not None and source.seed not in known:
            report(f"{path}.seed '{source.seed}' is not a seed listed in {META_FILE}")
            return None
        return source

    def _link(self, kind: str, card_only: bool = False) -> Parser:
        table = self._table(
            Link,
            {
                "code": (_string, REQUIRED),
                "source": (self._source, REQUIRED),
                "why": (_string, REQUIRED),
            },
        )

        def parse(report: Report, value: Any, path: str) -> Link | None:
            link = table(report, value, path)
            if link is not None:
                self.pending.append(
                    _PendingLink(report, path, kind, link.code, card_only=card_only)
                )
            return link

        return parse

    def _links(self, kind: str) -> Parser:
        return self._array(self._link(kind))

    def _see_also(self, report: Report, value: Any, path: str) -> tuple[str, ...] | None:
        refs = self._array(_string)(report, value, path)
        if refs is None:
            return None
        ok = True
        for i, ref in enumerate(refs):
            kind, _, code = ref.partition("/")
            if not CODE_RE.fullmatch(kind) or not CODE_RE.fullmatch(code):
                report(f"{path}[{i}] '{ref}' is not of the form '<kind>/<code>'")
                ok = False
            elif kind not in KINDS:
                report(f"{path}[{i}] names unknown kind '{kind}'{_hint(kind, KINDS)}")
                ok = False
            else:
                self.pending.append(_PendingLink(report, f"{path}[{i}]", kind, code, is_ref=True))
        return refs if ok else None

    def _resolve_links(self) -> None:
        for link in self.pending:
            known = self.codes.get(link.kind)
            if known is None:
                continue  # the target file could not be read; that is reported already
            if link.code not in known:
                target = (
                    f"item '{link.kind}/{link.code}'"
                    if link.is_ref
                    else f"{link.kind.removesuffix('s').replace('_', ' ')} '{link.code}'"
                )
                link.report(f"{link.path} links to unknown {target}")
            elif link.card_only and link.code not in self.card_measures:
                link.report(f"{link.path} links to '{link.code}', which is not a card measure")

    # -- cross-field rules ----------------------------------------------------------------

    # These see the parsed values: a field that failed is missing from them (and already
    # reported), an optional field left out holds its default (None or an empty tuple).

    def _check_measure(self, report: Report, values: dict[str, Any]) -> None:
        kind, code = values.get("type"), values.get("code")

        def absent(name: str) -> bool:
            return name in values and values[name] in (None, ())

        def given(name: str) -> bool:
            return values.get(name) not in (None, ())

        if kind in ("card", "tip"):
            prefix, what = ("sticordi", "card measures") if kind == "card" else ("tip", "tips")
            match = re.fullmatch(prefix + r"_(\d\d)", code or "")
            if code and not match:
                report(
                    f"code '{code}' does not fit type '{kind}' (use {prefix}_01, {prefix}_02, …)"
                )
            if absent("number"):
                report(f"field 'number' is missing (required for {what})")
            elif match and given("number") and values["number"] != int(match[1]):
                report(f"field 'number' is {values['number']} but the code says {int(match[1])}")
            if kind == "card" and code:
                self.card_measures.add(code)
        elif kind == "attitude":
            if code and not code.startswith("attitude_"):
                report(f"code '{code}' does not fit type 'attitude' (use attitude_<name>)")
            if given("number"):
                report("field 'number' is only for card measures and tips")
        if kind == "card" and absent("category"):
            report("field 'category' is missing (required for card measures)")
        for name in ("redicodis", "category_why"):
            if given("category") and absent(name):
                report(f"field '{name}' is missing (required with 'category')")
            elif absent("category") and given(name):
                report(f"field '{name}' is given without 'category'")
        if kind in ("card", "attitude") and given("matches"):
            report("field 'matches' is only for tips")

    def _check_factor(self, report: Report, values: dict[str, Any]) -> None:
        if values.get("safeguarding") and values.get("recordable") is False:
            # A factor that switches on the safeguarding route must be recordable.
            report("field 'safeguarding' is true but 'recordable' is false")

    def _check_rule(self, report: Report, values: dict[str, Any]) -> None:
        effect = values.get("effect")
        if effect in WEIGHING_EFFECTS:
            if "risk_level" in values and values["risk_level"] is None:
                report(f"field 'risk_level' is missing (required for effect '{effect}')")
            for name in ("thresholds", "signals", "patterns"):
                if values.get(name):
                    report(f"field '{name}' is only for the engine's rules ({_or(ENGINE_EFFECTS)})")
        elif effect in ENGINE_EFFECTS:
            for name in ("risk_level", "protective_level", "condition"):
                if values.get(name) is not None:
                    report(f"field '{name}' is only for weighing rules ({_or(WEIGHING_EFFECTS)})")

    def _check_referral(self, report: Report, values: dict[str, Any]) -> None:
        kind = values.get("type")
        if kind == "early_signs":
            if "stage" in values and values["stage"] is None:
                report("field 'stage' is missing (required for early signs)")
            if "signs" in values and not values["signs"]:
                report("field 'signs' is missing or empty (required for early signs)")
        elif kind is not None:
            for name in ("stage", "signs"):
                if values.get(name):
                    report(f"field '{name}' is only for early signs")
        low, high = values.get("min_age"), values.get("max_age")
        if low is not None and high is not None and low > high:
            report(f"field 'min_age' ({low}) is greater than 'max_age' ({high})")

    # -- files ----------------------------------------------------------------------------

    def _read(self, directory: Path, file: str) -> dict[str, Any] | None:
        report = self._reporter(file)
        try:
            data = (directory / file).read_bytes()
        except FileNotFoundError:
            report("file is missing")
            return None
        except OSError as exc:
            report(f"file cannot be read ({exc.strerror})")
            return None
        try:
            parsed = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            report(f"file is not valid UTF-8 (byte {exc.start})")
            return None
        except tomllib.TOMLDecodeError as exc:  # its message ends with "(at line L, column C)"
            report(f"TOML syntax error: {exc}")
            return None
        self.contents[file] = parsed
        return parsed

    def _meta(self, data: dict[str, Any]) -> dict[str, Any]:
        report = self._reporter(META_FILE)
        return self._fields(
            report,
            data,
            "",
            {
                "version": (_string, REQUIRED),
                "seed": (self._seeds, REQUIRED),
                "vocabularies": (self._vocabularies, REQUIRED),
            },
        )

    def _seeds(self, report: Report, value: Any, path: str) -> tuple[Seed, ...] | None:
        seeds = self._array(self.seed_table, "list the seed documents")(report, value, path)
        if seeds is None:
            return None
        files = [seed.file for seed in seeds]
        for i, file in enumerate(files):
            if file in files[:i]:
                report(f"{path}[{i}].file '{file}' is listed twice")
        self.seed_files = set(files)
        return seeds

    def _vocabularies(self, report: Report, value: Any, path: str) -> MappingProxyType | None:
        if not _is(report, value, path, dict, "a table"):
            return None
        for name in VOCABULARIES:
            if name not in value:
                report(f"field '{path}.{name}' is missing")
        for name, entries in value.items():
            sub = f"{path}.{name}"
            if name not in VOCABULARIES:
                report(f"unknown field '{sub}'{_hint(name, VOCABULARIES)}")
            elif _is(report, entries, sub, dict, "a table"):
                vocabulary = {}
                for code, label in entries.items():
                    if not CODE_RE.fullmatch(code):
                        report(f"{sub} code '{code}' is malformed {CODE_RULE}")
                    elif (text := self.text(report, label, f"{sub}.{code}")) is not None:
                        vocabulary[code] = text
                self.vocabularies[name] = MappingProxyType(vocabulary)
                self.vocabulary_codes[name] = [c for c in entries if CODE_RE.fullmatch(c)]
        return MappingProxyType(dict(self.vocabularies))

    def _kind_file(self, directory: Path, kind: str) -> tuple[Item, ...]:
        file = f"{kind}.toml"
        data = self._read(directory, file)
        if data is None:
            return ()
        report = self._reporter(file)
        for key in data:
            if key not in ("kind", "item"):
                report(f"unknown top-level key '{key}'{_hint(key, ('kind', 'item'))}")
        if "kind" not in data:
            report(f"top-level 'kind' is missing (expected kind = \"{kind}\")")
        elif data["kind"] != kind:
            report(f"kind = {data['kind']!r} does not match the file name (expected '{kind}')")
        raw_items = data.get("item", [])
        if not isinstance(raw_items, list):
            report(f"'item' must be an array of tables ([[item]]), not {_type_name(raw_items)}")
            return ()
        self.codes[kind] = set()
        first_index: dict[str, int] = {}
        items = []
        for index, raw in enumerate(raw_items, start=1):
            item = self._item(file, kind, index, raw, first_index)
            if item is not None:
                items.append(item)
        return tuple(items)

    def _item(
        self, file: str, kind: str, index: int, raw: Any, first_index: dict[str, int]
    ) -> Item | None:
        code = raw.get("code") if isinstance(raw, dict) else None
        valid = isinstance(code, str) and CODE_RE.fullmatch(code) is not None
        # A duplicate is named by position: its code would not say which of the two is meant.
        named = valid and code not in first_index
        report = self._reporter(file, index, f"item '{code}'" if named else f"item {index}")
        if not isinstance(raw, dict):
            report(f"must be a table, not {_type_name(raw)}")
            return None
        before = len(self.problems)
        if valid:
            if code in first_index:
                report(f"code '{code}' is already used by item {first_index[code]}")
            else:
                first_index[code] = index
                self.codes[kind].add(code)
        values = self._fields(report, raw, "", self.schemas[kind])
        if kind in self.checks:
            self.checks[kind](report, values)
        if len(self.problems) != before:
            return None
        return ITEM_CLASSES[kind](**values)

    def _unexpected_files(self, directory: Path) -> None:
        for path in sorted(directory.glob("*.toml")):
            if path.name not in self.file_order:
                self._reporter(path.name)(
                    "unexpected file (the catalog reads catalog.toml and one file per kind)"
                )

    def load(self, directory: Path) -> Catalog:
        if not directory.is_dir():
            raise CatalogError([f"{directory}: catalog data directory does not exist"])
        meta = self._read(directory, META_FILE)
        values = self._meta(meta) if meta is not None else {}
        items = {kind: self._kind_file(directory, kind) for kind in KINDS}
        self._unexpected_files(directory)
        self._resolve_links()
        if self.problems:
            # Stable sort: each file's problems together, each item's in the order found.
            raise CatalogError(message for _, message in sorted(self.problems, key=lambda p: p[0]))
        return Catalog(
            version=values["version"],
            content_hash=self._content_hash(),
            seeds=values["seed"],
            vocabularies=values["vocabularies"],
            **items,
        )

    def _content_hash(self) -> str:
        """SHA-256 of the data as parsed, file by file in the catalog's order: any change to a
        value, an item or their order changes it; comments and layout do not."""
        digest = hashlib.sha256()
        for file in sorted(self.contents, key=self.file_order.__getitem__):
            digest.update(file.encode() + b"\0")
            # Tables keep their key order (a vocabulary's order is its display order); TOML
            # dates and times, which JSON lacks, are written as their ISO text.
            text = json.dumps(self.contents[file], ensure_ascii=False, default=str)
            digest.update(text.encode() + b"\0")
        return digest.hexdigest()


def _kind_files() -> list[str]:
    return [f"{kind}.toml" for kind in KINDS]


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate a catalog data directory (default: the package's own data).

    Raises CatalogError listing every problem; never anything else for bad data.
    """
    return _Loader().load(Path(path) if path is not None else DATA_DIR)


@functools.cache
def get_catalog() -> Catalog:
    """The package's catalog, loaded once per process: it is read-only, so all share it."""
    return load_catalog()
