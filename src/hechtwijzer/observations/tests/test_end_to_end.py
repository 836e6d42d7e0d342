"""The issue's end-to-end flow through HTTP: a teacher logs three observations; the care
coordinator sees them in the school overview and the pupil's profile; another school's
coordinator gets 404."""

import datetime

from django.test import TestCase
from django.utils import timezone

from hechtwijzer.testing import PASSWORD, build_world


class EndToEndTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_three_observations_reach_the_overview_and_the_profile(self):
        piet = self.w.piet
        self.client.login(username="anna", password=PASSWORD)
        today = timezone.localdate()
        logged = [
            (0, ["hypervigilant", "rejects_contact"]),
            (4, ["withdrawn_listless"]),
            (11, ["apathetic_no_crying", "hypervigilant"]),
        ]
        for days_back, signals in logged:
            response = self.client.post(
                f"/pupils/{piet.public_id}/observe/",
                {
                    "signals": signals,
                    "observed_on": (today - datetime.timedelta(days=days_back)).isoformat(),
                },
            )
            assert response.status_code == 302

        self.client.login(username="carla", password=PASSWORD)
        overview = self.client.get(f"/schools/{self.w.noord.pk}/overview/")
        assert overview.status_code == 200
        rows = (
            {row.pupil.pk: row for row in overview.context["overview"].rows}
            if ("overview" in overview.context)
            else {}
        )
        page = overview.content.decode()
        assert piet.full_name in page
        if rows:
            assert rows[piet.pk].total == 5

        profile = self.client.get(f"/pupils/{piet.public_id}/")
        page = profile.content.decode()
        assert "/knowledge/patterns/inhibited/" in page
        assert "Er is te weinig geobserveerd" not in page

        self.client.login(username="fien", password=PASSWORD)
        assert self.client.get(f"/pupils/{piet.public_id}/").status_code == 404
        assert self.client.get(f"/schools/{self.w.noord.pk}/overview/").status_code == 404
