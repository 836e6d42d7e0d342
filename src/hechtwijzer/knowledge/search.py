"""Forgiving search over the knowledge catalog, in Dutch and English.

A Dutch teacher types "faalangstig", "boosheid" or "kinderen" and expects the pages about
faalangst, boos and kind. Every word, in the catalog and in the query, is reduced to a key:

1. folded: lower case, accents removed ("coördinator" → "coordinator");
2. lemmatised with simplemma, which knows irregular forms ("kinderen" → "kind",
   "sloeg" → "slaan", "drukke" → "druk");
3. stemmed with the Snowball stemmer, which evens out derivations simplemma leaves alone
   ("faalangstig" → "faalangst", "boosheid" → "boos", "hechting"/"gehecht" → "hecht").

A query word also matches, with less weight, catalog words that begin with it, so "hechting"
finds "hechtingsproblemen" and "concentratie" finds "concentratieproblemen" (Dutch writes
compounds as one word). Results are ranked: first by how many query words they match, then by
where (title, other names, description, the rest) and in which language (the reader's own
counts more), weighted by how rare the word is in the catalog.

A query word the catalog does not know at all is not given up on (`SearchIndex.understand`):

- a misspelling is corrected to the nearest word of the catalog's own vocabulary, within one
  edit for words of five to seven letters and two for longer ones ("agresief" → "agressief",
  "terugetrokken" → "teruggetrokken", "hechtingstoornis" → "hechtingsstoornis"); the page
  then says which word it searched for ("did you mean");
- a compound the catalog never writes is split into parts it does know, with or without the
  Dutch linking -s- ("woedeaanval" → "woede" + "aanval", "invaljuf" → "inval" + "juf");
- a few everyday school words also search for the catalog's word ("juf" → "leerkracht").

`SearchIndex.find` adds a relevance cut-off for the page: a vague query ("ouders") shows the few
best items, not fifty loosely related ones. No Django here: the index is plain data, built once
per catalog.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import islice, takewhile

import simplemma
import snowballstemmer

from hechtwijzer.catalog import Catalog, Item, Terms

LANGUAGES = ("nl", "en")
WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 4  # shorter query words only match whole words: "en" must not find "energie"
MAX_QUERY_WORDS = 12

# How much a match counts, by where it is found.
FIELD_WEIGHTS = {"label": 6.0, "terms": 4.0, "description": 2.0, "other": 1.0}
OTHER_LANGUAGE_WEIGHT = 0.4
PREFIX_WEIGHT = 0.5
# A word the reader did not type counts a little less than one they did.
CORRECTION_WEIGHT = 0.9
COMPOUND_PART_WEIGHT = 0.9
SCHOOL_WORD_WEIGHT = 0.7

MIN_CORRECTION_LENGTH = 5  # "kind" → "kid" is not a typing error worth correcting
MIN_COMPOUND_LENGTH = 7
MIN_PART_LENGTH = 3

# The page's cut-off: an item is shown when it matches as many query words as the best one and
# scores at least this share of the best score; at most SHOWN_RESULTS of them (the reader can
# ask for all).
RELEVANCE_SHARE = 0.3
SHOWN_RESULTS = 10

# Everyday words a teacher types for which the catalog uses another word. Only words the catalog
# does not use itself in this sense; each also keeps its own matches.
SCHOOL_WORDS = {
    "nl": {
        "juf": ("leerkracht",),
        "juffrouw": ("leerkracht",),
        "meester": ("leerkracht",),
        "meneer": ("leerkracht",),
        "klasgenoot": ("kinderen", "leeftijdgenoten"),
        "klasgenoten": ("kinderen", "leeftijdgenoten"),
        # The catalog writes "invaller"; schools say it in many ways (Flemish: interimaris).
        "invaljuf": ("invaller",),
        "invalmeester": ("invaller",),
        "invalkracht": ("invaller",),
        "invalleerkracht": ("invaller",),
        "vervanger": ("invaller",),
        "interimaris": ("invaller",),
        "woedeaanval": ("driftbui", "woede"),
        "woedeuitbarsting": ("driftbui", "woede"),
    },
    "en": {
        "teacher's": ("teacher",),
        "classmates": ("peers",),
        "classmate": ("peers",),
    },
}

# Words too common to mean anything in a query ("kinderen die slaan" is about kinderen and slaan).
_STOPWORD_TEXT = """
de het een en of van in op te die dat dit deze is zijn was met voor aan er niet als bij ook dan
maar naar om uit tot door over wat wie hoe wel nog al zo hun hij zij ze je jij u ik we wij mijn
zich heeft hebben wordt worden kan kunnen moet veel erg
the a an and or of to in on at by for with is are was be been it its this that these those as
from not no but if so do does what who how can
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_STEMMERS = {"nl": snowballstemmer.stemmer("dutch"), "en": snowballstemmer.stemmer("english")}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def key(word: str, lang: str) -> str:
    """The search key of one word in one language (see the module docstring)."""
    lemma = simplemma.lemmatize(word.lower(), lang=lang).replace("_", "")
    return _STEMMERS[lang].stemWord(fold(lemma))


