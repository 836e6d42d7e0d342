"""The pupil page opens with the plan (issue 15): what the teacher already does and will try,
with one line of how-to each, the evaluation date and the last few observations; marks that
say which signals a recommended measure answers; tips numbered T1–T17."""

import datetime
import io
import re

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observe
from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.plans import actions as plans
from hechtwijzer.plans.tests.test_pdf import text_of
from hechtwijzer.schools.models import Membership, Pupil, Role, School
from hechtwijzer.testing import PASSWORD, build_world

CATALOG = get_catalog()


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def section(html: str, css_class: str) -> str:
    start = html.index(f'<section class="{css_class}"')
    return html[start : html.index("</section>", start)]


class PlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def page(self, username="anna"):
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/")
        assert response.status_code == 200
        return response.content.decode()

    def tick(self, code, column):
        plans.set_column(
            actor=self.w.anna,
            pupil=self.w.piet,
            measure_code=code,
            column=column,
            value=True,
            seen=False,
        )

    def test_without_a_card_a_calm_line_and_a_start_for_who_may_keep_one(self):
        plan = section(self.page("anna"), "plan")
        assert "Er is nog geen focuskaart" in plan
        assert "Een focuskaart beginnen" in plan
        # The school administrator does not keep cards (nor see the care record); a care
        # coordinator does.
        assert "Een focuskaart beginnen" in section(self.page("carla"), "plan")

    def test_the_page_opens_with_what_is_tried_and_done_each_with_its_how_to(self):
        self.tick("sticordi_22", "trying")
        self.tick("tip_07", "doing")
        plans.add_own_measure(actor=self.w.anna, pupil=self.w.piet, text="Samen de dag openen.")
        own = self.w.piet.focus_cards.get().own_measures.get()
        plans.save_card(
            actor=self.w.anna,
            card=own.card,
            expected_version=own.card.lock_version,
            rows={
                "sticordi_22": plans.RowState(False, True, "na de pauze"),
                "tip_07": plans.RowState(True, False, ""),
            },
            own={str(own.uid): plans.RowState(False, True)},
        )
        observe.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["impulsive"], observed_on=days_ago(1)
        )
        html = self.page()
        plan = section(html, "plan")
        # Before the profile and the charts.
        assert html.index('class="plan"') < html.index('class="profile"')
        card = self.w.piet.focus_cards.get()
        assert card.evaluation_due.strftime("%Y") in plan and "te evalueren op" in plan
        trying, doing = plan.split("Wat ik al doe")
        assert f"22. {CATALOG.get('measures', 'sticordi_22').label.nl}" in trying
        assert "Knip het werk op in korte stukken" in trying  # the catalog's how-to line
        assert "na de pauze" in trying  # the row's note
        assert "Samen de dag openen." in trying  # the own measure, in its own words
        # Tip 7 is T7, never "7.", which is the card's row 7.
        assert "T7. " in doing and "\\n7. " not in plan
        assert CATALOG.get("measures", "tip_07").how_to_line.nl in doing
        assert "Laatste observaties" in plan and "impulsief" in plan.lower()

    def test_own_measures_and_notes_are_escaped(self):
        hostile = '<script>alert(1)</script>"'
        plans.add_own_measure(actor=self.w.anna, pupil=self.w.piet, text=hostile)
        own = self.w.piet.focus_cards.get().own_measures.get()
        plans.save_card(
            actor=self.w.anna,
            card=own.card,
            expected_version=own.card.lock_version,
            rows={"sticordi_01": plans.RowState(True, False, hostile)},
            own={str(own.uid): plans.RowState(True, False)},
        )
        plan = section(self.page(), "plan")
        assert "<script>" not in plan
        assert plan.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;") == 2

    def test_the_query_count_does_not_grow_with_the_plan(self):
        def count():
            self.client.login(username="carla", password=PASSWORD)
            cache.clear()  # the page as computed, not as kept (audit.kept)
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(f"/pupils/{self.w.piet.public_id}/").status_code == 200
            return len(queries)

        self.tick("sticordi_01", "trying")
        few = count()
        for code in ("sticordi_02", "sticordi_13", "sticordi_22", "tip_05", "tip_07"):
            self.tick(code, "doing")
        for text in ("Een", "Twee", "Drie"):
            plans.add_own_measure(actor=self.w.anna, pupil=self.w.piet, text=text)
        # 15 without a card (test_pupil_page: with the plans received from a previous school and
        # the warm handover), + entries, own, + the school's version and the pupil read after
        # it (audit.kept)
        assert count() == few == 19


