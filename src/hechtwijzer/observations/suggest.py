"""Free-text help: which catalog signals a teacher's note seems to describe.

The note and every signal's label and synonyms are reduced to the same search keys as the
knowledge search (accents folded, Dutch lemmas, Snowball stems), so "hij sloeg een klasgenoot
en was woedend" meets the signal whose synonyms include "slaan" and "woedend". A synonym of
several words ("kan niet stilzitten") matches only when all its words occur in the note,
negations included. The
suggestion says which words matched; the teacher decides, nothing is ticked automatically.
No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

from hechtwijzer.catalog import Catalog, Signal
from hechtwijzer.knowledge.search import STOPWORDS, fold, key, words

MAX_SUGGESTIONS = 6
# Negations are kept: "zit niet stil" must not match a note that says "zat stil".
NEGATIONS = frozenset({"niet", "geen", "nooit", "not", "no", "never"})
IGNORED = STOPWORDS - NEGATIONS


@dataclass(frozen=True)
class Suggestion:
    signal: Signal
    matched: tuple[str, ...]  # the note's words that matched, as the teacher wrote them


def _phrases(signal: Signal, lang: str) -> list[tuple[str, ...]]:
    """The keys of each way to say this signal: its label and each synonym."""
    texts = [signal.label.get(lang), *signal.synonyms.get(lang)]
    phrases = []
    for text in texts:
        phrase = tuple(key(w, lang) for w in words(text) if fold(w) not in IGNORED)
        # A phrase must say something beyond a negation ("niet" alone matches nothing).
        if any(fold(k) not in NEGATIONS for k in phrase):
            phrases.append(phrase)
    return phrases


def _find(phrase: tuple[str, ...], tokens: list[tuple[str, str]]) -> list[str]:
    """The note's words that say `phrase`: all its keys close together. A phrase with a
    negation must appear as one run ("zit niet stil" needs "niet" right by "stil", not
    anywhere in the note); others may have two other words in between."""
    negated = any(fold(k) in NEGATIONS for k in phrase)
    width = len(phrase) if negated else len(phrase) + 2
    wanted = set(phrase)
    for start in range(len(tokens)):
        window = tokens[start : start + width]
        if wanted <= {k for k, _w in window}:
            return [w for k, w in window if k in wanted]
    return []


def suggest(note: str, catalog: Catalog, lang: str = "nl") -> list[Suggestion]:
    """Signals the note seems to describe, those with most matching words first."""
    lang = "en" if lang.startswith("en") else "nl"
    tokens = [
        (key(word, lang), word)
        for word in words(note)
        if fold(word) not in IGNORED and len(word) > 1
    ]
    if not tokens:
        return []
    found = []
    for position, signal in enumerate(catalog.signals):
        matched: list[str] = []
        for phrase in _phrases(signal, lang):
            matched += _find(phrase, tokens)
        content = [w for w in dict.fromkeys(matched) if fold(w) not in NEGATIONS]
        if content:
            found.append((-len(content), position, Suggestion(signal, tuple(content))))
    found.sort(key=lambda entry: entry[:2])
    return [suggestion for *_order, suggestion in found[:MAX_SUGGESTIONS]]
