"""The catalog as immutable typed objects.

Everything here is frozen and built from tuples, so one loaded catalog can be shared by every
request and thread without copying. Field names match the TOML keys of docs/catalog-format.md,
which keeps the loader, the export and the format document easy to compare.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar

# Display order of the kinds; also the file stems and the export's top-level keys.
KINDS: tuple[str, ...] = (
    "signals",
    "patterns",
    "disorders",
    "risk_factors",
    "protective_factors",
    "rules",
    "measures",
    "referrals",
    "topics",
)


@dataclass(frozen=True)
class Text:
    """A short or long text in Dutch (the product's default language) and English."""

    nl: str
    en: str

    def get(self, lang: str | None) -> str:
        """The text for a language code such as "en" or "en-gb"; Dutch for any other code
        (Django's get_language() may also give None)."""
        if (lang or "").lower().startswith("en") and self.en:
            return self.en
        return self.nl


@dataclass(frozen=True)
class Terms:
    """Word lists per language (synonyms, other names); either list may be empty."""

    nl: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def get(self, lang: str | None) -> tuple[str, ...]:
        """The words for a language code; Dutch for any code other than English."""
        return self.en if (lang or "").lower().startswith("en") else self.nl


@dataclass(frozen=True)
class Source:
    """Where a statement comes from: a seed file (with its section heading) or a reference."""

    seed: str | None = None
    section: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Link:
    """A link to another item, with the source that supports it and the maintainers' reason."""

    code: str
    source: Source
    why: str


@dataclass(frozen=True)
class Prevalence:
    value: str
    population: Text
    source: Source


@dataclass(frozen=True)
class Caution:
    code: str
    text: Text
    source: Source


@dataclass(frozen=True)
class Section:
    heading: Text
    body: Text


@dataclass(frozen=True)
class Figure:
    value: str
    text: Text
    source: Source


@dataclass(frozen=True)
class Seed:
    """One source document listed in catalog.toml."""

    file: str
    title: str
    author: str = ""
    publisher: str = ""
    year: str = ""
    language: str = ""


@dataclass(frozen=True, kw_only=True)
class Item:
    """The fields every catalog item has; subclasses add their kind's own fields."""

    kind: ClassVar[str]
    # Fields that link to other items, and the kind they link to.
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType({})

    code: str
    label: Text
    description: Text
    sources: tuple[Source, ...]
    see_also: tuple[str, ...] = ()  # "<kind>/<code>"

    @property
    def ref(self) -> str:
        """The "<kind>/<code>" reference used in see_also and in the knowledge URLs."""
        return f"{self.kind}/{self.code}"

    def links(self) -> Iterator[tuple[str, str, str]]:
        """Every outgoing link as (field, target kind, target code), see_also included."""
        for name, target in self.LINKS.items():
            value = getattr(self, name)
            if isinstance(value, Link):  # a single link, such as a tip's `matches`
                value = (value,)
            for link in value or ():
                yield name, target, link.code
        for ref in self.see_also:
            kind, code = ref.split("/", 1)
            yield "see_also", kind, code

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every user-facing text as (field path, text): what a reader of the product sees.

        Sources, link reasons and category notes are left out: they are headings of the seeds
        or notes for maintainers, not the product's own prose.
        """
        yield from _texts(self, "")


def _texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Text | Terms):
        for lang in ("nl", "en"):
            words = getattr(value, lang)
            if isinstance(words, str):
                yield f"{path}.{lang}", words
            else:
                for i, word in enumerate(words):
                    yield f"{path}.{lang}[{i}]", word
    elif isinstance(value, tuple):
        for i, element in enumerate(value):
            yield from _texts(element, f"{path}[{i}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, Source | Link):
        for field in dataclasses.fields(value):
            sub = f"{path}.{field.name}" if path else field.name
            yield from _texts(getattr(value, field.name), sub)


@dataclass(frozen=True, kw_only=True)
class Signal(Item):
    kind: ClassVar[str] = "signals"
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType({"patterns": "patterns"})

    group: str
    patterns: tuple[Link, ...]
    synonyms: Terms = Terms()

    @property
    def pattern_codes(self) -> tuple[str, ...]:
        return tuple(link.code for link in self.patterns)


@dataclass(frozen=True, kw_only=True)
class Pattern(Item):
    kind: ClassVar[str] = "patterns"

    type: str  # "pattern" or "type"
    also_called: Terms = Terms()
    child_behaviour: Text | None = None
    origin: Text | None = None
    adult_pattern: Text | None = None
    later_risks: Text | None = None
    prevalence: tuple[Prevalence, ...] = ()
    cautions: tuple[Caution, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Disorder(Item):
    kind: ClassVar[str] = "disorders"
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType({"patterns": "patterns"})

    classification: str
    features: tuple[Text, ...] = ()
    patterns: tuple[Link, ...] = ()
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class RiskFactor(Item):
    kind: ClassVar[str] = "risk_factors"
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType({"explains": "patterns"})

    level: str
    safeguarding: bool = False
    # False: knowledge only, never recorded about a pupil (data minimisation; the format doc).
    recordable: bool = True
    # Patterns or types whose picture this factor, once recorded, may explain otherwise
    # (autism resembles the inhibited picture) or whose required care history it is.
    explains: tuple[Link, ...] = ()
    synonyms: Terms = Terms()

    @property
    def explains_codes(self) -> tuple[str, ...]:
        return tuple(link.code for link in self.explains)


@dataclass(frozen=True, kw_only=True)
class ProtectiveFactor(Item):
    kind: ClassVar[str] = "protective_factors"

    level: str
    recordable: bool = True
    synonyms: Terms = Terms()


# Effects of the weighting rules for risk and protection; the other effects belong to the
# engine's rules (indications, recommendations, the safeguarding levels).
WEIGHING_EFFECTS: tuple[str, ...] = ("heaviest", "can_offset", "cannot_offset", "indirect")
ENGINE_EFFECTS: tuple[str, ...] = ("indication", "recommendation", "consult_now", "map_signals")
THRESHOLD_NAMES: tuple[str, ...] = ("min_signals", "min_specific", "min_days", "min_span_days")


@dataclass(frozen=True, kw_only=True)
class Rule(Item):
    kind: ClassVar[str] = "rules"
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"signals": "signals", "patterns": "patterns"}
    )

    effect: str
    risk_level: str | None = None  # required for the weighing effects, absent otherwise
    protective_level: str | None = None
    condition: Text | None = None
    # The engine rules' numbers, as (name, value) pairs in the file's order: a tuple keeps the
    # frozen item hashable. See `threshold`.
    thresholds: tuple[tuple[str, int], ...] = ()
    signals: tuple[Link, ...] = ()  # the signals an engine rule looks at
    patterns: tuple[Link, ...] = ()  # the patterns or types an engine rule looks at

    def threshold(self, name: str, default: int) -> int:
        return dict(self.thresholds).get(name, default)

    @property
    def signal_codes(self) -> tuple[str, ...]:
        return tuple(link.code for link in self.signals)

    @property
    def pattern_codes(self) -> tuple[str, ...]:
        return tuple(link.code for link in self.patterns)


@dataclass(frozen=True, kw_only=True)
class Measure(Item):
    kind: ClassVar[str] = "measures"
    LINKS: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"addresses": "signals", "matches": "measures"}
    )

    type: str  # "card", "tip" or "attitude"
    number: int | None = None
    category: str | None = None
    redicodis: str | None = None
    category_why: str | None = None
    addresses: tuple[Link, ...] = ()
    matches: Link | None = None
    how_to: Text | None = None  # one line of what to do, where the description's first isn't

    @cached_property
    def signal_codes(self) -> tuple[str, ...]:
        # Cached: the engine asks this for every measure and observed signal of every profile.
        return tuple(link.code for link in self.addresses)

    @property
    def number_label(self) -> str:
        """How the measure is numbered wherever it is shown: "7" for card measure 7, "T7" for
        teacher tip 7, "" for an attitude. Tips and card measures are numbered apart (both
        from 1), so a tip's number never stands bare: "7" always means the card's row 7."""
        if self.number is None or self.type not in ("card", "tip"):
            return ""
        return f"T{self.number}" if self.type == "tip" else str(self.number)

    @cached_property
    def how_to_line(self) -> Text:
        """One line of how-to, for lists that have no room for the whole description: the
        item's own `how_to` where the data gives one, else the description's first sentence
        (most descriptions open with the instruction)."""
        if self.how_to is not None:
            return self.how_to
        return Text(nl=first_sentence(self.description.nl), en=first_sentence(self.description.en))


# A sentence ends at . ! or ? (after a closing quote or bracket, if any) followed by white space
# and a capital, a quote or a bracket; "bijv. de" or "o.a. een" does not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])(['\"”’)]?)\s+(?=[A-Z'‘\"“(])")


def first_sentence(text: str) -> str:
    """The first sentence of a text's first paragraph."""
    paragraph = text.strip().split("\n\n", 1)[0]
    match = _SENTENCE_END.search(paragraph)
    return " ".join((paragraph[: match.end(1)] if match else paragraph).split())


@dataclass(frozen=True, kw_only=True)
class Referral(Item):
    kind: ClassVar[str] = "referrals"

    type: str  # "role", "treatment" or "early_signs"
    min_age: int | None = None
    max_age: int | None = None
    stage: str | None = None
    signs: tuple[Text, ...] = ()
    provider: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Topic(Item):
    kind: ClassVar[str] = "topics"

    theme: str
    sections: tuple[Section, ...] = ()
    figures: tuple[Figure, ...] = ()


ITEM_CLASSES: Mapping[str, type[Item]] = MappingProxyType(
    {
        cls.kind: cls
        for cls in (
            Signal,
            Pattern,
            Disorder,
            RiskFactor,
            ProtectiveFactor,
            Rule,
            Measure,
            Referral,
            Topic,
        )
    }
)


# eq=False: two loads of the same data are different catalogs; identity is what matters.
@dataclass(frozen=True, eq=False, kw_only=True)
class Catalog:
    """The whole catalog: version, seeds, vocabularies and the items of each kind, in order.

    `version` is the maintainers' name for a release of the data (catalog.toml); the loader
    adds `content_hash`, the SHA-256 of the data as parsed, which changes with any edit even
    when nobody raised the version. `version_tag` joins the two: what a focus card's snapshot
    records as "the catalog it was based on" (docs/catalog-format.md).
    """

    version: str
    content_hash: str = ""  # "" for a catalog built in code rather than loaded
    seeds: tuple[Seed, ...]
    # vocabulary name (e.g. "signal_groups") -> code -> label
    vocabularies: Mapping[str, Mapping[str, Text]]
    signals: tuple[Signal, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    disorders: tuple[Disorder, ...] = ()
    risk_factors: tuple[RiskFactor, ...] = ()
    protective_factors: tuple[ProtectiveFactor, ...] = ()
    rules: tuple[Rule, ...] = ()
    measures: tuple[Measure, ...] = ()
    referrals: tuple[Referral, ...] = ()
    topics: tuple[Topic, ...] = ()

    @property
    def version_tag(self) -> str:
        """The version and the first 12 hex digits of the content hash, "2026.1+1a2b3c4d5e6f"
        (the version alone for a catalog without a hash)."""
        return f"{self.version}+{self.content_hash[:12]}" if self.content_hash else self.version

    def items(self, kind: str) -> tuple[Item, ...]:
        """The items of one kind, in display order."""
        if kind not in KINDS:
            raise KeyError(f"unknown catalog kind {kind!r}")
        return getattr(self, kind)

    def all_items(self) -> Iterator[Item]:
        for kind in KINDS:
            yield from self.items(kind)

    @cached_property
    def by_code(self) -> Mapping[str, Mapping[str, Item]]:
        """kind -> code -> item, for lookups and membership tests."""
        return MappingProxyType(
            {kind: MappingProxyType({i.code: i for i in self.items(kind)}) for kind in KINDS}
        )

    def get(self, kind: str, code: str) -> Item:
        """One item; KeyError naming the kind and code when there is no such item."""
        try:
            return self.by_code[kind][code]
        except KeyError:
            raise KeyError(f"no catalog item {kind}/{code}") from None

    def rule(self, code: str) -> Rule | None:
        """A rule by code, or None when this catalog has no such rule."""
        item = self.by_code["rules"].get(code)
        return item if isinstance(item, Rule) else None

    def seed(self, file: str) -> Seed:
        """The seed document a source names (KeyError if it is not listed)."""
        for seed in self.seeds:
            if seed.file == file:
                return seed
        raise KeyError(f"no seed {file!r}")

    @cached_property
    def _backlinks(self) -> Mapping[tuple[str, str], tuple[tuple[Item, str], ...]]:
        index: defaultdict[tuple[str, str], list[tuple[Item, str]]] = defaultdict(list)
        for item in self.all_items():
            for field, kind, code in item.links():
                index[kind, code].append((item, field))
        return MappingProxyType({key: tuple(value) for key, value in index.items()})

    @cached_property
    def _linked_memo(self) -> dict[tuple[str, str, str | None], tuple[Item, ...]]:
        return {}

    def linked_from(self, kind: str, code: str, field: str | None = None) -> tuple[Item, ...]:
        """The items linking to kind/code (through `field` only, if given), in catalog order.

        Remembered per question: the catalog never changes, and the engine asks the same ones
        for every profile (bench/, BENCHMARKS.md). Duplicates are dropped by identity, since
        hashing a frozen item hashes every field of it.
        """
        key = (kind, code, field)
        memo = self._linked_memo
        if key not in memo:
            unique: dict[int, Item] = {}
            for item, through in self._backlinks.get((kind, code), ()):
                if field is None or through == field:
                    unique.setdefault(id(item), item)
            memo[key] = tuple(unique.values())
        return memo[key]

    def signals_for_pattern(self, code: str) -> tuple[Signal, ...]:
        """The signals a source describes under this pattern or type."""
        found = self.linked_from("patterns", code, "patterns")
        return tuple(i for i in found if isinstance(i, Signal))

    def disorders_for_pattern(self, code: str) -> tuple[Disorder, ...]:
        found = self.linked_from("patterns", code, "patterns")
        return tuple(i for i in found if isinstance(i, Disorder))

    def measures_for_signal(self, code: str) -> tuple[Measure, ...]:
        """The measures that answer this signal."""
        found = self.linked_from("signals", code, "addresses")
        return tuple(i for i in found if isinstance(i, Measure))

    def tips_for_measure(self, code: str) -> tuple[Measure, ...]:
        """The teacher tips that duplicate this card measure."""
        found = self.linked_from("measures", code, "matches")
        return tuple(i for i in found if isinstance(i, Measure))
