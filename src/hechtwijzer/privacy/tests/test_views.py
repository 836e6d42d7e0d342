"""The erase page and the access export, through real requests."""

from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.privacy.models import RetentionHold
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world

from .seed import fill_pupil, missing_models


class PrivacyPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        fill_pupil(cls.w.piet, author=cls.w.anna, coordinator=cls.w.carla, other=cls.w.bram)

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)

    def erase_url(self, pupil=None):
        return reverse("privacy:erase", args=[(pupil or self.w.piet).public_id])

    # --- erase -------------------------------------------------------------------------------

    def test_erase_page_shows_what_will_be_deleted(self):
        self.login("dirk")
        response = self.client.get(self.erase_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "Testkind" in content and 'name="first_name"' in content
        assert response.context["total"] == sum(n for _name, n in response.context["counts"])
        assert AuditEntry.objects.filter(action="pupil.erase_preview").count() == 1

    def test_wrong_name_erases_nothing(self):
        self.login("dirk")
        for typed in ("", "Lara", "Testkind"):
            response = self.client.post(self.erase_url(), {"first_name": typed})
            assert response.status_code == 422
            assert response.context["form"].errors["first_name"]
        assert Pupil.objects.filter(pk=self.w.piet.pk).exists()
        assert not AuditEntry.objects.filter(action="pupil.erase").exists()

    def test_right_name_erases(self):
        self.login("dirk")
        response = self.client.post(self.erase_url(), {"first_name": " piet "})
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:schools_pupil_changelist")
        assert not Pupil.objects.filter(pk=self.w.piet.pk).exists()
        assert AuditEntry.objects.get(action="pupil.erase").pupil_public_id == self.w.piet.public_id
        assert self.client.get(self.erase_url()).status_code == 404

    def test_a_hold_blocks_the_erase_page(self):
        RetentionHold.objects.create(pupil=self.w.piet, reason="bezwaar", placed_by=self.w.dirk)
        self.login("dirk")
        response = self.client.post(self.erase_url(), {"first_name": "Piet"})
        assert response.status_code == 422
        assert Pupil.objects.filter(pk=self.w.piet.pk).exists()

    def test_others_get_404(self):
        for name in ("anna", "carla", "gijs", "fien"):
            self.client.logout()
            self.login(name)
            assert self.client.get(self.erase_url()).status_code == 404, name
            response = self.client.post(self.erase_url(), {"first_name": "Piet"})
            assert response.status_code == 404, name
            if name == "carla":  # the care coordinator exports too (test_export.py)
                continue
            for view in ("privacy:export", "privacy:export_json"):
                url = reverse(view, args=[self.w.piet.public_id])
                assert self.client.get(url).status_code == 404, (name, view)
        assert Pupil.objects.filter(pk=self.w.piet.pk).exists()
        self.client.logout()
        assert self.client.get(self.erase_url()).status_code == 302  # to the log-in page

    def test_admin_pupil_page_links_to_export_and_erase(self):
        self.login("dirk")
        response = self.client.get(reverse("admin:schools_pupil_change", args=[self.w.piet.pk]))
        assert self.erase_url() in response.content.decode()
        assert reverse("privacy:export", args=[self.w.piet.public_id]) in response.content.decode()

    # --- export (the rules and the approvals: test_export.py) ---------------------------------

    def test_the_seed_fills_every_model_about_a_pupil(self):
        RetentionHold.objects.create(pupil=self.w.piet, reason="bezwaar", placed_by=self.w.dirk)
        assert missing_models(self.w.piet) == [], "add the new model to privacy/tests/seed.py"

    # --- audit trail ---------------------------------------------------------------------------

    def test_the_audit_trail_shows_safeguarding_entries_to_the_coordinator_only(self):
        piet = self.w.piet
        url = reverse("privacy:audit", args=[piet.public_id])
        self.login("carla")
        self.client.get(reverse("care:safeguarding", args=[piet.public_id]))
        assert "safeguarding.view" in self.client.get(url).content.decode()
        self.client.logout()
        self.login("dirk")
        page = self.client.get(url).content.decode()
        assert "safeguarding.view" not in page  # that a record exists is the coordinator's
        assert "audit.view" in page and "pupil.create" in page
