"""Free-text help: the signals a note seems to describe, with the words that matched."""

import pytest

from hechtwijzer import engine
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


@pytest.mark.parametrize(
    "note",
    [
        "Klapt dicht bij rekenen, wil niet verder",
        "Had een meltdown toen het spel verloren was",
        "Blokkeert bij de toets",
        "Een nieuwe kleuter die aarzelt bij de deur en niet dichterbij durft",
        "Flipt als het niet lukt, helemaal van slag",
        "Viel op het plein, blauwe plek op de knie",
        "Had honger voor de lunch",
    ],
)
def test_everyday_notes_do_not_propose_safeguarding_signals(note):
    """Issue 12: the helper proposed disorganised features for everyday notes. Those features
    and the direct safety signals now need words that say what they mean."""
    catalog = get_catalog()
    weighing = set(engine.watch_signals(catalog)) | engine.consult_now_signals(catalog)
    assert not set(codes(note)) & weighing, codes(note)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Vertelde in de kring dat papa slaat als hij boos is", "discloses_harm"),
        ("Onverklaarbare blauwe plekken op de bovenarm", "unexplained_injury"),
        ("Komt hongerig naar school, geen jas in de winter", "signs_of_neglect"),
        ("Wil niet naar huis na school", "afraid_to_go_home"),
        ("Verstijft als de vader bij het hek staat", "freezes"),
    ],
)
def test_a_note_that_says_it_still_finds_the_signal(note, expected):
    assert expected in codes(note)