def words(text: str) -> list[str]:
    return WORD.findall(text)


@dataclass
class _Entry:
    item: Item
    position: int  # place in the catalog (kind order, then item order), the last tie-breaker
    label_keys: dict[str, frozenset[str]] = field(default_factory=dict)  # per language
    # (language, key) -> best field weight at which the key occurs in this item
    weights: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryWord:
    """One word of the query as typed, and the words searched for in its place."""

    typed: str
    # (word, weight): the typed word itself, a spelling correction, the parts of a compound, or
    # a school word's catalog word
    searched: tuple[tuple[str, float], ...]
    corrected_to: str = ""  # set when the typed word was replaced by a spelling correction

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for word, _weight in self.searched)


@dataclass(frozen=True)
class Results:
    """What the search page shows: the best few hits, how many there are, and what was searched."""

    best: list[Hit]
    total: int
    query: tuple[QueryWord, ...]

    @property
    def suggestion(self) -> str:
        """The query with its spelling corrections, or "" when nothing was corrected."""
        if not any(word.corrected_to for word in self.query):
            return ""
        return " ".join(word.corrected_to or word.typed for word in self.query)


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float
    matched_words: int  # how many of the query's words this item matches
    keys: frozenset[tuple[str, str]]  # (language, key) pairs that matched, for highlighting
    prefixes: tuple[str, ...]  # folded query words used as prefixes


