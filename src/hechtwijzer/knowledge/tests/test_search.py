"""Search that a Dutch teacher finds forgiving: folded accents, word forms, ranked, highlighted."""

import pytest
from django.test import TestCase

from hechtwijzer.catalog import get_catalog
from hechtwijzer.knowledge.search import (
    RELEVANCE_SHARE,
    SHOWN_RESULTS,
    edit_distance,
    fold,
    index_for,
    key,
)
from hechtwijzer.testing import PASSWORD, build_world


@pytest.fixture(scope="module")
def index():
    return index_for(get_catalog())


def first_refs(index, query, lang="nl", n=3):
    return [hit.item.ref for hit in index.search(query, lang)[:n]]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("faalangstig", "faalangst"),
        ("hechting", "gehecht"),
        ("boosheid", "boos"),
        ("kinderen", "kind"),
        ("drukke", "druk"),
    ],
)
def test_it_reduces_word_forms_to_one_key(typed, meant):
    assert key(typed, "nl") == key(meant, "nl")


def test_it_folds_accents():
    assert fold("Zorgcoördinator Één") == "zorgcoordinator een"


def test_it_finds_faalangst_from_faalangstig(index):
    assert first_refs(index, "faalangstig", n=1) == ["signals/fear_of_failure"]


def test_it_finds_gehecht_from_hechting(index):
    # Items whose own text says "gehecht" are found by the query "hechting".
    refs = {hit.item.ref for hit in index.search("hechting", limit=1000)}
    with_gehecht = {
        i.ref
        for i in get_catalog().all_items()
        if "gehecht" in " ".join(t for _p, t in i.texts()).lower()
    }
    assert with_gehecht and with_gehecht <= refs
    assert first_refs(index, "hechting", n=1) == ["topics/what_is_attachment"]


def test_it_finds_boos_from_boosheid(index):
    assert "signals/quick_anger" in first_refs(index, "boosheid", n=2)


def test_it_matches_compound_words_by_their_start(index):
    assert "signals/concentration" in first_refs(index, "concentratie")


def test_it_ranks_items_matching_more_query_words_first(index):
    hits = index.search("circle of security")
    assert hits[0].item.ref == "topics/circle_of_security"
    assert hits[0].matched_words >= hits[-1].matched_words


def test_it_searches_english_for_english_readers(index):
    assert "signals/quick_anger" in first_refs(index, "angry", lang="en")


def test_it_ignores_empty_and_stopword_queries(index):
    assert index.search("") == []
    assert index.search("de het een") == []


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)

    def test_it_highlights_the_matching_words(self):
        response = self.client.get("/knowledge/search/", {"q": "faalangstig"})
        page = response.content.decode()
        assert "<mark>Faalangst</mark>" in page
        assert "/knowledge/signals/fear_of_failure/" in page

    def test_it_escapes_what_was_typed(self):
        page = self.client.get("/knowledge/search/", {"q": "<script>x</script>"}).content.decode()
        assert "<script>x" not in page and "&lt;script&gt;" in page

    def test_it_says_when_nothing_was_found(self):
        page = self.client.get("/knowledge/search/", {"q": "xyzzyq"}).content.decode()
        assert "0 resultaten" in page

    def test_it_offers_the_corrected_spelling(self):
        page = self.client.get("/knowledge/search/", {"q": "agresief"}).content.decode()
        assert 'Bedoelde u <a href="?q=agressief">agressief</a>?' in page
        assert "/knowledge/signals/quick_anger/" in page

    def test_a_vague_query_shows_the_best_few_and_offers_all(self):
        page = self.client.get("/knowledge/search/", {"q": "ouders"}).content.decode()
        total = index_for(get_catalog()).find("ouders", "nl").total
        assert f"De beste {SHOWN_RESULTS} van {total} resultaten" in page
        assert page.count('<li>\n          <a href="/knowledge/') == SHOWN_RESULTS
        assert f'&amp;all=1">Toon alle {total} resultaten</a>' in page
        page = self.client.get("/knowledge/search/", {"q": "ouders", "all": "1"}).content.decode()
        assert page.count('<li>\n          <a href="/knowledge/') == total
        assert "Toon alle" not in page

    def test_it_runs_no_database_queries_beyond_the_session(self):
        self.client.get("/knowledge/search/", {"q": "boos"})  # build the index once
        with self.assertNumQueries(4):  # session, user, memberships + groups (for the header)
            self.client.get("/knowledge/search/", {"q": "boos"})


