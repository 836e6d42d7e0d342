"""Every admin page that shows pupil data writes an audit entry: the change lists, the change
and delete forms, the choices of a pupil field, the autocomplete answer and the audit trail's
own pages, seen as the school administrator (dirk)."""

import json

from django.contrib import admin
from django.db.models import ForeignKey
from django.test import TestCase

from hechtwijzer.admin_site import site
from hechtwijzer.audit.admin import PupilReadsRecorded
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.privacy import actions as privacy_actions
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world


class AdminReadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.hold = privacy_actions.place_hold(
            actor=cls.w.dirk, pupil=cls.w.lara, reason="Bezwaar loopt"
        )

    def setUp(self):
        self.client.login(username="dirk", password=PASSWORD)
        self.before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    def new_entries(self, action):
        return list(AuditEntry.objects.filter(id__gt=self.before, action=action).order_by("id"))

    def assert_no_names(self):
        # Entries hold public ids, never names (the search text may be one).
        details = json.dumps([e.details for e in AuditEntry.objects.filter(id__gt=self.before)])
        for name in ("Piet", "Lara", "Testkind"):
            assert name.lower() not in details.lower(), name

    def test_the_pupil_list_records_the_pupils_it_shows(self):
        assert self.client.get("/admin/schools/pupil/").status_code == 200
        [entry] = self.new_entries("pupil.list")
        noord = {p.public_id for p in Pupil.objects.filter(school=self.w.noord)}
        assert entry.username == "dirk" and entry.school_id == self.w.noord.pk
        assert set(entry.details["shown"]) == noord and entry.details["count"] == len(noord)
        assert entry.details["searched"] is False

    def test_a_search_records_what_it_found_but_not_the_search_text(self):
        assert self.client.get("/admin/schools/pupil/", {"q": "Piet"}).status_code == 200
        [entry] = self.new_entries("pupil.list")
        assert entry.details["shown"] == [self.w.piet.public_id]
        assert entry.details["searched"] is True and entry.details["count"] == 1
        self.assert_no_names()

    def test_the_change_form_records_the_pupil(self):
        assert self.client.get(f"/admin/schools/pupil/{self.w.piet.pk}/change/").status_code == 200
        [entry] = self.new_entries("pupil.view_admin")
        assert entry.pupil_public_id == self.w.piet.public_id
        assert entry.details == {"view": "change_form"}

    def test_the_autocomplete_answer_is_recorded(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "privacy",
                "model_name": "retentionhold",
                "field_name": "pupil",
                "term": "Pie",
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Piet Testkind"]
        [entry] = self.new_entries("pupil.list")
        assert entry.details["view"] == "autocomplete"
        assert entry.details["shown"] == [self.w.piet.public_id]
        self.assert_no_names()

    def test_the_choices_of_a_pupil_field_are_recorded(self):
        assert self.client.get("/admin/privacy/retentionhold/add/").status_code == 200
        [entry] = self.new_entries("pupil.list")
        assert entry.details["view"] == "choices"
        assert self.w.piet.public_id in entry.details["shown"]
        assert self.w.zoe.public_id not in entry.details["shown"]  # another school

    def test_a_hold_names_its_pupil_in_the_list_the_form_and_the_delete_page(self):
        base = f"/admin/privacy/retentionhold/{self.hold.pk}"
        assert self.client.get("/admin/privacy/retentionhold/").status_code == 200
        assert self.new_entries("pupil.list")[0].details["shown"] == [self.w.lara.public_id]
        assert self.client.get(f"{base}/change/").status_code == 200
        assert self.client.get(f"{base}/delete/").status_code == 200
        views = [
            (e.pupil_public_id, e.details["view"]) for e in self.new_entries("pupil.view_admin")
        ]
        assert views == [
            (self.w.lara.public_id, "change_form"),
            (self.w.lara.public_id, "delete_form"),
        ]

    def test_browsing_the_audit_trail_is_recorded(self):
        assert self.client.get("/admin/audit/auditentry/").status_code == 200
        [listed] = self.new_entries("audit.list")
        assert self.w.piet.public_id in listed.details["shown"]
        about_piet = AuditEntry.objects.filter(pupil_public_id=self.w.piet.public_id).first()
        assert (
            self.client.get(f"/admin/audit/auditentry/{about_piet.pk}/change/").status_code == 200
        )
        [viewed] = self.new_entries("audit.view_admin")
        assert viewed.pupil_public_id == self.w.piet.public_id

    def test_the_history_pages_are_gone(self):
        # Django's admin log is off; the page would show a pupil's name without an entry.
        assert self.client.get(f"/admin/schools/pupil/{self.w.piet.pk}/history/").status_code == 404


def test_every_admin_page_with_pupil_data_records_its_reads():
    """A new admin page for pupils, or for a model that names one, must record its reads."""

    def names_pupils(model):
        if model is Pupil or model._meta.label == "audit.AuditEntry":
            return True
        return any(
            isinstance(field, ForeignKey) and field.related_model is Pupil
            for field in model._meta.get_fields()
        )

    pages = {model: page for model, page in site._registry.items() if names_pupils(model)}
    assert {m._meta.label for m in pages} >= {"schools.Pupil", "audit.AuditEntry"}
    for model, page in pages.items():
        assert isinstance(page, PupilReadsRecorded), model._meta.label
        assert isinstance(page, admin.ModelAdmin)