class SearchIndex:
    """An inverted index from (language, key) to items, with field weights."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._entries: dict[str, _Entry] = {}
        self._postings: dict[tuple[str, str], set[str]] = defaultdict(set)
        # folded word -> keys, per language, for prefix matching on whole words
        self._vocabulary: dict[str, dict[str, set[str]]] = {
            lang: defaultdict(set) for lang in LANGUAGES
        }
        for position, item in enumerate(catalog.all_items()):
            entry = _Entry(item, position)
            for lang in LANGUAGES:
                entry.label_keys[lang] = frozenset(
                    key(w, lang) for w in words(item.label.get(lang)) if fold(w) not in STOPWORDS
                )
            self._entries[item.ref] = entry
            for lang in LANGUAGES:
                for weight, text in _fields(item, lang):
                    for word in words(text):
                        k = key(word, lang)
                        self._vocabulary[lang][fold(word)].add(k)
                        if entry.weights.get((lang, k), 0.0) < weight:
                            entry.weights[(lang, k)] = weight
                        self._postings[(lang, k)].add(item.ref)

    @cached_property
    def _near(self) -> dict[str, dict[str, set[str]]]:
        """For spelling correction ("symmetric delete"): every vocabulary word, and every form
        of it with one letter left out, points to the word; a typed word's own forms with one
        or two letters left out then meet its neighbours without comparing it to every word.
        Built on the first misspelling, not with the index: it doubles the index's build time
        and memory (about 0.4 s and 11 MB), which most processes (tests, commands) never need;
        the server builds it once before forking its workers (`prepare_spelling`)."""
        near: dict[str, dict[str, set[str]]] = {lang: defaultdict(set) for lang in LANGUAGES}
        for lang in LANGUAGES:
            for word in self._vocabulary[lang]:
                if len(word) >= MIN_CORRECTION_LENGTH - 1 and word.isalpha():
                    for variant in _deletes(word) | {word}:
                        near[lang][variant].add(word)
        return near

    def prepare_spelling(self) -> None:
        """Build the spelling-correction table now instead of on the first misspelling:
        `hechtwijzer serve` does it in the master process, so that its workers share one copy."""
        self._near  # noqa: B018  (cached properties: computing them is the point)
        self._sorted_vocabulary  # noqa: B018

    # --- understanding the query --------------------------------------------------------------

    def understand(self, query: str, lang: str = "nl") -> tuple[QueryWord, ...]:
        """The query's words, each with what is searched for in its place (module docstring)."""
        lang = _language(lang)
        understood: list[QueryWord] = []
        for word in _query_words(query):
            school_words = SCHOOL_WORDS[lang].get(fold(word), ())
            if self._knows(word) or school_words:
                searched = ((word, 1.0), *((w, SCHOOL_WORD_WEIGHT) for w in school_words))
                understood.append(QueryWord(word, searched))
                continue
            correction = self._correction(word, lang)
            if correction:
                understood.append(
                    QueryWord(word, ((correction, CORRECTION_WEIGHT),), corrected_to=correction)
                )
                continue
            parts = self._compound_parts(word)
            if parts:
                understood.extend(
                    QueryWord(part, ((part, COMPOUND_PART_WEIGHT),)) for part in parts
                )
                continue
            understood.append(QueryWord(word, ((word, 1.0),)))
        return tuple(understood)

    def _knows(self, word: str) -> bool:
        """Whether the word, or a word it begins, occurs in the catalog in any language."""
        for lang in LANGUAGES:
            exact = key(word, lang)
            if (lang, exact) in self._postings:
                return True
            if len(word) >= MIN_PREFIX and self._prefix_keys(fold(word), exact, lang):
                return True
        return False

    def _correction(self, word: str, lang: str) -> str:
        """The nearest vocabulary word within the allowed edits, reader's language first."""
        folded = fold(word)
        if len(folded) < MIN_CORRECTION_LENGTH or not folded.isalpha():
            return ""
        allowed = 1 if len(folded) <= 7 else 2
        variants = _deletes(folded) | {folded}
        if allowed == 2:
            variants |= {v for once in _deletes(folded) for v in _deletes(once)}
        for search_lang in (lang, *(other for other in LANGUAGES if other != lang)):
            near = self._near[search_lang]
            candidates = {w for variant in variants for w in near.get(variant, ())}
            scored = []
            for candidate in candidates:
                distance = edit_distance(folded, candidate)
                if distance <= allowed:
                    postings = len(
                        self._postings.get((search_lang, key(candidate, search_lang)), ())
                    )
                    scored.append((distance, -postings, candidate))
            if scored:
                return min(scored)[2]
        return ""

    def _compound_parts(self, word: str) -> tuple[str, ...]:
        """Two parts the catalog knows, longest first part first; "" parts are left out.

        Dutch joins compounds with a linking -s- ("hechtings|stoornis"): a second part that starts
        with an s the catalog does not know is tried without it.
        """
        folded = fold(word)
        if len(folded) < MIN_COMPOUND_LENGTH or not folded.isalpha():
            return ()
        for cut in range(len(folded) - MIN_PART_LENGTH, MIN_PART_LENGTH - 1, -1):
            head, tail = folded[:cut], folded[cut:]
            if not self._knows_part(head):
                continue
            if self._knows_part(tail):
                return (head, tail)
            if tail.startswith("s") and len(tail) > MIN_PART_LENGTH and self._knows_part(tail[1:]):
                return (head, tail[1:])
        return ()

    def _knows_part(self, part: str) -> bool:
        # A short part must be a whole word ("juf"); a longer one may begin a word ("inval").
        if len(part) < MIN_PREFIX:
            return any(part in self._vocabulary[lang] for lang in LANGUAGES)
        return self._knows(part)

    # --- searching ----------------------------------------------------------------------------

    def find(self, query: str, lang: str = "nl", *, everything: bool = False) -> Results:
        """The search page's results: the relevant few (or all when `everything`)."""
        understood = self.understand(query, lang)
        hits = self._ranked(understood, lang, limit=None)
        best = hits if everything else relevant(hits)
        return Results(best=best, total=len(hits), query=understood)

    def search(self, query: str, lang: str = "nl", limit: int = 50) -> list[Hit]:
        """Items matching the query, best first. Reader's language `lang` counts more."""
        return self._ranked(self.understand(query, lang), lang, limit=limit)

    def _ranked(self, understood: tuple[QueryWord, ...], lang: str, limit: int | None) -> list[Hit]:
        lang = _language(lang)
        if not understood:
            return []
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, int] = defaultdict(int)
        hit_keys: dict[str, set[tuple[str, str]]] = defaultdict(set)
        searched = [word for query_word in understood for word in query_word.words]
        prefixes = tuple(fold(w) for w in searched if len(w) >= MIN_PREFIX)
        for query_word in understood:
            # An item counts once per query word: with the best of the words searched for it.
            best: dict[str, tuple[float, set[tuple[str, str]]]] = {}
            for word, word_weight in query_word.searched:
                for qlang in LANGUAGES:
                    factor = word_weight * (1.0 if qlang == lang else OTHER_LANGUAGE_WEIGHT)
                    exact = key(word, qlang)
                    candidates = {(qlang, exact): 1.0}
                    if len(word) >= MIN_PREFIX:
                        for k in self._prefix_keys(fold(word), exact, qlang):
                            candidates.setdefault((qlang, k), PREFIX_WEIGHT)
                    for lang_key, match_weight in candidates.items():
                        postings = self._postings.get(lang_key, ())
                        # Rarer words say more: "slaan" outweighs "kind" in a catalog about
                        # children.
                        rarity = 1.0 + math.log(len(self._entries) / (1 + len(postings)))
                        for ref in postings:
                            weight = (
                                self._entries[ref].weights[lang_key]
                                * match_weight
                                * factor
                                * rarity
                            )
                            current = best.get(ref)
                            if current is None or weight > current[0]:
                                best[ref] = (weight, {lang_key})
                            elif weight == current[0]:
                                current[1].add(lang_key)
            for ref, (weight, keys) in best.items():
                scores[ref] += weight
                matched[ref] += 1
                hit_keys[ref] |= keys
        # A title that says exactly what was asked for ("hechting" → "Wat is hechting?") wins.
        primary = [query_word.searched[0][0] for query_word in understood]
        query_keys = {lang_: {key(w, lang_) for w in primary} for lang_ in LANGUAGES}
        for ref in scores:
            labels = self._entries[ref].label_keys
            if any(labels[lang_] and labels[lang_] == query_keys[lang_] for lang_ in LANGUAGES):
                scores[ref] *= 1.5
        ranked = sorted(
            scores, key=lambda ref: (-matched[ref], -scores[ref], self._entries[ref].position)
        )
        if limit is not None:
            ranked = ranked[:limit]
        return [
            Hit(
                item=self._entries[ref].item,
                score=round(scores[ref], 3),
                matched_words=matched[ref],
                keys=frozenset(hit_keys[ref]),
                prefixes=prefixes,
            )
            for ref in ranked
        ]

    @cached_property
    def _sorted_vocabulary(self) -> dict[str, tuple[str, ...]]:
        return {lang: tuple(sorted(self._vocabulary[lang])) for lang in LANGUAGES}

    def _prefix_keys(self, folded: str, exact: str, lang: str) -> set[str]:
        """The keys of the vocabulary words that begin with either prefix. The words that share
        a prefix stand together in the sorted vocabulary, so this touches only them: a loop over
        every word would also write every word's reference count, which makes each server worker
        copy the vocabulary's pages it shares with the master (BENCHMARKS.md, "Memory per
        worker")."""
        found: set[str] = set()
        vocabulary, ordered = self._vocabulary[lang], self._sorted_vocabulary[lang]
        for prefix in {folded, exact}:
            following = islice(ordered, bisect_left(ordered, prefix), None)
            for word in takewhile(lambda word, prefix=prefix: word.startswith(prefix), following):
                found |= vocabulary[word]
        return found


