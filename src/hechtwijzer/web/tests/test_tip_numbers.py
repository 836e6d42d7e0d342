"""Tips are numbered T1–T17 apart from the card's measures 1–29, wherever they are shown
(issue 15: the pupil page listed tips as "7.", "13.", "17." while rows 7, 13 and 17 of the card
are other measures). The label comes from one place, `catalog.Measure.number_label`."""

import re

from django.test import TestCase
from django.utils import timezone

from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observe
from hechtwijzer.plans import actions as plans
from hechtwijzer.plans.tests.test_pdf import text_of
from hechtwijzer.testing import PASSWORD, build_world

CATALOG = get_catalog()
TIP = CATALOG.get("measures", "tip_07")  # not a duplicate of a card measure: a card row
CARD_7 = CATALOG.get("measures", "sticordi_07")


class TipNumberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.pupil = f"/pupils/{self.w.piet.public_id}/"

    def html(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    def test_the_knowledge_pages_number_the_tip_t7(self):
        index = self.html("/knowledge/")
        assert f"T7. {TIP.label.nl}" in index and f"7. {CARD_7.label.nl}" in index
        assert not re.search(rf">\d+\. {re.escape(TIP.label.nl)}", index)
        item = self.html("/knowledge/measures/tip_07/")
        assert f"<h1>T7. {TIP.label.nl}</h1>" in item
        assert "Tip voor de leerkracht T7" in item or "T7" in item.split("</h1>")[1]

    def test_the_card_numbers_the_tip_row_t7(self):
        card = self.html(f"{self.pupil}focuskaart/")
        row = card[card.index('<tr id="row-tip_07"') :]
        assert re.match(r'<tr id="row-tip_07"[^>]*>\s*<th scope="row" class="card-number">T7<', row)
        row7 = card[card.index('<tr id="row-sticordi_07"') :]
        assert re.match(r'<tr id="row-sticordi_07"[^>]*>\s*<th[^>]*>7</th>', row7)

    def test_the_pdf_and_the_evaluation_number_the_tip_t7(self):
        for code in ("tip_07", "sticordi_07"):
            plans.set_column(
                actor=self.w.anna,
                pupil=self.w.piet,
                measure_code=code,
                column="trying",
                value=True,
                seen=False,
            )
        response = self.client.get(f"{self.pupil}focuskaart.pdf")
        text = text_of(response.content)
        assert re.search(r"T7\s*" + re.escape(TIP.label.nl.split()[0]), text)
        card = plans.current_card(self.w.piet)
        card.evaluation_due = timezone.localdate()
        card.save(update_fields=["evaluation_due"])
        evaluate = self.html(f"{self.pupil}focuskaart/evaluate/")
        assert f"T7. {TIP.label.nl}</legend>" in evaluate
        assert f"7. {CARD_7.label.nl}</legend>" in evaluate

    def test_the_pupil_page_numbers_the_tip_t7(self):
        observe.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["impulsive"])
        plans.set_column(
            actor=self.w.anna,
            pupil=self.w.piet,
            measure_code="tip_07",
            column="doing",
            value=True,
            seen=False,
        )
        page = self.html(self.pupil)
        assert f"T7. {TIP.label.nl}" in page  # in the plan and among the ideas
        assert not re.search(rf"[^T]7\. {re.escape(TIP.label.nl)}", page)
