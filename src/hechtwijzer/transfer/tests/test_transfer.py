"""Transfer to another school: the report out (JSON, PDF, page), what stays home, the
parents' viewing (NL view, BE objection), the import at the receiving school, hostile files,
access, audit and query counts."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.transfer import actions
from hechtwijzer.transfer.models import ReceivedPlan, ReceivedStatus, Transfer
from hechtwijzer.transfer.schema import MAX_BYTES

from .world import (
    CONCERN,
    FACTOR_NOTE,
    OBSERVATION_NOTE,
    OWN,
    REASON_NOTE,
    VOICE,
    pdf_text,
    plan_for,
)

SECRETS = (CONCERN, FACTOR_NOTE, OBSERVATION_NOTE, REASON_NOTE)


def export_json(pupil) -> dict:
    out = io.StringIO()
    call_command("transfer", "--pupil", pupil.public_id, "--json", stdout=out)
    return json.loads(out.getvalue())


def run_import(path, school, *extra):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(
            "transfer-import", str(path), "--school", school, *extra, stdout=out, stderr=err
        )
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


class TransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.records = plan_for(cls.w.piet, cls.w.anna, cls.w.carla)

    def login(self, name):
        self.client.login(username=name, password=PASSWORD)

    # --- the report ------------------------------------------------------------------------

    def test_the_json_holds_the_support_what_worked_the_plan_and_the_figures(self):
        content = export_json(self.w.piet)
        assert content["format"] == "hechtwijzer-transfer" and content["version"] == 1
        assert [c["version"] for c in content["support"]] == [1, 2]
        assert content["support"][0]["evaluation"]["outcomes"][0]["outcome"] == "worked"
        assert [m["code"] for m in content["what_worked"]] == ["sticordi_01"]
        assert content["current_plan"]["version"] == 2
        assert OWN in [m["title"] for m in content["current_plan"]["measures"]]
        assert content["figures"][0]["figures"]["version"] == 2
        assert [v["text"] for v in content["pupil_voice"]] == [VOICE]
        assert content["sending_school"] == {"name": "Noord", "country": "NL", "code": ""}
        assert content["parents"]["viewed_on"] is None
        entry = AuditEntry.objects.filter(action="transfer.export").get()
        assert entry.pupil_public_id == self.w.piet.public_id
        assert entry.details["format"] == "json"

    def test_safeguarding_factors_and_notes_stay_home_by_default(self):
        text = json.dumps(export_json(self.w.piet), ensure_ascii=False)
        for secret in (*SECRETS, "note"):
            assert secret not in text
        assert export_json(self.w.piet)["included"] == []
        self.login("carla")
        pdf = pdf_text(
            self.client.get(reverse("transfer:pdf", args=[self.w.piet.public_id])).content
        )
        assert "Hartelijk, neutraal en accepterend" in pdf
        assert OWN in pdf
        for secret in SECRETS:
            assert secret not in pdf

    def test_the_pdf_and_the_page_show_the_report(self):
        self.login("carla")
        response = self.client.get(reverse("transfer:pdf", args=[self.w.piet.public_id]))
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert "Piet Testkind" in text
        assert "Wat werkte" in text
        page = self.client.get(reverse("transfer:page", args=[self.w.piet.public_id]))
        assert page.status_code == 200
        assert "Hartelijk, neutraal en accepterend" in page.content.decode()
        assert AuditEntry.objects.filter(action="transfer.preview").count() == 1
        assert AuditEntry.objects.filter(action="transfer.export").count() == 1

    def test_a_deliberately_included_item_travels_with_its_reason(self):
        self.login("carla")
        url = reverse("transfer:include", args=[self.w.piet.public_id])
        concern = self.records["concern"]
        response = self.client.post(
            url,
            {"kind": "safeguarding", "record": str(concern.uid), "reason": "Nodig voor de zorg."},
        )
        assert response.status_code == 302
        content = export_json(self.w.piet)
        assert [(i["kind"], i["text"], i["reason"]) for i in content["included"]] == [
            ("safeguarding", CONCERN, "Nodig voor de zorg.")
        ]
        assert FACTOR_NOTE not in json.dumps(content, ensure_ascii=False)
        entry = AuditEntry.objects.get(action="transfer.item.include")
        assert entry.details["kind"] == "safeguarding" and "Nodig" not in json.dumps(entry.details)
        pdf = pdf_text(
            self.client.get(reverse("transfer:pdf", args=[self.w.piet.public_id])).content
        )
        assert CONCERN in pdf and "Nodig voor de zorg." in pdf
        # Without a reason nothing is included.
        self.client.post(
            url, {"kind": "factor", "record": str(self.records["factor"].uid), "reason": ""}
        )
        assert len(export_json(self.w.piet)["included"]) == 1
        # Taken out again.
        item = Transfer.objects.get(pupil=self.w.piet).items.get()
        self.client.post(
            reverse("transfer:remove", args=[self.w.piet.public_id]), {"item": str(item.uid)}
        )
        assert export_json(self.w.piet)["included"] == []
        assert AuditEntry.objects.filter(action="transfer.item.remove").count() == 1

    def test_another_pupils_record_cannot_be_included(self):
        other = plan_for(self.w.mo, self.w.bram, self.w.carla)
        with pytest.raises(ValidationError):
            actions.include_item(
                actor=self.w.carla,
                pupil=self.w.piet,
                kind="observation",
                source_uid=str(other["observation"].uid),
                reason="x",
            )

    def test_dutch_parents_see_it_and_add_their_view(self):
        self.login("carla")
        response = self.client.post(
            reverse("transfer:parents", args=[self.w.piet.public_id]),
            {
                "receiving_school": "De Linde",
                "viewed_on": "2026-12-01",
                "parents_view": "Wij zien thuis dat rust helpt.",
                "version": "0",
            },
        )
        assert response.status_code == 302
        content = export_json(self.w.piet)
        assert content["parents"] == {
            "viewed_on": "2026-12-01",
            "view": "Wij zien thuis dat rust helpt.",
            "objection": "",
        }
        assert content["receiving_school"] == "De Linde"
        assert AuditEntry.objects.get(action="transfer.parents").details["view"] is True
        stored = Transfer.objects.get(pupil=self.w.piet)
        raw = (
            Transfer.objects.filter(pk=stored.pk)
            .values_list("parents_view", flat=True)
            .get()
            .stored
        )
        assert "rust" not in raw  # encrypted at rest
        # A Dutch school records no objection.
        with pytest.raises(ValidationError):
            actions.record_parents(
                actor=self.w.carla,
                pupil=self.w.piet,
                expected_version=stored.version,
                receiving_school="",
                viewed_on=None,
                objection="nee",
                left_out=["support"],
            )


class FlemishTransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.records = plan_for(cls.w.zoe, cls.w.erik, cls.w.fien)

    def test_parents_object_and_the_part_is_left_out(self):
        self.client.login(username="fien", password=PASSWORD)
        self.client.post(
            reverse("transfer:parents", args=[self.w.zoe.public_id]),
            {
                "viewed_on": "2026-12-01",
                "objection": "Niet wat werkte.",
                "left_out": ["what_worked"],
                "version": "0",
            },
        )
        content = export_json(self.w.zoe)
        assert content["left_out"] == ["what_worked"]
        assert content["what_worked"] == []
        assert content["parents"]["objection"] == "Niet wat werkte."
        assert content["support"]  # the rest travels
        pdf = pdf_text(
            self.client.get(reverse("transfer:pdf", args=[self.w.zoe.public_id])).content
        )
        assert "Weggelaten op bezwaar van de ouders" in pdf

    def test_only_school_career_records_travel_and_never_the_safeguarding_record(self):
        with pytest.raises(ValidationError):
            actions.include_item(
                actor=self.w.fien,
                pupil=self.w.zoe,
                kind="safeguarding",
                source_uid=str(self.records["concern"].uid),
                reason="x",
                school_career=True,
            )
        with pytest.raises(ValidationError):  # not confirmed: concerns the school career, no breach
            actions.include_item(
                actor=self.w.fien,
                pupil=self.w.zoe,
                kind="observation",
                source_uid=str(self.records["observation"].uid),
                reason="Helpt de klasleerkracht.",
            )
        actions.include_item(
            actor=self.w.fien,
            pupil=self.w.zoe,
            kind="observation",
            source_uid=str(self.records["observation"].uid),
            reason="Helpt de klasleerkracht.",
            school_career=True,
        )
        content = export_json(self.w.zoe)
        assert [i["kind"] for i in content["included"]] == ["observation"]
        assert CONCERN not in json.dumps(content, ensure_ascii=False)

    def test_flemish_parents_do_not_add_a_view(self):
        with pytest.raises(ValidationError):
            actions.record_parents(
                actor=self.w.fien,
                pupil=self.w.zoe,
                expected_version=0,
                receiving_school="",
                viewed_on=None,
                parents_view="Wij vinden...",
            )


class ReceivingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        plan_for(cls.w.piet, cls.w.anna, cls.w.carla)
        cls.w.zuid.institution_number = "123456"
        cls.w.zuid.save()

    def setUp(self):
        self.content = export_json(self.w.piet)
        self.path = self.tmp("report.json", json.dumps(self.content).encode())

    def tmp(self, name, data: bytes):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        path = folder / name
        path.write_bytes(data)
        return path

    def counts(self):
        return (Pupil.objects.count(), ReceivedPlan.objects.count(), AuditEntry.objects.count())

    def test_round_trip_export_import_accept(self):
        before = self.counts()
        code, out, err = run_import(self.path, "123456", "--dry-run", "--json")
        assert code == 0, err
        assert json.loads(out)["pupil"]["created"] is True
        assert self.counts() == before  # a dry run writes nothing
        code, out, err = run_import(self.path, "123456", "--json")
        assert code == 0, err
        result = json.loads(out)
        plan = ReceivedPlan.objects.get()
        assert plan.status == ReceivedStatus.PENDING and plan.school == self.w.zuid
        pupil = plan.pupil
        assert (pupil.first_name, pupil.school) == ("Piet", self.w.zuid)
        assert result["pupil"]["public_id"] == pupil.public_id
        assert (
            "Hartelijk"
            not in ReceivedPlan.objects.values_list("content_json", flat=True).get().stored
        )
        # The same report again: refused, nothing changed.
        before = self.counts()
        code, out, err = run_import(self.path, "123456")
        assert code == 2 and "already received" in err and err.count("\n") <= 1
        assert self.counts() == before
        # The receiving coordinator accepts; then it shows on the pupil page.
        self.client.login(username="fien", password=PASSWORD)
        url = reverse("transfer:received", args=[pupil.public_id, plan.uid])
        page = self.client.get(url)
        assert (
            page.status_code == 200
            and "Hartelijk, neutraal en accepterend" in page.content.decode()
        )
        assert self.client.post(url, {"decision": "accept"}).status_code == 302
        plan.refresh_from_db()
        assert plan.status == ReceivedStatus.ACCEPTED and plan.decided_by == self.w.fien
        assert AuditEntry.objects.filter(action="transfer.received.accept").count() == 1
        pupil_page = self.client.get(reverse("pupil", args=[pupil.public_id])).content.decode()
        assert url in pupil_page
        # Accepted once: not again.
        with pytest.raises(ValidationError):
            actions.decline(actor=self.w.fien, plan=plan)

    def test_matched_by_source_key_with_the_same_name_and_birthday(self):
        Pupil.objects.filter(pk=self.w.piet.pk).update(source_key="LL-7")
        self.w.piet.refresh_from_db()
        content = export_json(self.w.piet)
        existing = Pupil.objects.create(
            school=self.w.zuid,
            group=self.w.group4,
            first_name="Piet",
            last_name="Testkind",
            date_of_birth=self.w.piet.date_of_birth,
            source_key="LL-7",
        )
        path = self.tmp("r.json", json.dumps(content).encode())
        code, out, err = run_import(path, str(self.w.zuid.pk), "--json")
        assert code == 0, err
        assert json.loads(out)["pupil"]["matched_by"] == "source_key"
        plan = ReceivedPlan.objects.get()
        assert plan.pupil == existing and Pupil.objects.filter(school=self.w.zuid).count() == 2
        url = reverse("transfer:received", args=[existing.public_id, plan.uid])
        # The pupil's teacher: nothing while it waits; the history once accepted.
        self.client.login(username="erik", password=PASSWORD)
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, {"decision": "accept"}).status_code == 404
        actions.accept(actor=self.w.fien, plan=plan)
        with self.assertNumQueries(7):
            page = self.client.get(url)
        assert page.status_code == 200
        assert "Hartelijk, neutraal en accepterend" in page.content.decode()
        assert AuditEntry.objects.filter(action="transfer.received_view").count() == 1

    def test_another_name_under_the_same_key_makes_a_new_pupil(self):
        Pupil.objects.filter(pk=self.w.piet.pk).update(source_key="LL-7")
        self.w.piet.refresh_from_db()
        content = export_json(self.w.piet)
        Pupil.objects.create(
            school=self.w.zuid,
            first_name="Anders",
            last_name="Kind",
            date_of_birth=self.w.piet.date_of_birth,
            source_key="LL-7",
        )
        path = self.tmp("r.json", json.dumps(content).encode())
        code, out, err = run_import(path, "123456", "--json")
        assert code == 0, err
        result = json.loads(out)
        assert result["pupil"]["created"] is True and result["warnings"]
        assert ReceivedPlan.objects.get().pupil.first_name == "Piet"

    def test_the_upload_page_receives_and_lists_what_waits(self):
        self.client.login(username="fien", password=PASSWORD)
        url = reverse("transfer:import", args=[self.w.zuid.pk])
        with open(self.path, "rb") as handle:
            response = self.client.post(url, {"file": handle})
        assert response.status_code == 302
        plan = ReceivedPlan.objects.get()
        with self.assertNumQueries(10):
            page = self.client.get(url)
        assert plan.pupil.full_name in page.content.decode()
        assert AuditEntry.objects.filter(action="transfer.import_view").exists()
        bad = self.tmp("bad.json", b"{")
        with open(bad, "rb") as handle:
            response = self.client.post(url, {"file": handle})
        assert response.status_code == 422
        assert ReceivedPlan.objects.count() == 1
        # Another school's upload page does not exist for her; nor for a teacher.
        assert (
            self.client.get(reverse("transfer:import", args=[self.w.noord.pk])).status_code == 404
        )
        self.client.login(username="erik", password=PASSWORD)
        assert self.client.get(url).status_code == 404
        # A pending plan is for the care coordinator only.
        received = reverse("transfer:received", args=[plan.pupil.public_id, plan.uid])
        assert self.client.get(received).status_code == 404


HOSTILE = {
    "not json": b"{not json",
    "not utf-8": b'{"format": "\xff"}',
    "empty": b"   ",
    "a list": b"[]",
    "duplicate key": b'{"format": "hechtwijzer-transfer", "format": "x"}',
    "NaN": b'{"format": NaN}',
    "deep": b"[" * 5000 + b"]" * 5000,
    "wrong format": b'{"format": "edexml", "version": 1}',
    "wrong version": b'{"format": "hechtwijzer-transfer", "version": 9}',
    "huge number": b'{"format": ' + b"9" * 5000 + b"}",
}


class HostileFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        plan_for(cls.w.piet, cls.w.anna, cls.w.carla)

    def setUp(self):
        self.good = export_json(self.w.piet)

    def write(self, data: bytes):
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp()) / "r.json"
        path.write_bytes(data)
        return path

    def refused(self, data: bytes, expected: str):
        before = (Pupil.objects.count(), ReceivedPlan.objects.count(), AuditEntry.objects.count())
        code, out, err = run_import(self.write(data), str(self.w.zuid.pk))
        assert code == 2, (expected, out, err)
        assert err.startswith("error: ") and err.strip().count("\n") == 0, err
        assert expected in err, err
        assert (
            Pupil.objects.count(),
            ReceivedPlan.objects.count(),
            AuditEntry.objects.count(),
        ) == before

    def changed(self, change) -> bytes:
        content = json.loads(json.dumps(self.good))
        change(content)
        return json.dumps(content).encode()

    def test_malformed_files(self):
        expected = {
            "not json": "not JSON",
            "not utf-8": "not UTF-8",
            "empty": "empty",
            "a list": "top",
            "duplicate key": "duplicate key",
            "NaN": "NaN",
            "deep": "nested",
            "wrong format": "format",
            "wrong version": "version",
            "huge number": "not JSON",
        }
        for name, data in HOSTILE.items():
            self.refused(data, expected[name])

    def test_too_large(self):
        self.refused(b" " * (MAX_BYTES + 10), "larger")

    def test_wrong_shapes(self):
        cases = [
            (lambda c: c.update(extra=1), "unknown key 'extra'"),
            (lambda c: c["pupil"].update(date_of_birth="2019-02-30"), "pupil.date_of_birth"),
            (lambda c: c["pupil"].pop("last_name"), "pupil: missing 'last_name'"),
            (lambda c: c["pupil"].update(first_name="x" * 101), "pupil.first_name"),
            (lambda c: c["support"][0].update(version="1"), "support[0].version"),
            (lambda c: c["support"][0]["measures"].append({"code": None}), "support[0].measures"),
            (lambda c: c.update(left_out=["everything"]), "left_out[0]"),
            (lambda c: c.update(transfer_id="x"), "transfer_id"),
            (lambda c: c["sending_school"].update(country="DE"), "sending_school.country"),
            (lambda c: c["figures"][0]["figures"].update(before_rate="1"), "before_rate"),
            (lambda c: c["pupil_voice"].insert(0, {"kind": "x"}), "pupil_voice[0]"),
            (lambda c: c.update(support=[c["support"][0]] * 201), "more than 200"),
        ]
        for change, expected in cases:
            self.refused(self.changed(change), expected)

    def test_an_unknown_school_or_file(self):
        code, _out, err = run_import(self.write(json.dumps(self.good).encode()), "99XX")
        assert code == 2 and "no school" in err
        code, _out, err = run_import("/nonexistent/r.json", str(self.w.zuid.pk))
        assert code == 2 and "no such file" in err


class AccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.records = plan_for(cls.w.piet, cls.w.anna, cls.w.carla)

    def test_only_the_care_coordinator_of_the_school(self):
        pid = self.w.piet.public_id
        urls = [
            reverse("transfer:page", args=[pid]),
            reverse("transfer:pdf", args=[pid]),
            reverse("transfer:json", args=[pid]),
        ]
        for name in ("anna", "bram", "dirk", "fien"):
            self.client.login(username=name, password=PASSWORD)
            for url in urls:
                assert self.client.get(url).status_code == 404, (name, url)
            response = self.client.post(
                reverse("transfer:parents", args=[pid]), {"viewed_on": "2026-12-01", "version": "0"}
            )
            assert response.status_code == 404
        assert not Transfer.objects.exists()
        assert AuditEntry.objects.filter(action="access.denied").count() == 16
        self.client.logout()
        assert self.client.get(urls[0]).status_code == 302  # to the log-in page

    def test_the_page_runs_a_bounded_number_of_queries(self):
        # the frame (session, user, memberships, groups), the pupil, audit, the transfer, its
        # included items, the records to weigh (concerns, factors, observation notes), the
        # card versions with entries, own measures, evaluations and outcomes, the pupil's
        # voice; the same however many records, versions or included items
        self.client.login(username="carla", password=PASSWORD)
        actions.include_item(
            actor=self.w.carla,
            pupil=self.w.piet,
            kind="factor",
            source_uid=str(self.records["factor"].uid),
            reason="Nodig.",
        )
        url = reverse("transfer:page", args=[self.w.piet.public_id])
        with self.assertNumQueries(17):
            assert self.client.get(url).status_code == 200
        for day in (3, 4, 5):
            observation = observation_actions.log_observation(
                actor=self.w.carla,
                pupil=self.w.piet,
                signals=["withdrawn"],
                observed_on=datetime.date(2026, 11, day),
                note=f"Notitie {day}",
            )
        actions.include_item(
            actor=self.w.carla,
            pupil=self.w.piet,
            kind="observation",
            source_uid=str(observation.uid),
            reason="Ook nodig.",
        )
        with self.assertNumQueries(17):
            page = self.client.get(url)
        assert "Ook nodig." in page.content.decode()

    def test_the_json_download_is_audited(self):
        self.client.login(username="carla", password=PASSWORD)
        response = self.client.get(reverse("transfer:json", args=[self.w.piet.public_id]))
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content)["pupil"]["first_name"] == "Piet"
        entry = AuditEntry.objects.get(action="transfer.export")
        assert entry.username == "carla" and entry.details["format"] == "json"


class HomeLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_care_coordinator_finds_the_upload_page_on_the_home_page(self):
        url = reverse("transfer:import", args=[self.w.noord.pk])
        self.client.login(username="carla", password=PASSWORD)
        assert url in self.client.get("/").content.decode()
        self.client.login(username="anna", password=PASSWORD)
        assert url not in self.client.get("/").content.decode()
        assert self.client.get(url).status_code == 404
