"""The access export: the pupil record for everyone who may export, the care record and the
safeguarding record only with a care coordinator's approval; readable for parents."""

import datetime
import json

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.catalog import get_catalog
from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.privacy.export import RULES, Parts, build_export
from hechtwijzer.privacy.graph import pupil_models
from hechtwijzer.privacy.models import ExportApproval
from hechtwijzer.testing import PASSWORD, build_world

from .seed import fill_pupil, marker, missing_models

RECORD_MARKERS = ["privacy.RetentionHold.reason", "readlinks.ReadLink.recipient"]
# The seed's observation is the one its safeguarding concern rests on: safeguarding, like the
# concern and its step. Everything else the seed writes is the care record.
SAFEGUARDING_MARKERS = [
    "observations.Observation.note",
    "care.SafeguardingConcern.concern",
    "care.SafeguardingStep.consulted",
    "care.SafeguardingStep.decision",
]
CARE_MARKERS = [
    "care.PupilFactor.note",
    "plans.FocusCard.reason",
    "plans.CardEntry.note",
    "plans.OwnMeasure.text",
    "plans.Evaluation.summary",
    "plans.MeasureOutcome.note",
    "plans.PupilVoice.text",
    "transfer.Transfer.parents_view",
    "transfer.Transfer.objection",
    "transfer.IncludedItem.reason",
    "transfer.ReceivedPlan.content_json",
    "behaviour.BehaviourCard.goal_1",
    "behaviour.BehaviourCard.goal_2",
    "behaviour.BehaviourCard.goal_3",
    "behaviour.DayProgramme.title",
    "behaviour.ProgrammeBlock.label",
    "parents.ParentConversation.attendees",
    "parents.ParentConversation.at_home",
    "parents.ParentConversation.agreements",
    "parents.PlanConsent.parents_view",
    "referrals.Referral.professional",
    "referrals.Referral.organisation",
    "referrals.Referral.question",
    "referrals.Referral.safeguarding_reason",
    "referrals.Referral.consent_exception_reason",
    "referrals.Referral.answer",
    "care-observation",  # an everyday observation, added below
]
NEVER_MARKERS = ["privacy.ExportApproval.safeguarding_reason"]


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        piet = cls.w.piet
        fill_pupil(piet, author=cls.w.anna, coordinator=cls.w.carla, other=cls.w.bram, hold=True)
        # The seed's own approval is Piet's: the tests make their own.
        ExportApproval.objects.filter(pupil=piet).delete()
        everyday = Observation.objects.create(
            pupil=piet,
            author=cls.w.anna,
            informant="group_teacher",
            observed_on=datetime.date(2026, 10, 5),
            note=cls.mark("care-observation"),
        )
        ObservationSignal.objects.create(
            observation=everyday,
            code="concentration",
            pupil=piet,
            observed_on=everyday.observed_on,
            signal_group=get_catalog().get("signals", "concentration").group,
            informant="group_teacher",
        )
        cls.everyday = everyday

    @classmethod
    def mark(cls, name):
        label, _dot, field = name.rpartition(".")
        return marker(cls.w.piet, label, field) if label else f"zqxPiet.{name}qxz"

    def login(self, name):
        self.client.logout()
        assert self.client.login(username=name, password=PASSWORD)

    def url(self, name="privacy:export"):
        return reverse(name, args=[self.w.piet.public_id])

    def assert_parts(self, body, *, care, safeguarding):
        for name in RECORD_MARKERS:
            assert self.mark(name) in body, name
        for name in CARE_MARKERS:
            assert (self.mark(name) in body) is care, (name, care)
        for name in SAFEGUARDING_MARKERS:
            assert (self.mark(name) in body) is safeguarding, (name, safeguarding)
        for name in NEVER_MARKERS:
            assert self.mark(name) not in body, name

    def approve(self, **data):
        self.login("carla")
        return self.client.post(self.url("privacy:approve_export"), data)

    def use(self, fmt, approval):
        return self.client.post(self.url(), {"approval": str(approval.uid), "format": fmt})

    # --- the rule ---------------------------------------------------------------------------

    def test_every_model_about_a_pupil_has_a_rule_covering_its_notes(self):
        # The seed fills every model (the approval, removed above, too: test_views.py).
        assert missing_models(self.w.piet, allowed=("privacy.ExportApproval",)) == []
        for entry in pupil_models():
            rule = RULES.get(entry.label)
            assert rule is not None, f"say in privacy/export.py RULES what {entry.label} is"
            if rule.part is None:
                assert rule.why, entry.label
                continue
            sources = {f.source or f.key for f in rule.fields if not callable(f.source)}
            for field in entry.model._meta.concrete_fields:
                if isinstance(field, EncryptedTextField):
                    assert field.name in sources, (entry.label, field.name)

    def test_the_whole_export_holds_every_note_but_the_approvals(self):
        export = build_export(self.w.piet, parts=Parts(care=True, safeguarding=True))
        self.assert_parts(json.dumps(export, ensure_ascii=False), care=True, safeguarding=True)

    # --- without an approval ------------------------------------------------------------------

    def test_the_admin_without_approval_gets_the_pupil_record_only(self):
        self.login("dirk")
        page = self.client.get(self.url())
        assert page.status_code == 200
        self.assert_parts(page.content.decode(), care=False, safeguarding=False)
        download = self.client.get(self.url("privacy:export_json"))
        assert download.status_code == 200
        assert download["Content-Type"].startswith("application/json")
        self.assert_parts(download.content.decode(), care=False, safeguarding=False)
        data = json.loads(download.content)
        assert data["parts"] == {"record": True, "care": False, "safeguarding": False}
        assert set(data["records"]) == {"holds", "access", "read_links"}
        exports = AuditEntry.objects.filter(action="pupil.export")
        assert sorted(e.details["format"] for e in exports) == ["html", "json"]
        assert all(e.details["parts"] == ["record"] for e in exports)
        assert all(e.details["approval"] is None for e in exports)

    def test_the_coordinator_without_approval_gets_the_pupil_record_only(self):
        self.login("carla")
        page = self.client.get(self.url())
        assert page.status_code == 200
        self.assert_parts(page.content.decode(), care=False, safeguarding=False)
        assert self.url("privacy:approve_export") in page.content.decode()

    # --- approving --------------------------------------------------------------------------

    def test_safeguarding_needs_a_deliberate_choice_with_a_reason(self):
        for data, field in (
            ({"include_care": "on"}, "safeguarding"),
            ({"include_care": "on", "safeguarding": "include"}, "reason"),
            ({"include_care": "on", "safeguarding": "withhold", "reason": "  "}, "reason"),
            ({"safeguarding": "maybe", "reason": "x"}, "safeguarding"),
        ):
            response = self.approve(**data)
            assert response.status_code == 400, data
            assert len(response.context["form"].errors[field]) == 1, data
        assert not ExportApproval.objects.exists()
        assert not AuditEntry.objects.filter(action="export.approve").exists()

    def test_an_approval_of_nothing_is_refused(self):
        response = self.approve(safeguarding="withhold", reason="Gesprek met Veilig Thuis loopt.")
        assert response.status_code == 400
        assert response.context["form"].errors["include_care"]
        assert not ExportApproval.objects.exists()

    def test_a_pupil_without_a_safeguarding_record_needs_no_choice(self):
        self.login("carla")
        url = reverse("privacy:approve_export", args=[self.w.lara.public_id])
        assert 'name="safeguarding"' not in self.client.get(url).content.decode()
        own = self.client.get(self.url("privacy:approve_export")).content.decode()
        assert 'name="safeguarding"' in own and 'name="reason"' in own
        response = self.client.post(url, {"include_care": "on"})
        assert response.status_code == 302
        approval = ExportApproval.objects.get(pupil=self.w.lara)
        assert approval.safeguarding == "nothing" and approval.include_care

    def test_the_coordinator_approves_and_the_admin_exports_once_per_format(self):
        response = self.approve(
            include_care="on",
            safeguarding="withhold",
            reason="zqxPiet.reasonqxz: het gesprek met Veilig Thuis loopt nog.",
        )
        assert response.status_code == 302
        approval = ExportApproval.objects.get()
        assert approval.approved_by == self.w.carla and approval.pupil == self.w.piet
        assert approval.include_care and approval.safeguarding == "withhold"
        assert approval.expires_at - approval.approved_at == datetime.timedelta(days=14)
        entry = AuditEntry.objects.get(action="export.approve")
        assert entry.username == "carla" and entry.pupil_public_id == self.w.piet.public_id
        assert entry.details == {
            "care": True,
            "safeguarding": "withhold",
            "expires": approval.expires_at.date().isoformat(),
        }
        assert "reason" not in json.dumps(entry.details)

        self.login("dirk")
        page = self.client.get(self.url())  # a plain read never uses the approval
        self.assert_parts(page.content.decode(), care=False, safeguarding=False)
        assert 'name="approval"' in page.content.decode()
        page = self.use("html", approval)
        assert page.status_code == 200
        body = page.content.decode()
        self.assert_parts(body, care=True, safeguarding=False)
        assert "zqxPiet.reasonqxz" not in body
        again = self.use("html", approval)
        assert again.status_code == 409
        self.assert_parts(again.content.decode(), care=False, safeguarding=False)
        download = self.use("json", approval)
        assert download.status_code == 200
        self.assert_parts(download.content.decode(), care=True, safeguarding=False)
        assert json.loads(download.content)["parts"]["care"] is True
        assert self.use("json", approval).status_code == 409
        approval.refresh_from_db()
        assert approval.page_used_at and approval.json_used_at
        used = AuditEntry.objects.filter(action="pupil.export", details__approval=str(approval.uid))
        assert sorted((e.username, e.details["format"]) for e in used) == [
            ("dirk", "html"),
            ("dirk", "json"),
        ]
        assert all(e.details["parts"] == ["record", "care"] for e in used)

    def test_the_coordinator_includes_safeguarding_after_weighing_it(self):
        response = self.approve(
            include_care="on", safeguarding="include", reason="Besproken; geen gevaar."
        )
        assert response.status_code == 302
        approval = ExportApproval.objects.get()
        self.login("carla")  # the coordinator's own export
        page = self.use("html", approval)
        assert page.status_code == 200
        self.assert_parts(page.content.decode(), care=True, safeguarding=True)
        entry = AuditEntry.objects.get(action="pupil.export", details__approval=str(approval.uid))
        assert entry.username == "carla"
        assert entry.details["parts"] == ["record", "care", "safeguarding"]

    def test_an_expired_approval_exports_nothing_more(self):
        self.approve(include_care="on", safeguarding="include", reason="Besproken.")
        approval = ExportApproval.objects.get()
        ExportApproval.objects.filter(pk=approval.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        self.login("dirk")
        page = self.client.get(self.url())
        assert 'name="approval"' not in page.content.decode()
        response = self.use("html", approval)
        assert response.status_code == 409
        self.assert_parts(response.content.decode(), care=False, safeguarding=False)
        approval.refresh_from_db()
        assert approval.page_used_at is None

    def test_an_approval_for_another_pupil_or_a_malformed_one_is_refused(self):
        self.login("carla")
        url = reverse("privacy:approve_export", args=[self.w.lara.public_id])
        self.client.post(url, {"include_care": "on"})
        lara_approval = ExportApproval.objects.get(pupil=self.w.lara)
        self.login("dirk")
        response = self.use("html", lara_approval)
        assert response.status_code == 409
        self.assert_parts(response.content.decode(), care=False, safeguarding=False)
        bad = self.client.post(self.url(), {"approval": "not-a-uuid", "format": "pdf"})
        assert bad.status_code == 400

    def test_only_the_coordinator_approves_and_only_in_their_school(self):
        for name in ("anna", "dirk", "gijs", "fien", "bram"):
            self.login(name)
            assert self.client.get(self.url("privacy:approve_export")).status_code == 404, name
            response = self.client.post(
                self.url("privacy:approve_export"),
                {"include_care": "on", "safeguarding": "include", "reason": "x"},
            )
            assert response.status_code == 404, name
        assert not ExportApproval.objects.exists()

    def test_others_cannot_use_an_approval(self):
        self.approve(include_care="on", safeguarding="include", reason="Besproken.")
        approval = ExportApproval.objects.get()
        for name in ("anna", "bram", "gijs", "fien"):
            self.login(name)
            assert self.use("html", approval).status_code == 404, name
            assert self.use("json", approval).status_code == 404, name
        approval.refresh_from_db()
        assert approval.page_used_at is None and approval.json_used_at is None

    # --- for parents ------------------------------------------------------------------------

    def full_export(self, lang):
        self.approve(include_care="on", safeguarding="include", reason="Besproken.")
        self.login("dirk")
        approval = ExportApproval.objects.get()
        with translation.override(lang):
            self.client.cookies.load({"django_language": lang})
            page = self.use("html", approval).content.decode()
            data = json.loads(self.use("json", approval).content)
        return page, data

    def test_the_page_speaks_dutch_to_parents(self):
        page, data = self.full_export("nl")
        assert "14 maart 2019" in page  # the date of birth, as people write it
        assert "5 oktober 2026" in page
        signal = get_catalog().get("signals", "concentration")
        assert signal.label.nl in page
        assert "concentration" not in page  # no catalog codes on the page
        assert "group_teacher" not in page and "groepsleerkracht" in page
        for internal in (str(self.everyday.uid), "127.0.0.1", "access.denied", "carla"):
            assert internal not in page, internal
        assert "Carla Test" in page  # staff by name, not by username
        assert data["language"] == "nl"

    def test_the_page_speaks_english_too(self):
        page, data = self.full_export("en")
        assert "14 March 2019" in page and "5 October 2026" in page
        assert get_catalog().get("signals", "concentration").label.en in page
        observation = next(o for o in data["records"]["observations"] if o["day"] == "2026-10-05")
        assert observation["signals"] == [
            {
                "signal": {
                    "code": "concentration",
                    "label": get_catalog().get("signals", "concentration").label.en,
                }
            }
        ]

    def test_the_json_keeps_codes_but_no_internal_ids_or_addresses(self):
        _page, data = self.full_export("nl")
        body = json.dumps(data)
        assert set(data) == {
            "format",
            "version",
            "generated_on",
            "language",
            "parts",
            "pupil",
            "retention",
            "records",
            "trail",
        }
        assert data["pupil"]["reference"] == self.w.piet.public_id
        assert data["pupil"]["date_of_birth"] == "2019-03-14"
        for internal in (str(self.everyday.uid), "remote_addr", "username", "127.0.0.1"):
            assert internal not in body, internal
        assert data["records"]["factors"][0]["kind"]["code"] == "risk"
        assert data["records"]["safeguarding_concerns"][0]["route"]["code"] == "nl_meldcode"

    def test_the_trail_counts_reads_and_changes_without_refusals_or_safeguarding(self):
        self.login("anna")
        self.client.get(reverse("pupil", args=[self.w.piet.public_id]))
        self.client.get(reverse("care:safeguarding", args=[self.w.piet.public_id]))  # refused
        self.login("carla")
        self.client.get(reverse("care:safeguarding", args=[self.w.piet.public_id]))
        self.login("dirk")
        data = json.loads(self.client.get(self.url("privacy:export_json")).content)
        names = {row["name"]: row for row in data["trail"]}
        assert names["Anna Test"]["read"] == 1 and names["Anna Test"]["changed"] == 0
        assert "Carla Test" not in names  # her only read was of the safeguarding record
        full = build_export(self.w.piet, parts=Parts(care=True, safeguarding=True))
        assert {row["name"] for row in full["trail"]} >= {"Anna Test", "Carla Test"}

    def test_the_pupil_page_leads_the_coordinator_to_the_export(self):
        export_url = self.url()
        self.login("carla")
        assert (
            export_url
            in self.client.get(reverse("pupil", args=[self.w.piet.public_id])).content.decode()
        )
        self.login("anna")
        assert (
            export_url
            not in self.client.get(reverse("pupil", args=[self.w.piet.public_id])).content.decode()
        )
