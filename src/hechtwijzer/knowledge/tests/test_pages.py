"""Knowledge pages: every catalog item renders in Dutch and English, with sources and links."""

from django.test import TestCase

from hechtwijzer.catalog import KINDS, get_catalog
from hechtwijzer.testing import PASSWORD, build_world

DISCLAIMER = {"nl": "stelt geen diagnose", "en": "does not diagnose"}


class KnowledgePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)

    def use_language(self, lang):
        self.client.post("/i18n/setlang/", {"language": lang, "next": "/"})

    def test_it_renders_every_item_in_both_languages_with_its_sources(self):
        catalog = get_catalog()
        for lang in ("nl", "en"):
            self.use_language(lang)
            for item in catalog.all_items():
                response = self.client.get(f"/knowledge/{item.kind}/{item.code}/")
                assert response.status_code == 200, item.ref
                page = response.content.decode()
                assert f'<html lang="{lang}">' in page
                assert item.label.get(lang).replace("'", "&#x27;").replace('"', "&quot;") in page
                assert DISCLAIMER[lang] in page, item.ref
                # Every source is cited: a seed by its title, a reference by its text.
                for source in item.sources:
                    cited = catalog.seed(source.seed).title if source.seed else source.ref
                    assert cited.replace("&", "&amp;").replace("'", "&#x27;") in page, item.ref

    def test_it_links_related_items_both_ways(self):
        catalog = get_catalog()
        signal = catalog.get("signals", "indiscriminate_contact")
        page = self.client.get("/knowledge/signals/indiscriminate_contact/").content.decode()
        for link in signal.patterns:
            assert f"/knowledge/patterns/{link.code}/" in page
        pattern_page = self.client.get("/knowledge/patterns/disinhibited/").content.decode()
        assert "/knowledge/signals/indiscriminate_contact/" in pattern_page
        measure = catalog.get("measures", "sticordi_07")
        page = self.client.get("/knowledge/measures/sticordi_07/").content.decode()
        for code in measure.signal_codes:
            assert f"/knowledge/signals/{code}/" in page

    def test_its_index_lists_every_item_by_theme(self):
        page = self.client.get("/knowledge/").content.decode()
        for item in get_catalog().all_items():
            assert f"/knowledge/{item.kind}/{item.code}/" in page, item.ref
        for label in ("Wat is hechting?", "Signalen in de klas", "Wanneer en waarheen verwijzen"):
            assert label in page
        assert DISCLAIMER["nl"] in page

    def test_it_answers_404_for_unknown_kinds_and_codes(self):
        assert self.client.get("/knowledge/nonsense/x/").status_code == 404
        assert self.client.get("/knowledge/signals/no_such_signal/").status_code == 404
        assert set(KINDS) >= {"signals", "measures"}

    def test_it_is_for_logged_in_users_only(self):
        self.client.logout()
        response = self.client.get("/knowledge/signals/withdrawn/")
        assert response.status_code == 302 and response["Location"].startswith("/?next=")

    def test_it_shows_the_cautions_of_a_type(self):
        page = self.client.get("/knowledge/patterns/inhibited/").content.decode()
        caution = next(
            c
            for c in get_catalog().get("patterns", "inhibited").cautions
            if c.code == "rule_out_autism"
        )
        assert caution.text.nl.replace("'", "&#x27;") in page