def relevant(hits: list[Hit]) -> list[Hit]:
    """The hits worth showing: those matching as many query words as the best, scoring at least
    RELEVANCE_SHARE of the best score, at most SHOWN_RESULTS. `hits` must be ranked."""
    if not hits:
        return []
    top = hits[0]
    return [
        hit
        for hit in hits
        if hit.matched_words == top.matched_words and hit.score >= RELEVANCE_SHARE * top.score
    ][:SHOWN_RESULTS]


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbouring letters each count one ("agresief" → "agressief" is one)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _language(lang: str) -> str:
    return "en" if lang.startswith("en") else "nl"


def _query_words(query: str) -> list[str]:
    return [w for w in words(query) if len(w) >= 2 and fold(w) not in STOPWORDS][:MAX_QUERY_WORDS]


def _fields(item: Item, lang: str):
    """(weight, text) for every text of an item in one language."""
    yield FIELD_WEIGHTS["label"], item.label.get(lang)
    yield FIELD_WEIGHTS["description"], item.description.get(lang)
    for path, text in item.texts():
        if not path.endswith(f".{lang}") and f".{lang}[" not in path:
            continue
        top = path.split(".", 1)[0].split("[", 1)[0]
        if top in ("label", "description"):
            continue
        is_terms = isinstance(getattr(item, top, None), Terms)
        yield FIELD_WEIGHTS["terms" if is_terms else "other"], text


