"""The school overview is rendered once per version of the school's records (audit.SchoolVersion)
and kept per process: asked again it costs no computation, and every change of the school's
records — an observation, a withdrawal, a factor, a safeguarding decision, a pupil moving
group — shows at once, because the change itself moves the version."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.administration import actions as admin
from hechtwijzer.audit.models import is_read, school_version
from hechtwijzer.care import actions as care
from hechtwijzer.observations import actions as observe
from hechtwijzer.testing import PASSWORD, build_world


class OverviewCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="carla", password=PASSWORD)
        self.url = f"/schools/{self.w.noord.pk}/overview/"

    def page(self):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(self.url)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    def log(self, signals, days_ago=0):
        return observe.log_observation(
            actor=self.w.anna,
            pupil=self.w.piet,
            signals=signals,
            observed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        )

    def test_asked_again_without_a_change_it_is_not_computed_again(self):
        first, computed = self.page()
        again, kept = self.page()
        # The same content; the frame around it carries a fresh CSRF token per response.
        assert again.split('id="main"')[1] == first.split('id="main"')[1]
        # The frame, the groups, the version and the audit entry; none of the counts, lists
        # or profiles.
        assert kept < computed and kept <= 8

    def test_an_observation_shows_at_once(self):
        def group_3(page):  # the first group's heading: "Groep 3 · 2 leerlingen · N signalen"
            return page.split('id="section-')[1].split("</summary>")[0]

        assert "2 leerlingen · 0 signalen" in group_3(self.page()[0])
        self.log(["concentration", "restless_chaotic"], days_ago=1)
        assert "2 leerlingen · 2 signalen" in group_3(self.page()[0])

    def test_a_disclosure_reaches_the_safety_list_at_once_and_a_withdrawal_takes_it_off(self):
        self.page()
        observation = self.log(["discloses_harm"])
        page, _queries = self.page()
        waiting = page.split('id="per-group"')[0]
        assert "Piet Testkind" in waiting
        observe.withdraw_observation(
            actor=self.w.anna,
            observation=observation,
            reason="wrong_pupil",
            explanation="",
            expected_version=observation.version,
        )
        page, _queries = self.page()
        assert "Piet Testkind" not in page.split('id="per-group"')[0]

    def test_a_safeguarding_decision_takes_the_pupil_off_the_waiting_list(self):
        observation = self.log(["discloses_harm"])
        self.page()
        concern = care.pass_on_concern(actor=self.w.anna, observation=observation)
        assert "Piet Testkind" in self.page()[0].split('id="per-group"')[0]
        care.close_concern(actor=self.w.carla, concern=concern, expected_version=concern.version)
        assert "Piet Testkind" not in self.page()[0].split('id="per-group"')[0]

    def test_reads_leave_the_version_alone_and_changes_move_it(self):
        before = school_version(self.w.noord.pk)
        self.page()
        self.client.get(f"/pupils/{self.w.piet.public_id}/")
        assert school_version(self.w.noord.pk) == before
        self.log(["concentration"])
        assert school_version(self.w.noord.pk) != before
        before = school_version(self.w.noord.pk)
        admin.update_pupil(actor=self.w.dirk, pupil=self.w.piet, group=self.w.group5)
        assert school_version(self.w.noord.pk) != before


def test_which_audit_actions_are_reads():
    reads = [
        "pupil.view",
        "pupil.list",
        "school.overview",
        "focuscard.pdf",
        "focuscard.evaluation_pdf",
        "observation.correct_form",
        "pupil.erase_preview",
        "behaviour_card.print",
        "pupil.view_admin",
        "access.denied",
        "auth.login",
    ]
    changes = [
        "observation.create",
        "observation.withdraw",
        "observation.change",
        "factor.create",
        "factor.delete",
        "safeguarding.step",
        "safeguarding.close",
        "pupil.change",
        "pupil.erase",
        "access.grant",
        "staff.change",
        "export.approve",
    ]
    assert all(is_read(action) for action in reads)
    assert not any(is_read(action) for action in changes)
