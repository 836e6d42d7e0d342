"""Why a measure is marked recommended: one place for the focus card, its PDF and the pupil
page.

The engine decides which measures are recommended (`engine.profile`, rule
`recommendation_recurring`: signals that are part of an indication or persist on their own).
This turns its answer into what a reader sees: each marked measure with the observed signals
it answers and how often each was seen in the window ("aanbevolen bij: snel boos (4×)"), so a
mark is never a bare claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hechtwijzer.catalog import Signal, get_catalog
from hechtwijzer.engine import Profile


@dataclass(frozen=True)
class Mark:
    """A recommended measure's reasons: (catalog signal, times seen in the window), in the
    catalog's order."""

    signals: tuple[tuple[Signal, int], ...]

    def signal_texts(self, lang: str | None) -> tuple[str, ...]:
        """("snel boos (4×)", "druk (2×)"): plain text; the caller escapes it."""
        return tuple(
            _("%(signal)s (%(count)d×)")
            % {"signal": _lower_first(signal.label.get(lang)), "count": count}
            for signal, count in self.signals
        )

    def signal_list(self, lang: str | None) -> str:
        return ", ".join(self.signal_texts(lang))

    def text(self, lang: str | None) -> str:
        return _("recommended for: %(signals)s") % {"signals": self.signal_list(lang)}


def _lower_first(label: str) -> str:
    """A label inside a sentence: "snel boos", but "ADHD" stays as it is."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def recommendation_marks(profile: Profile) -> dict[str, Mark]:
    """Measure code -> its mark, for every measure the profile recommends."""
    catalog = get_catalog()
    counts = {s.code: s.count for s in profile.signals}
    return {
        r.code: Mark(tuple((catalog.get("signals", c), counts[c]) for c in r.addresses))
        for r in profile.recommended_measures
    }
