"""The plan for the parents: the PDF's text holds the plan in plain words and nothing of the
care record (factors, safeguarding, signals, patterns, observations, the card's notes)."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.catalog import get_catalog
from hechtwijzer.parents import printout
from hechtwijzer.plans.pdf import format_date
from hechtwijzer.testing import PASSWORD, build_world

from .helpers import (
    AGREEMENTS,
    AT_HOME,
    CONCERN,
    DOING,
    ENTRY_NOTE,
    FACTOR_NOTE,
    OBSERVATION_NOTE,
    OWN,
    REASON,
    TRYING,
    conversation_for,
    flat,
    pdf_text,
    plan_for,
)


def forbidden_catalog_texts(lang: str) -> list[str]:
    """Labels of everything the printout must not name: signals, patterns, disorders, risk and
    protective factors, and the catalog's codes."""
    catalog = get_catalog()
    texts = []
    for kind in ("signals", "patterns", "disorders", "risk_factors", "protective_factors"):
        for item in getattr(catalog, kind):
            texts += [item.label.get(lang), item.code]
    return texts


class PrintoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.card = plan_for(w.piet, w.anna, w.carla)
        cls.conversation = conversation_for(w.piet, w.anna, card=cls.card)

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)

    def url(self, **query):
        url = reverse("parents:plan_pdf", args=[self.w.piet.public_id])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def text(self, **query) -> str:
        response = self.client.get(self.url(**query))
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        return flat(pdf_text(response.content))

    def test_it_holds_the_plan_in_plain_words(self):
        self.login("anna")
        text = self.text(agreements=self.conversation.uid)
        catalog = get_catalog()
        assert "Piet" in text
        assert self.w.piet.last_name not in text  # the first name only
        assert format_date(self.card.period_start, "nl") in text
        assert format_date(self.card.evaluation_due, "nl") in text
        for code in TRYING + DOING:
            measure = catalog.get("measures", code)
            assert flat(measure.label.get("nl")) in text, code
            assert flat(measure.how_to_line.get("nl"))[:40] in text, code
        assert OWN in text
        for paragraph in AGREEMENTS.split("\n\n"):
            assert paragraph in text
        assert "Anna Test" in text  # whom to contact
        assert self.w.noord.name in text
        assert AuditEntry.objects.filter(action="parents.plan_pdf").count() == 1

    def test_it_leaves_out_the_care_record(self):
        self.login("carla")
        for query in ({}, {"agreements": self.conversation.uid}):
            text = self.text(**query)
            for secret in (CONCERN, FACTOR_NOTE, OBSERVATION_NOTE, REASON, ENTRY_NOTE, AT_HOME):
                assert secret not in text, secret
            lowered = text.lower()
            for label in forbidden_catalog_texts("nl"):
                assert label.lower() not in lowered, label
            for word in ("sticordi", "redicodis", "hechting", "veiligheid", "meldcode", "risico"):
                assert word not in lowered, word
            # No catalog numbers: the card's "1." or "T7" are not printed.
            assert "T1 " not in text
        text = self.text()
        assert AGREEMENTS.split("\n\n")[0] not in text  # only when chosen

    def test_it_is_in_english_when_the_teacher_reads_english(self):
        with translation.override("en"):
            content = printout.render_plan(self.w.piet, self.card, None, "en", self.w.anna)
        text = flat(pdf_text(content))
        assert "What helps Piet at school" in text
        assert format_date(self.card.evaluation_due, "en") in text
        for label in forbidden_catalog_texts("en"):
            assert label.lower() not in text.lower(), label

    def test_outside_the_pupils_teachers_it_is_404(self):
        for name in ("bram", "dirk", "erik"):
            self.login(name)
            assert self.client.get(self.url()).status_code == 404, name
            self.client.logout()

    def test_another_pupils_conversation_is_refused(self):
        other = conversation_for(self.w.mo, self.w.bram)
        self.login("carla")
        assert self.client.get(self.url(agreements=other.uid)).status_code == 404
        assert self.client.get(self.url(agreements="nonsense")).status_code == 400
