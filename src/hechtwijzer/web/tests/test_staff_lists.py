"""Pages that list staff answer in a number of queries that does not grow with the staff.

Each page is fetched twice: in the persona world, and after twenty more teachers (some with
the pupil's group, some given access to the pupil) joined the school. The query count must be
the same; before `access.staff_for` the card settings page asked the policy once per staff
member (15 queries with 9 staff, 55 with 29).
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from hechtwijzer.administration import actions
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, build_world


class StaffListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def more_staff(self, n=20):
        w = self.w
        for i in range(n):
            user = actions.create_staff_member(
                actor=None,
                school=w.noord,
                username=f"extra{i}",
                first_name=f"Extra{i}",
                last_name="Test",
                email="",
                role=Role.TEACHER,
                password=PASSWORD,
                groups=[w.group3] if i % 3 == 0 else [],
            ).user
            if i % 3 == 1:
                actions.grant_pupil_access(actor=w.carla, pupil=w.piet, user=user, capacity="gym")

    def queries(self, username, url):
        self.client.logout()
        assert self.client.login(username=username, password=PASSWORD)
        self.client.get(url)  # warm up: session, caches of the first request
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured), response

    def assert_independent_of_staff(self, username, url, extra_name="Extra0"):
        before, _ = self.queries(username, url)
        self.more_staff()
        after, response = self.queries(username, url)
        assert extra_name in response.content.decode(), "the new staff are not on the page"
        assert after == before, f"{url}: {before} queries with the personas, {after} with 20 more"

    def test_the_focus_card_settings(self):
        # Co-teachers to choose from: everyone who may see the pupil.
        url = f"/pupils/{self.w.piet.public_id}/focuskaart/settings/"
        self.assert_independent_of_staff("anna", url)

    def test_the_page_that_gives_other_staff_access(self):
        url = f"/pupils/{self.w.piet.public_id}/access/"
        self.assert_independent_of_staff("carla", url, extra_name="Extra1")

    def test_the_pupil_page_and_its_teachers(self):
        url = f"/pupils/{self.w.piet.public_id}/"
        self.assert_independent_of_staff("carla", url)

    def test_the_page_that_passes_a_concern_on_and_names_the_care_coordinators(self):
        observation = observation_actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["discloses_harm"]
        )
        url = f"/pupils/{self.w.piet.public_id}/observations/{observation.uid}/concern/"
        before, _ = self.queries("anna", url)
        for i in range(10):
            actions.create_staff_member(
                actor=None,
                school=self.w.noord,
                username=f"ib{i}",
                first_name=f"Ib{i}",
                last_name="Test",
                email="",
                role=Role.CARE_COORDINATOR,
                password=PASSWORD,
            )
        after, response = self.queries("anna", url)
        assert "Ib0" in response.content.decode()
        assert after == before, f"{url}: {before} queries, {after} with 10 more coordinators"

    def test_the_staff_list_of_the_administration(self):
        url = "/admin/schools/membership/"
        self.assert_independent_of_staff("dirk", url)
