"""The demo shows a warm handover: per school, last year's handover for the pupil whose card was
evaluated, which this year's teacher meets on the pupil page."""

import io

from django.core.management import call_command
from django.test import TestCase

from hechtwijzer.handover.models import Handover
from hechtwijzer.schools.models import Membership, Role, current_school_year


class DemoHandoverTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())

    def test_this_years_teacher_meets_last_years_handover(self):
        handovers = list(Handover.objects.select_related("pupil__school"))
        assert sorted(h.pupil.school.country for h in handovers) == ["BE", "NL"]
        for handover in handovers:
            assert handover.school_year == current_school_year() - 1
            teacher = Membership.objects.get(groups=handover.pupil.group_id, role=Role.TEACHER)
            self.client.force_login(teacher.user)
            page = self.client.get(f"/pupils/{handover.pupil.public_id}/").content.decode()
            assert "handover-box" in page and handover.pupil.first_name in page
        flemish = next(h for h in handovers if h.pupil.school.country == "BE")
        assert "speeltijd" in flemish.start_with and "pauze" not in flemish.start_with
