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
counts more), weighted by how rare the word is in the catalog. No Django here: the index is
plain data, built once per catalog.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

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

    def search(self, query: str, lang: str = "nl", limit: int = 50) -> list[Hit]:
        """Items matching the query, best first. Reader's language `lang` counts more."""
        lang = "en" if lang.startswith("en") else "nl"
        query_words = [w for w in words(query) if len(w) >= 2 and fold(w) not in STOPWORDS][
            :MAX_QUERY_WORDS
        ]
        if not query_words:
            return []
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, int] = defaultdict(int)
        hit_keys: dict[str, set[tuple[str, str]]] = defaultdict(set)
        prefixes = tuple(fold(w) for w in query_words if len(w) >= MIN_PREFIX)
        for word in query_words:
            best: dict[str, tuple[float, set[tuple[str, str]]]] = {}
            for qlang in LANGUAGES:
                factor = 1.0 if qlang == lang else OTHER_LANGUAGE_WEIGHT
                exact = key(word, qlang)
                candidates = {(qlang, exact): 1.0}
                if len(word) >= MIN_PREFIX:
                    for k in self._prefix_keys(fold(word), exact, qlang):
                        candidates.setdefault((qlang, k), PREFIX_WEIGHT)
                for lang_key, match_weight in candidates.items():
                    postings = self._postings.get(lang_key, ())
                    # Rarer words say more: "slaan" outweighs "kind" in a catalog about children.
                    rarity = 1.0 + math.log(len(self._entries) / (1 + len(postings)))
                    for ref in postings:
                        weight = (
                            self._entries[ref].weights[lang_key] * match_weight * factor * rarity
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
        query_keys = {lang_: {key(w, lang_) for w in query_words} for lang_ in LANGUAGES}
        for ref in scores:
            labels = self._entries[ref].label_keys
            if any(labels[lang_] and labels[lang_] == query_keys[lang_] for lang_ in LANGUAGES):
                scores[ref] *= 1.5
        ranked = sorted(
            scores, key=lambda ref: (-matched[ref], -scores[ref], self._entries[ref].position)
        )
        return [
            Hit(
                item=self._entries[ref].item,
                score=round(scores[ref], 3),
                matched_words=matched[ref],
                keys=frozenset(hit_keys[ref]),
                prefixes=prefixes,
            )
            for ref in ranked[:limit]
        ]

    def _prefix_keys(self, folded: str, exact: str, lang: str) -> set[str]:
        found = set()
        for vocab_word, keys in self._vocabulary[lang].items():
            if vocab_word.startswith(folded) or vocab_word.startswith(exact):
                found |= keys
        return found


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
