"""The pupil page: timeline, charts, informants side by side, the profile and its safeguards."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.administration.actions import update_school
from hechtwijzer.care import actions as care_actions
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.testing import PASSWORD, build_world

DISINHIBITED = [
    ["indiscriminate_contact", "impulsive"],
    ["boundary_crossing", "easily_frustrated"],
    ["not_comforted", "learns_little"],
]


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


class PupilProfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def page(self, username, pupil=None):
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get(f"/pupils/{(pupil or self.w.piet).public_id}/")
        assert response.status_code == 200
        return response.content.decode()

    def log_disinhibited_weeks(self):
        for week, signals in enumerate(DISINHIBITED):
            actions.log_observation(
                actor=self.w.anna,
                pupil=self.w.piet,
                signals=signals,
                observed_on=days_ago(7 * week),
            )

    def test_it_says_too_little_was_observed_after_one_signal(self):
        actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        page = self.page("anna")
        assert "Het is geen diagnose" in page
        assert "Er is te weinig geobserveerd" in page
        # Measures for that one moment are ideas, not recommendations.
        assert "Ideeën" in page and "Aanbevolen: ze passen bij signalen" not in page

    def test_plenty_observed_that_resembles_nothing_is_said_plainly(self):
        for n in range(4):
            actions.log_observation(
                actor=self.w.anna,
                pupil=self.w.piet,
                signals=["concentration", "planning_time"],
                observed_on=days_ago(4 * n),
            )
        page = self.page("anna")
        assert "Er is te weinig geobserveerd" not in page
        assert "Er is genoeg geobserveerd" in page
        assert "lijkt op geen enkel patroon" in page
        assert "Aanbevolen: ze passen bij signalen die terugkomen" in page

    def test_it_shows_the_disinhibited_description_with_its_adhd_caution(self):
        self.log_disinhibited_weeks()
        page = self.page("anna")
        assert "/knowledge/patterns/disinhibited/" in page
        assert "Er is te weinig geobserveerd" not in page
        from hechtwijzer.catalog import get_catalog

        caution = next(
            c
            for c in get_catalog().get("patterns", "disinhibited").cautions
            if c.code == "rule_out_adhd"
        )
        assert caution.text.nl.replace("'", "&#x27;") in page
        assert "/knowledge/measures/" in page  # measures that answer the signals

    def test_it_never_says_the_pupil_has_a_pattern(self):
        self.log_disinhibited_weeks()
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = self.page("anna")
        assert "not a diagnosis" in page
        assert "has disinhibited" not in page.lower() and "has an attachment" not in page.lower()

    def test_one_freeze_is_only_kept_an_eye_on_by_the_care_coordinator(self):
        """One freeze during a fire drill: no route, no alarm; the care coordinator sees it on
        the "keep an eye on" list, the teacher sees nothing about safeguarding."""
        actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["freezes"])
        assert "safeguarding-heading" not in self.page("anna")
        coordinator_page = self.page("carla")
        assert "safeguarding-heading" in coordinator_page
        assert "In de gaten houden" in coordinator_page
        assert "Veilig Thuis" not in coordinator_page
        assert "Vandaag overleggen" not in coordinator_page

    def test_recurring_disorganised_features_suggest_mapping_the_signals(self):
        for n, signal in enumerate(["freezes", "approach_then_stops", "freezes"]):
            actions.log_observation(
                actor=self.w.anna, pupil=self.w.piet, signals=[signal], observed_on=days_ago(6 * n)
            )
        page = self.page("carla")
        assert "Overweeg de signalen in kaart te brengen" in page
        assert "Dit is nog geen vermoeden van kindermishandeling" in page
        assert "ongeveer 15 %" in page  # the base rate beside the 80 %
        assert "Veilig Thuis" in page  # Noord is a Dutch school: the Meldcode's steps
        assert "is van toepassing" not in page
        assert "safeguarding-heading" not in self.page("anna")

    def test_a_child_afraid_of_its_parent_means_consult_today(self):
        observation = actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["fears_caregiver"]
        )
        page = self.page("carla")
        assert "Vandaag overleggen" in page
        assert "Wacht sinds" in page  # waiting for a decision
        # The teacher sees what she can pass on, not the route or the record.
        teacher = self.page("anna")
        assert "safeguarding-heading" not in teacher
        assert f"/pupils/{self.w.piet.public_id}/observations/{observation.uid}/concern/" in teacher

    def test_a_flemish_school_gets_the_flemish_route(self):
        care_actions.record_factor(
            actor=self.w.fien, pupil=self.w.zoe, kind="risk", code="domestic_violence"
        )
        page = self.page("fien", self.w.zoe)
        assert "1712" in page and "CLB" in page and "Veilig Thuis" not in page

    def test_the_emotional_age_advice_stands_only_beside_an_indication(self):
        assert "een derde van zijn leeftijd" not in self.page("anna")  # nothing observed
        self.log_disinhibited_weeks()
        page = self.page("anna")
        age = self.w.piet.age_on(timezone.localdate())
        assert f"({age})" in page and "een derde van zijn leeftijd" in page
        assert "hechtingsstoornis" in page  # the sources' own scope

    def test_informants_stand_side_by_side_and_parent_reports_stay_out_of_the_profile(self):
        actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["two_faces"])
        actions.log_observation(
            actor=self.w.carla, pupil=self.w.piet, signals=["two_faces"], informant="parent"
        )
        page = self.page("carla")
        assert "groepsleerkracht" in page and "ouder (gemeld)" in page
        from hechtwijzer.observations.profiles import build_profile

        profile = build_profile(self.w.piet, timezone.localdate())
        assert [s.count for s in profile.signals if s.code == "two_faces"] == [1]

    def test_factor_presence_is_shown_to_teachers_only_where_the_school_allows(self):
        care_actions.record_factor(
            actor=self.w.carla, pupil=self.w.piet, kind="risk", code="adoption"
        )
        assert "vastgelegd door de intern begeleider" not in self.page("anna")
        # Through the domain function, as the school's administrator does: its audit entry
        # moves the school's version, so the kept pupil page is computed again (audit.kept).
        update_school(actor=None, school=self.w.noord, teachers_see_factor_presence=True)
        page = self.page("anna")
        assert "vastgelegd door de intern begeleider" in page
        from hechtwijzer.catalog import get_catalog

        assert get_catalog().get("risk_factors", "adoption").label.nl not in page

    def test_the_note_is_shown_to_readers_but_not_once_withdrawn(self):
        obs = actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"], note="Zat alleen."
        )
        assert "Zat alleen." in self.page("carla")
        actions.withdraw_observation(
            actor=self.w.anna, observation=obs, expected_version=1, reason="mistake"
        )
        assert "Zat alleen." not in self.page("carla")

    def test_the_page_runs_the_same_queries_for_few_and_many_observations(self):
        def count():
            self.client.login(username="carla", password=PASSWORD)
            cache.clear()  # the page as computed, not as kept (audit.kept)
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(f"/pupils/{self.w.piet.public_id}/").status_code == 200
            return len(queries)

        actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        few = count()
        observations = Observation.objects.bulk_create(
            Observation(
                pupil=self.w.piet,
                author=self.w.anna,
                informant="group_teacher",
                observed_on=days_ago(n % 300),
            )
            for n in range(1000)
        )
        ObservationSignal.objects.bulk_create(
            ObservationSignal(
                observation=o,
                code=code,
                pupil=self.w.piet,
                observed_on=o.observed_on,
                signal_group="behaviour",
                informant="group_teacher",
            )
            for o in observations
            for code in ("withdrawn", "tense_nervous")
        )
        assert count() == few
