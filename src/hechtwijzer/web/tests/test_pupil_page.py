"""The pupil page: found through the access helper, read on the audit trail."""

from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions
from hechtwijzer.testing import PASSWORD, build_world


class PupilPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_it_shows_the_pupil_and_records_the_read(self):
        self.client.login(username="anna", password=PASSWORD)
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/")
        self.assertContains(response, "Piet Testkind")
        self.assertContains(response, "Groep 3")
        self.assertContains(response, "Anna Test")  # the group's teacher
        entry = AuditEntry.objects.get(action="pupil.view")
        assert (entry.username, entry.role, entry.pupil_public_id) == (
            "anna",
            "teacher",
            self.w.piet.public_id,
        )

    def test_it_answers_404_outside_scope_and_records_the_refusal(self):
        self.client.login(username="bram", password=PASSWORD)
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/")
        assert response.status_code == 404
        self.assertContains(response, "Pagina niet gevonden", status_code=404)
        entry = AuditEntry.objects.get(action="access.denied")
        assert entry.username == "bram" and entry.pupil_public_id == self.w.piet.public_id

    def test_it_answers_404_for_an_unknown_well_formed_id(self):
        self.client.login(username="carla", password=PASSWORD)
        assert self.client.get("/pupils/aaaaaaaaaaaaaaaa/").status_code == 404

    def test_it_runs_a_bounded_number_of_queries(self):
        self.client.login(username="carla", password=PASSWORD)
        # session, user, memberships and their groups, the pupil, audit, the group's teachers,
        # factors, one query for the profile and every chart, the timeline's count (and its
        # page when there are observations), the focus card, and for the care coordinator the
        # two queries that find out whether a safety concern is waiting for a decision, the
        # plans accepted from a previous school (transfer), the warm handover waiting for this
        # user (15; 16 before the charts shared one query); + the school's version and the
        # pupil read after it, for the page kept per version (audit.kept): 17
        with self.assertNumQueries(17):
            self.client.get(f"/pupils/{self.w.piet.public_id}/")

    def test_each_timeline_entry_links_to_its_own_correction_and_withdrawal(self):
        logged = [
            actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=[code])
            for code in ("concentration", "restless_chaotic")
        ]
        self.client.login(username="anna", password=PASSWORD)
        page = self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        for observation in logged:
            for name in ("observations:correct", "observations:withdraw"):
                url = reverse(name, args=[self.w.piet.public_id, observation.uid])
                assert f'href="{url}"' in page
                assert self.client.get(url).status_code == 200
