"""The referral summary PDF: what it holds (names, age and group, the question, the plan with
how-to lines, the evaluation figures as rates, the chosen observations, the consent line, the
contact) and what it leaves out by default (the safeguarding record, risk factors, observations
not chosen and their notes, the notes of chosen ones unless asked)."""

import datetime

from django.test import TestCase
from django.utils import translation

from hechtwijzer.catalog import get_catalog
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import Decision
from hechtwijzer.referrals import actions, summary
from hechtwijzer.testing import build_world

from .helpers import (
    CHOSEN_NOTE,
    CONCERN,
    FACTOR_NOTE,
    OWN,
    PROFESSIONAL,
    QUESTION,
    SAFETY_NOTE,
    STEP_DECISION,
    TRYING,
    UNCHOSEN_NOTE,
    consented,
    draft,
    flat,
    pdf_text,
    situation,
    today,
)


def text_of(referral, lang="nl", **kwargs):
    return flat(pdf_text(summary.render_summary(referral, lang, **kwargs)))


class SummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.chosen, cls.unchosen = situation(w.piet, w.anna, w.carla)
        # Evaluate the card (today, with a referral option): figures as rates.
        card = plan_actions.current_card(w.piet)
        entries, own = plan_actions.measures_tried(card)
        outcomes = {e.measure_code: ("partly", "") for e in entries}
        outcomes.update({f"own:{m.uid}": ("worked", "") for m in own})
        cls.evaluation = plan_actions.evaluate(
            actor=w.carla,
            card=card,
            outcomes=outcomes,
            decision=Decision.REFER,
            referrals=["intensive_family_treatment"],
            next_evaluation=card.evaluation_due + datetime.timedelta(days=42),
            summary="",
            today=card.evaluation_due,
        )

    def make(self, **kwargs):
        referral = draft(self.w.piet, self.w.carla, **kwargs)
        referral = actions.choose_observations(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            uids=[self.chosen.uid],
            include_notes=False,
        )
        return consented(referral, self.w.carla)

    def test_it_holds_what_the_partner_needs(self):
        referral = self.make()
        text = text_of(referral)
        catalog = get_catalog()
        for expected in (
            "Piet Testkind",
            f"{self.w.piet.age_on(today())} jaar",
            "Groep 3",
            PROFESSIONAL,
            QUESTION,
            catalog.get("measures", TRYING[0]).label.get("nl"),
            catalog.get("measures", TRYING[0]).how_to_line.get("nl")[:40],
            OWN,
            catalog.get("signals", "withdrawn").label.get("nl"),
            "instemming",
            "Carla Test",
        ):
            assert flat(expected) in text, expected

    def test_it_leaves_out_by_default_what_was_not_chosen(self):
        text = text_of(self.make())
        catalog = get_catalog()
        for absent in (
            CONCERN,
            STEP_DECISION,
            SAFETY_NOTE,
            FACTOR_NOTE,
            UNCHOSEN_NOTE,
            CHOSEN_NOTE,  # the notes of chosen observations only when asked
            catalog.get("signals", "quick_anger").label.get("nl"),  # the unchosen observation
            catalog.get("signals", "afraid_to_go_home").label.get("nl"),
            catalog.risk_factors[0].label.get("nl"),
        ):
            assert flat(absent) not in text, absent

    def test_notes_and_the_safeguarding_record_only_when_chosen(self):
        referral = self.make()
        referral = actions.choose_observations(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            uids=[self.chosen.uid],
            include_notes=True,
        )
        referral = actions.set_safeguarding(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            include=True,
            reason="Het wijkteam neemt de hulp over.",
        )
        text = text_of(referral)
        assert CHOSEN_NOTE in text and CONCERN in text and STEP_DECISION in text
        assert "Het wijkteam neemt de hulp over." not in text  # the reason stays at school
        assert UNCHOSEN_NOTE not in text and FACTOR_NOTE not in text

    def test_the_figures_are_rates_and_can_be_left_out(self):
        with_figures = text_of(self.make())
        assert "Evaluatiecijfers" in with_figures or "geobserveerde" in with_figures
        without = text_of(self.make(include_figures=False, include_plan=False))
        assert "geobserveerde schooldag" not in without
        assert OWN not in without

    def test_english_and_a_flemish_school(self):
        referral = self.make()
        assert "Referral summary" in text_of(referral, "en")
        zoe = actions.create_referral(
            actor=self.w.fien,
            pupil=self.w.zoe,
            partner="clb",
            professional="dhr. Peeters",
            question="Hoe verder?",
        )
        with translation.override("nl-be"):
            text = text_of(zoe, "nl-be")
        assert "CLB" in text and "4de leerjaar" in text and "Groep" not in text
