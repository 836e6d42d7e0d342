"""A POST that the domain function does not take (a form error) shows the page again, with the
pupil's record on it: the door records that as a read (`door.pupil_view`), so the trail misses
no page that showed the pupil. A POST that changes something is recorded once, by its domain
function."""

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.testing import PASSWORD, build_world


class FormErrorReadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        self.url = reverse("observations:observe", args=[self.w.piet.public_id])

    def actions_of(self, response):
        assert response.status_code in (200, 302)
        return list(
            AuditEntry.objects.filter(pupil_public_id=self.w.piet.public_id, id__gt=self.before)
            .order_by("id")
            .values_list("action", flat=True)
        )

    def test_a_form_shown_again_is_recorded_as_a_read(self):
        response = self.client.post(self.url, {"signals": [], "observed_on": "not a day"})
        assert response.status_code == 200
        assert self.actions_of(response) == ["observation.form"]

    def test_a_saved_form_is_recorded_once_by_its_change(self):
        response = self.client.post(
            self.url,
            {"signals": ["concentration"], "observed_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 302
        assert self.actions_of(response) == ["observation.create"]
