"""The care coordinator's pages: factors with the sources' weighing, and access for other staff."""

from django.test import TestCase

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care.models import PupilFactor
from hechtwijzer.observations.models import Informant, Observation
from hechtwijzer.schools.models import PupilAccessGrant
from hechtwijzer.testing import PASSWORD, build_world


class FactorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="carla", password=PASSWORD)
        self.url = f"/pupils/{self.w.piet.public_id}/factors/"

    def test_it_records_factors_and_explains_the_weighing_in_words(self):
        for kind, code in (("risk", "adoption"), ("risk", "parent_own_insecure_attachment")):
            response = self.client.post(
                self.url, {"kind": kind, "code": code, "note": "uit dossier"}
            )
            assert response.status_code == 302
        page = self.client.get(self.url).content.decode()
        from hechtwijzer.catalog import get_catalog

        heaviest = next(r for r in get_catalog().rules if r.effect == "heaviest")
        assert heaviest.label.nl in page
        assert "uit dossier" in page
        assert AuditEntry.objects.filter(action="factor.create").count() == 2

    def test_it_names_a_bad_or_repeated_factor(self):
        bad = self.client.post(self.url, {"kind": "risk", "code": "nonsense"})
        assert "Onbekende factor" in bad.content.decode()
        self.client.post(self.url, {"kind": "risk", "code": "adoption"})
        again = self.client.post(self.url, {"kind": "risk", "code": "adoption"})
        assert "al vastgelegd" in again.content.decode()
        assert PupilFactor.objects.count() == 1

    def test_it_removes_a_factor(self):
        self.client.post(self.url, {"kind": "protective", "code": "available_parents"})
        factor = PupilFactor.objects.get()
        assert self.client.post(self.url, {"remove": str(factor.uid)}).status_code == 302
        assert not PupilFactor.objects.exists()
        assert AuditEntry.objects.filter(action="factor.delete").exists()

    def test_birth_feeding_and_conception_items_cannot_be_recorded(self):
        """Data minimisation (issue 12): these stay in the knowledge base, not in pupil files."""
        page = self.client.get(self.url).content.decode()
        assert 'value="breastfeeding"' not in page and 'value="surrogacy"' not in page
        assert 'value="adoption"' in page  # an ordinary factor is still offered
        refused = self.client.post(self.url, {"kind": "protective", "code": "breastfeeding"})
        assert "niet over een leerling vastgelegd" in refused.content.decode()
        assert not PupilFactor.objects.exists()
        assert not AuditEntry.objects.filter(action="factor.create").exists()

    def test_an_earlier_record_of_such_an_item_is_marked_not_weighed_and_removable(self):
        earlier = PupilFactor.objects.create(
            pupil=self.w.piet, kind="risk", code="surrogacy", recorded_by=self.w.carla
        )
        page = self.client.get(self.url).content.decode()
        assert "Draagmoederschap" in page
        assert "telt niet mee in de weging" in page
        # Surrogacy is a child-level risk; were it weighed, a rule would apply to it.
        assert "Bescherming bij de ouders kan risico bij het kind opvangen" not in page
        assert self.client.post(self.url, {"remove": str(earlier.uid)}).status_code == 302
        assert not PupilFactor.objects.exists()

    def test_the_page_does_not_equate_the_factors_with_the_support_plan(self):
        page = self.client.get(self.url).content.decode()
        assert "het zijn niet de belemmerende en bevorderende factoren" in page
        assert "In het ontwikkelingsperspectief (OPP) zijn dit" not in page

    def test_a_malformed_row_id_is_a_400_and_an_unknown_one_a_404_never_a_server_error(self):
        assert self.client.post(self.url, {"remove": "not-a-uuid"}).status_code == 400
        unknown = "8c1f1f7e-0000-4000-8000-000000000000"
        assert self.client.post(self.url, {"remove": unknown}).status_code == 404
        access_url = f"/pupils/{self.w.piet.public_id}/access/"
        assert self.client.post(access_url, {"revoke": "1 OR 1=1"}).status_code == 400
        assert self.client.post(access_url, {"revoke": "999999"}).status_code == 404

    def test_teachers_and_other_schools_get_404(self):
        for username in ("anna", "fien", "dirk"):
            self.client.login(username=username, password=PASSWORD)
            assert self.client.get(self.url).status_code == 404, username
            assert (
                self.client.post(self.url, {"kind": "risk", "code": "adoption"}).status_code == 404
            )


class AccessGrantTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_a_granted_teacher_logs_as_other_staff_until_access_ends(self):
        piet_url = f"/pupils/{self.w.piet.public_id}/"
        self.client.login(username="bram", password=PASSWORD)
        assert self.client.get(piet_url).status_code == 404

        self.client.login(username="carla", password=PASSWORD)
        access_url = f"{piet_url}access/"
        missing = self.client.post(access_url, {"user": self.w.bram.pk, "capacity": ""})
        assert "In welke rol" in missing.content.decode() or "rol" in missing.content.decode()
        ok = self.client.post(access_url, {"user": self.w.bram.pk, "capacity": "vakleerkracht gym"})
        assert ok.status_code == 302

        self.client.login(username="bram", password=PASSWORD)
        assert self.client.get(piet_url).status_code == 200
        self.client.post(
            f"{piet_url}observe/", {"signals": ["impulsive"], "observed_on": "2026-11-02"}
        )
        assert Observation.objects.get().informant == Informant.OTHER_STAFF

        self.client.login(username="carla", password=PASSWORD)
        grant = PupilAccessGrant.objects.get()
        self.client.post(access_url, {"revoke": grant.pk})
        self.client.login(username="bram", password=PASSWORD)
        assert self.client.get(piet_url).status_code == 404
        assert AuditEntry.objects.filter(action__in=["access.grant", "access.revoke"]).count() == 2

    def test_a_teacher_of_another_school_cannot_be_given_access(self):
        self.client.login(username="carla", password=PASSWORD)
        url = f"/pupils/{self.w.piet.public_id}/access/"
        response = self.client.post(url, {"user": self.w.erik.pk, "capacity": "gym"})
        assert response.status_code == 200
        assert not PupilAccessGrant.objects.exists()
