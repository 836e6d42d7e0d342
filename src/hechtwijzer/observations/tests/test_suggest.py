"""Free-text help: the signals a note seems to describe, with the words that matched."""

import pytest

from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.suggest import suggest


def codes(note, lang="nl"):
    return [s.signal.code for s in suggest(note, get_catalog(), lang)]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Hij sloeg een klasgenoot en was woedend", "quick_anger"),
        ("Ze kan niet stilzitten en loopt steeds door de klas", "restless_chaotic"),
        ("bang om fouten te maken, erg faalangstig vandaag", "fear_of_failure"),
        ("He hit a classmate and was furious", "quick_anger"),
    ],
)
def test_it_suggests_the_signal_a_note_describes(note, expected):
    lang = "en" if note.startswith("He ") else "nl"
    assert codes(note, lang)[0] == expected


def test_it_says_which_words_matched():
    first = suggest("Hij sloeg een klasgenoot en was woedend", get_catalog())[0]
    assert set(first.matched) == {"sloeg", "woedend"}


def test_a_negation_must_stand_by_its_word():
    # "zit niet stil" (restless) is not what "zat stil ... huilde niet" says.
    assert "restless_chaotic" not in codes("Zat stil in een hoekje, huilde niet toen ze viel")


def test_an_empty_or_meaningless_note_suggests_nothing():
    assert codes("") == [] and codes("de het een") == []
