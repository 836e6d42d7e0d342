"""Search that a Dutch teacher finds forgiving: folded accents, word forms, ranked, highlighted."""

import pytest
from django.test import TestCase

from hechtwijzer.catalog import get_catalog
from hechtwijzer.knowledge.search import fold, index_for, key
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

    def test_it_runs_no_database_queries_beyond_the_session(self):
        self.client.get("/knowledge/search/", {"q": "boos"})  # build the index once
        with self.assertNumQueries(4):  # session, user, memberships + groups (for the header)
            self.client.get("/knowledge/search/", {"q": "boos"})
