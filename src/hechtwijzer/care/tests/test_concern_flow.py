"""A direct safety concern reaches the right person (issue 12): the teacher is told whom to talk
to today and passes it on with one button; the care coordinator finds the pupil at the top of
the home page and the school overview until a decision is recorded; nothing drops off by age.
"""

import datetime
import json

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care import actions
from hechtwijzer.care.models import SafeguardingConcern
from hechtwijzer.care.worklist import awaiting_decision
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world

NOTE = "MARKER-zei-dat-papa-hem-sloeg-7788"


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


class ConcernFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def login(self, name, language=None):
        assert self.client.login(username=name, password=PASSWORD)
        if language:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def log(self, signals, pupil=None, actor=None, **extra):
        return observation_actions.log_observation(
            actor=actor or self.w.anna, pupil=pupil or self.w.piet, signals=signals, **extra
        )

    def concern_url(self, observation):
        return reverse("care:concern", args=[observation.pupil.public_id, observation.uid])

    def waiting(self, school=None):
        pupils = Pupil.objects.filter(school=school or self.w.noord)
        return {entry.pupil.first_name: entry for entry in awaiting_decision(pupils)}

    # --- the teacher ------------------------------------------------------------------------

    def test_logging_a_disclosure_leads_to_whom_to_talk_to_today(self):
        self.login("anna")
        response = self.client.post(
            reverse("observations:observe", args=[self.w.piet.public_id]),
            {"signals": ["discloses_harm"], "observed_on": timezone.localdate().isoformat()},
        )
        observation = Observation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == self.concern_url(observation)
        page = self.client.get(response["Location"]).content.decode()
        assert "Bespreek dit vandaag nog met de aandachtsfunctionaris of intern begeleider" in page
        assert "Carla" in page  # the school's intern begeleider, by name
        assert "Overleggen is geen melding en geen beschuldiging" in page
        assert "Bel 112" in page
        assert "Doorgeven aan de intern begeleider" in page and "zorgcoördinator" not in page

    def test_a_flemish_teacher_is_sent_to_the_zorgcoordinator_and_the_clb(self):
        observation = self.log(["signs_of_neglect"], pupil=self.w.zoe, actor=self.w.erik)
        self.login("erik")
        page = self.client.get(self.concern_url(observation)).content.decode()
        assert "Bespreek dit vandaag nog met de zorgcoördinator" in page
        assert "CLB" in page and "aandachtsfunctionaris" not in page
        assert "Doorgeven aan de zorgcoördinator" in page and "intern begeleider" not in page

    def test_an_everyday_observation_goes_straight_back(self):
        self.login("anna")
        response = self.client.post(
            reverse("observations:observe", args=[self.w.piet.public_id]),
            {"signals": ["freezes"], "observed_on": timezone.localdate().isoformat()},
        )
        assert response["Location"] == reverse("pupil", args=[self.w.piet.public_id])
        # …and there is no concern page for it.
        assert self.client.get(self.concern_url(Observation.objects.get())).status_code == 404

    def test_passing_on_records_one_concern_with_the_note_encrypted(self):
        observation = self.log(["fears_caregiver"])
        self.login("anna")
        response = self.client.post(self.concern_url(observation), {"note": NOTE})
        assert response.status_code == 302
        concern = SafeguardingConcern.objects.get()
        assert (concern.raised_by, concern.pupil, concern.route) == (
            self.w.anna,
            self.w.piet,
            "nl_meldcode",
        )
        assert list(concern.observations.all()) == [observation]
        assert NOTE in concern.concern and "Lijkt bang voor de eigen opvoeder" in concern.concern
        with connection.cursor() as cursor:
            cursor.execute("SELECT concern FROM care_safeguardingconcern")
            (raw,) = cursor.fetchone()
        assert raw.startswith("hw1:") and "MARKER" not in raw
        entry = AuditEntry.objects.get(action="safeguarding.pass_on")
        assert entry.details == {"route": "nl_meldcode", "signals": ["fears_caregiver"]}
        assert "MARKER" not in json.dumps(entry.details)
        # A second click records nothing twice and says so.
        again = self.client.post(self.concern_url(observation), {"note": NOTE}, follow=True)
        assert "al doorgegeven" in again.content.decode()
        assert SafeguardingConcern.objects.count() == 1
        page = self.client.get(self.concern_url(observation)).content.decode()
        assert "Doorgegeven op" in page

    def test_a_too_long_note_is_refused_with_its_reason_and_nothing_is_stored(self):
        observation = self.log(["unexplained_injury"])
        self.login("anna")
        response = self.client.post(self.concern_url(observation), {"note": "x" * 1001})
        assert response.status_code == 400
        assert "Houd dit korter dan 1000 tekens." in response.content.decode()
        assert not SafeguardingConcern.objects.exists()

    def test_the_teachers_pupil_page_offers_to_pass_on_and_then_says_it_was(self):
        observation = self.log(["afraid_to_go_home"])
        self.login("anna")
        page = self.client.get(reverse("pupil", args=[self.w.piet.public_id])).content.decode()
        assert self.concern_url(observation) in page
        actions.pass_on_concern(actor=self.w.anna, observation=observation)
        page = self.client.get(reverse("pupil", args=[self.w.piet.public_id])).content.decode()
        assert "doorgegeven aan de intern begeleider" in page
        assert self.concern_url(observation) not in page

    def test_others_cannot_pass_on_or_see_the_concern_page(self):
        observation = self.log(["discloses_harm"])
        for name in ("bram", "fien", "dirk"):  # other group, other school, school admin
            self.login(name)
            assert self.client.get(self.concern_url(observation)).status_code == 404, name
            assert self.client.post(self.concern_url(observation)).status_code == 404, name
        assert not SafeguardingConcern.objects.exists()
        refused = AuditEntry.objects.filter(
            action="access.denied", pupil_public_id=self.w.piet.public_id
        )
        assert refused.count() == 6

    def test_a_withdrawn_observation_cannot_be_passed_on(self):
        observation = self.log(["discloses_harm"])
        observation_actions.withdraw_observation(
            actor=self.w.anna, observation=observation, expected_version=1, reason="mistake"
        )
        self.login("anna")
        assert self.client.post(self.concern_url(observation)).status_code == 404
        assert not SafeguardingConcern.objects.exists()
        assert self.waiting() == {}

    # --- the care coordinator ---------------------------------------------------------------

    def test_the_pupil_waits_at_the_top_until_a_decision_is_recorded(self):
        observation = self.log(["discloses_harm"])
        concern = actions.pass_on_concern(actor=self.w.anna, observation=observation, note=NOTE)
        (entry,) = self.waiting().values()
        assert entry.pupil == self.w.piet and entry.passed_on_by == "Anna Test"
        assert [s.code for s in entry.signals] == ["discloses_harm"]
        self.login("carla")
        home = self.client.get("/").content.decode()
        overview = self.client.get(f"/schools/{self.w.noord.pk}/overview/").content.decode()
        for page in (home, overview):
            assert "Wacht op uw besluit" in page and "Piet Testkind" in page
            assert "doorgegeven door Anna Test" in page
            assert reverse("care:safeguarding", args=[self.w.piet.public_id]) in page
        # A step without a decision is not a decision.
        actions.record_step(
            actor=self.w.carla,
            concern=concern,
            expected_version=concern.version,
            step="map",
            done_on=timezone.localdate(),
        )
        assert "Piet" in self.waiting()
        actions.record_step(
            actor=self.w.carla,
            concern=concern,
            expected_version=concern.version,
            step="consult",
            done_on=timezone.localdate(),
            decision="Gesprek met moeder; Veilig Thuis om advies gevraagd.",
        )
        assert self.waiting() == {}
        home = self.client.get("/").content.decode()
        assert "Er wacht geen zorg over veiligheid op een besluit." in home
        # A new disclosure after the decision puts the pupil back at the top.
        self.log(["unexplained_injury"])
        assert [s.code for s in self.waiting()["Piet"].signals] == ["unexplained_injury"]

    def test_closing_the_concern_counts_as_a_decision(self):
        concern = actions.pass_on_concern(
            actor=self.w.anna, observation=self.log(["signs_of_neglect"])
        )
        assert "Piet" in self.waiting()
        actions.close_concern(actor=self.w.carla, concern=concern, expected_version=1)
        assert self.waiting() == {}

    def test_not_passed_on_waits_too_and_nothing_drops_off_by_age(self):
        """Nobody pressed the button, and the disclosure was three months ago: the pupil is
        still at the top, outside the profile's eight-week window."""
        self.log(["discloses_harm"], observed_on=days_ago(90))
        Observation.objects.update(created_at=timezone.now() - datetime.timedelta(days=90))
        entry = self.waiting()["Piet"]
        assert entry.passed_on_by == "" and entry.observed == [days_ago(90)]

    def test_a_parents_report_and_a_recorded_factor_wait_as_well(self):
        self.log(["afraid_to_go_home"], actor=self.w.carla, informant="parent")
        assert [s.code for s in self.waiting()["Piet"].signals] == ["afraid_to_go_home"]
        actions.record_factor(
            actor=self.w.carla, pupil=self.w.lara, kind="risk", code="child_abuse"
        )
        assert [f.code for f in self.waiting()["Lara"].risk_factors] == ["child_abuse"]
        # An ordinary factor, or a parent's own history, does not.
        actions.record_factor(
            actor=self.w.carla, pupil=self.w.mo, kind="risk", code="parent_own_neglect_abuse"
        )
        assert "Mo" not in self.waiting()

    def test_the_other_school_sees_nothing_of_it(self):
        actions.pass_on_concern(actor=self.w.anna, observation=self.log(["discloses_harm"]))
        self.login("fien")
        assert "Piet" not in self.client.get("/").content.decode()
        assert self.waiting(self.w.zuid) == {}

    def test_the_list_runs_a_fixed_number_of_queries_for_few_and_many(self):
        for pupil in (self.w.piet, self.w.lara):
            actions.pass_on_concern(
                actor=self.w.anna, observation=self.log(["discloses_harm"], pupil=pupil)
            )

        def count():
            with CaptureQueriesContext(connection) as queries:
                found = awaiting_decision(Pupil.objects.filter(school=self.w.noord))
            return len(queries), len(found)

        few = count()
        for n in range(40):
            pupil = school_actions.create_pupil(
                actor=None,
                school=self.w.noord,
                group=self.w.group3,
                first_name=f"Kind{n}",
                last_name="Extra",
                date_of_birth=datetime.date(2018, 1, 1),
            )
            observation = self.log(["signs_of_neglect"], pupil=pupil, actor=self.w.carla)
            if n % 2:
                actions.pass_on_concern(actor=self.w.carla, observation=observation)
        many = count()
        assert few[0] == many[0] <= 6
        assert (few[1], many[1]) == (2, 42)