# --- forgiving spelling, compounds, everyday words and a relevance cut-off (issue 15) -----------


@pytest.mark.parametrize(
    ("typed", "corrected", "expected"),
    [
        ("hechtingstoornis", "hechtingsstoornis", "topics/problem_vs_disorder"),
        ("terugetrokken", "teruggetrokken", "signals/withdrawn"),
        ("agresief", "agressief", "signals/quick_anger"),
    ],
)
def test_it_corrects_misspellings_to_the_catalogs_own_words(index, typed, corrected, expected):
    found = index.find(typed, "nl")
    assert found.suggestion == corrected
    assert expected in [hit.item.ref for hit in found.best]


def test_a_correction_keeps_the_words_that_were_right(index):
    found = index.find("kind agresief", "nl")
    assert found.suggestion == "kind agressief"


def test_it_does_not_correct_words_the_catalog_knows_or_short_words(index):
    assert index.find("faalangstig", "nl").suggestion == ""
    assert index.find("boos", "nl").suggestion == ""
    assert index.find("xq", "nl").best == []


def test_it_finds_nothing_for_a_word_too_far_from_any_word(index):
    found = index.find("qwertyuiop", "nl")
    assert found.best == [] and found.total == 0 and found.suggestion == ""


def test_edit_distance_counts_swaps_as_one():
    assert edit_distance("agresief", "agressief") == 1
    assert edit_distance("hecthing", "hechting") == 1
    assert edit_distance("kind", "kind") == 0
    assert edit_distance("abc", "xyz") == 3


def test_it_splits_compounds_the_catalog_does_not_write(index):
    words = [word.words for word in index.understand("angstaanval", "nl")]
    assert words == [("angst",), ("aanval",)]
    refs = [hit.item.ref for hit in index.find("angstaanval", "nl").best]
    assert refs, "the parts of a compound find what each part finds"


def test_it_maps_everyday_school_words_to_the_catalogs_words(index):
    assert first_refs(index, "woedeaanval", n=1)[0] == "signals/quick_anger"
    refs = [hit.item.ref for hit in index.find("invaljuf", "nl").best]
    assert "signals/strong_separation_reaction" in refs
    assert "topics/teacher_attitude" in [hit.item.ref for hit in index.find("juf", "nl").best]


@pytest.mark.parametrize("query", ["ouders", "time out", "slaat andere kinderen", "kind"])
def test_a_vague_query_shows_the_few_best_items(index, query):
    found = index.find(query, "nl")
    assert 1 <= len(found.best) <= SHOWN_RESULTS < found.total
    top = found.best[0]
    # Everything shown matches as many words as the best and is not far behind it.
    assert all(hit.matched_words == top.matched_words for hit in found.best)
    assert all(hit.score >= RELEVANCE_SHARE * top.score for hit in found.best)
    # Asking for everything gives every matching item.
    assert len(index.find(query, "nl", everything=True).best) == found.total


def test_time_out_finds_the_time_out_measure_first(index):
    assert first_refs(index, "time out", n=1) == ["measures/sticordi_27"]
    assert len(index.find("time out", "nl").best) <= 3


def test_every_shown_result_matches_every_word_of_a_specific_query(index):
    found = index.find("slaat andere kinderen", "nl")
    assert found.best and all(hit.matched_words == 3 for hit in found.best)


@pytest.mark.parametrize("typed", ["hechting", "concentratie", "inval", "kind", "attach", "zzz"])
def test_prefix_matching_finds_every_vocabulary_word_that_begins_with_the_word(index, typed):
    """The sorted-vocabulary lookup finds exactly what comparing every word would."""
    for lang in ("nl", "en"):
        exact = key(typed, lang)
        every_word = set()
        for word, keys in index._vocabulary[lang].items():
            if word.startswith(fold(typed)) or word.startswith(exact):
                every_word |= keys
        assert index._prefix_keys(fold(typed), exact, lang) == every_word
    assert index._prefix_keys("hechting", "hecht", "nl")  # not vacuous