@cache
def index_for(catalog: Catalog) -> SearchIndex:
    """The index of a catalog, built once per process (the catalog is immutable)."""
    return SearchIndex(catalog)


# --- highlighting ------------------------------------------------------------------------------


def highlight(text: str, hit: Hit, lang: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_match) segments; the template escapes and marks them."""
    lang = "en" if lang.startswith("en") else "nl"
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group()
        if _is_match(word, hit, lang):
            if match.start() > position:
                segments.append((text[position : match.start()], False))
            segments.append((word, True))
            position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


@lru_cache(maxsize=100_000)
def _word_keys(word: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A word's folded form and its search key in every language, worked out once per process:
    highlighting asks this for every word of every result's texts, and the words repeat."""
    return fold(word), tuple((lang, key(word, lang)) for lang in LANGUAGES)


def _is_match(word: str, hit: Hit, lang: str) -> bool:
    folded, keys = _word_keys(word)
    if any(pair in hit.keys for pair in keys):
        return True
    return any(folded.startswith(prefix) for prefix in hit.prefixes)


def snippet(hit: Hit, lang: str, width: int = 28) -> list[tuple[str, bool]]:
    """A short highlighted excerpt: the item's text with the most matches, around the first."""
    best_text, best_count = "", -1
    candidates = [hit.item.description.get(lang)]
    candidates += [text for path, text in hit.item.texts() if path.endswith(f".{lang}")]
    # An item's texts repeat their words: decide each distinct word once for this hit.
    decided: dict[str, bool] = {}

    def is_match(word: str) -> bool:
        if word not in decided:
            decided[word] = _is_match(word, hit, lang)
        return decided[word]

    for text in candidates:
        count = sum(1 for word in words(text) if is_match(word))
        if count > best_count:
            best_text, best_count = text, count
    tokens = best_text.split()
    first = next(
        (i for i, token in enumerate(tokens) if any(is_match(w) for w in words(token))),
        0,
    )
    start = max(0, first - width // 3)
    excerpt = " ".join(tokens[start : start + width])
    if start > 0:
        excerpt = "… " + excerpt
    if start + width < len(tokens):
        excerpt += " …"
    return highlight(excerpt, hit, lang)
