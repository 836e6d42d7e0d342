"""The home page: the user's school, groups and pupils, with a bounded number of queries."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from hechtwijzer.administration import actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def home_for(self, username):
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get("/")
        assert response.status_code == 200
        return response.content.decode()

    def test_it_shows_a_teacher_only_their_own_group(self):
        page = self.home_for("anna")
        assert "Noord" in page and "Groep 3" in page
        assert "Piet Testkind" in page and "Lara Testkind" in page
        assert "Mo Testkind" not in page  # group 5
        assert "Sem Testkind" not in page  # left the school
        assert "Zoe Testkind" not in page  # other school
        assert f"/pupils/{self.w.piet.public_id}/" in page

    def test_it_shows_the_care_coordinator_the_whole_school(self):
        page = self.home_for("carla")
        for name in ("Piet", "Lara", "Mo", "Sem"):
            assert f"{name} Testkind" in page
        assert "Zoe Testkind" not in page
        assert "Groep 5" in page

    def test_it_shows_the_school_admin_pupils_without_care_links(self):
        page = self.home_for("dirk")
        assert "Piet Testkind" in page
        assert "/pupils/" not in page
        assert "/admin/" in page

    def test_it_records_that_the_pupil_list_was_read(self):
        self.home_for("anna")
        entry = AuditEntry.objects.get(action="pupil.list", username="anna")
        assert entry.role == "teacher" and entry.school_id == self.w.noord.pk

    def test_it_runs_the_same_number_of_queries_for_few_and_many_pupils(self):
        def count_queries():
            self.client.login(username="carla", password=PASSWORD)
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get("/").status_code == 200
            return len(queries)

        few = count_queries()
        for number in range(60):
            group = (self.w.group3, self.w.group5)[number % 2]
            actions.create_pupil(
                actor=None,
                school=self.w.noord,
                group=group,
                first_name=f"Kind{number}",
                last_name="Extra",
                date_of_birth=datetime.date(2018, 1, 1),
            )
        actions.create_group(
            actor=None, school=self.w.noord, name="Groep 8", school_year=self.w.group3.school_year
        )
        many = count_queries()
        assert few == many
        # The page's own queries, plus the care coordinator's work lists: two for the
        # concerns waiting for a decision (nothing waits here), one each for the pupils to
        # discuss, the overdue evaluations, the open decisions and the referrals without an
        # answer (test_home_worklists.py). The engine's signal lists are on the school
        # overview only.
        assert many <= 15