class DemoPlanTests(TestCase):
    """On the demo data: the busiest pupils' pages stay light, and the recommended marks are
    few and explained."""

    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())
        cls.today = timezone.localdate()
        pupils = Pupil.objects.annotate(n=Count("observations")).order_by("-n", "pk")
        most = pupils[0].n
        cls.busiest = [p for p in pupils if p.n == most]
        cls.coordinator = {
            m.school_id: m.user for m in Membership.objects.filter(role=Role.CARE_COORDINATOR)
        }

    def get(self, pupil, path=""):
        self.client.force_login(self.coordinator[pupil.school_id])
        response = self.client.get(f"/pupils/{pupil.public_id}/{path}")
        assert response.status_code == 200
        return response.content.decode()

    def test_the_busiest_pupils_pages_stay_below_150_kb(self):
        assert len(self.busiest) >= 2
        for pupil in self.busiest:
            size = len(self.get(pupil).encode())
            assert size < 150_000, (pupil.first_name, size)

    def test_the_card_pupil_opens_with_the_plan(self):
        carded = Pupil.objects.filter(
            focus_cards__isnull=False, focus_cards__closed_at__isnull=True
        ).distinct()
        assert carded
        for pupil in carded:
            html = self.get(pupil)
            plan = section(html, "plan")
            card = plans.current_card(pupil)
            entries, own = plans.measures_tried(card)
            # A Flemish school's staff read its Flemish text (hechtwijzer.words).
            language = "nl-be" if pupil.school.country == "BE" else "nl"
            for entry in entries:
                measure = CATALOG.get("measures", entry.measure_code)
                line = measure.how_to_line.get(language)
                assert line.replace("'", "&#x27;") in plan, measure.code
            for measure in own:
                assert measure.text in plan

    def test_two_days_of_learning_signals_no_longer_mark_a_third_of_the_card(self):
        """Issue 15 saw 12 of the card's 39 rows marked for a pupil with two learning signals
        seen on two days each. Now those are ideas; a pupil with a picture gets marks that
        name their signals and counts."""
        learning = []
        for pupil in Pupil.objects.filter(school__in=School.objects.filter(is_demo=True)):
            profile = build_profile(pupil, self.today)
            codes = {s.code for s in profile.signals if s.days >= 2}
            if {"fear_of_failure", "planning_time"} <= codes and not profile.indications:
                learning.append(pupil)
        assert learning
        for pupil in learning:
            card = self.get(pupil, "focuskaart/")
            assert 'class="recommended"' not in card and "aanbevolen bij" not in card
        pictured = Pupil.objects.filter(focus_cards__number=2).first()
        card = self.get(pictured, "focuskaart/")
        marked = card.count('<tr id="row-sticordi_') + card.count('<tr id="row-tip_')
        rows = card.count('class="recommended"')
        assert 0 < rows <= 12 and marked == 39
        assert card.count("aanbevolen bij: ") == rows
        assert "×)" in card
        # The PDF prints the same reasons, with their counts.
        self.client.force_login(self.coordinator[pictured.school_id])
        pdf = self.client.get(f"/pupils/{pictured.public_id}/focuskaart.pdf")
        text = " ".join(text_of(pdf.content).split())
        assert re.search(r"grensoverschrijdend gedrag \(\d×\)", text), text[:2000]
