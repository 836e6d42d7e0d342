"""The care-team meeting (issue 16, item 2): who sees which meeting and which pupils on it,
what is audited, the queries of the meeting page, the PDFs, the evaluation → agenda path and
`open_decisions()`."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.locking import StaleVersion
from hechtwijzer.plans.models import Decision
from hechtwijzer.testing import PASSWORD

from .. import actions
from ..models import AgendaItem, AgendaSource, MeetingDecision, MeetingStatus
from ..queries import open_decisions
from .world import FACTOR_NOTE, SAFEGUARDING_TEXT, days_ago, evaluated_card, meeting_world


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        if shutil.which("pdftotext"):
            return subprocess.run(
                ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
            ).stdout
    import io

    import pypdf

    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)


class MeetingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = meeting_world()

    def login(self, name):
        self.client.logout()
        assert self.client.login(username=name, password=PASSWORD)

    def url(self, name="meetings:meeting", uid=None):
        return reverse(name, args=[uid or self.w.meeting.uid])

    # --- access ---------------------------------------------------------------------------

    def test_the_coordinator_sees_every_pupil_on_the_agenda(self):
        self.login("carla")
        page = self.client.get(self.url())
        assert page.status_code == 200
        text = page.content.decode()
        assert "Piet Testkind" in text and "Mo Testkind" in text
        assert "Hoe verder na de evaluatie?" in text
        assert self.url("meetings:agenda_add") in text  # the pupil picker

    def test_a_teacher_attendee_sees_only_agenda_items_of_pupils_in_scope(self):
        self.login("anna")
        page = self.client.get(self.url())
        assert page.status_code == 200
        text = page.content.decode()
        assert "Piet Testkind" in text
        assert "Mo Testkind" not in text and "Mo trekt zich terug" not in text
        assert self.url("meetings:agenda_add") not in text  # reads, does not write

    def test_staff_who_do_not_attend_and_other_schools_get_404(self):
        for name in ("bram", "dirk", "fien", "erik"):
            self.login(name)
            before = AuditEntry.objects.filter(action="access.denied").count()
            assert self.client.get(self.url()).status_code == 404, name
            assert self.client.get(self.url("meetings:minutes_pdf")).status_code == 404, name
            assert AuditEntry.objects.filter(action="access.denied").count() == before + 2

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(self.url())
        assert response.status_code == 302 and response["Location"].startswith("/?next=/meetings/")

    def test_a_teacher_attendee_cannot_write(self):
        self.login("anna")
        item = self.w.piet_item
        url = reverse("meetings:minutes", args=[item.uid])
        assert self.client.post(url, {"minutes": "x", "version": 1}).status_code == 404
        url = reverse("meetings:decision", args=[item.uid])
        response = self.client.post(
            url, {"what": "x", "owner": self.w.anna.pk, "due_on": "2030-01-01"}
        )
        assert response.status_code == 404
        assert self.client.post(self.url("meetings:held")).status_code == 404
        assert self.client.get(reverse("meetings:new", args=[self.w.noord.pk])).status_code == 404
        item.refresh_from_db()
        assert item.minutes == "" and not MeetingDecision.objects.exists()
        with pytest.raises(PermissionDenied):
            actions.write_minutes(actor=self.w.anna, item=item, text="x", version=1)

    def test_another_schools_coordinator_cannot_put_a_pupil_on_an_agenda(self):
        self.login("fien")
        url = reverse("meetings:put_on_agenda", args=[self.w.piet.public_id])
        assert self.client.get(url).status_code == 404
        with pytest.raises(PermissionDenied):
            actions.add_to_agenda(actor=self.w.fien, meeting=self.w.meeting, pupil=self.w.piet)

    # --- audit ----------------------------------------------------------------------------

    def test_reading_the_page_records_a_read_per_pupil_shown(self):
        self.login("anna")
        self.client.get(self.url())
        reads = AuditEntry.objects.filter(action="meeting.view", username="anna")
        assert sorted(reads.values_list("pupil_public_id", flat=True)) == [self.w.piet.public_id]
        self.login("carla")
        self.client.get(self.url())
        reads = AuditEntry.objects.filter(action="meeting.view", username="carla")
        assert sorted(reads.values_list("pupil_public_id", flat=True)) == sorted(
            [self.w.piet.public_id, self.w.mo.public_id]
        )
        assert reads.first().role == "care_coordinator"

    def test_minutes_and_decisions_are_written_encrypted_and_audited(self):
        self.login("carla")
        item = self.w.piet_item
        response = self.client.post(
            reverse("meetings:minutes", args=[item.uid]),
            {"minutes": "Afgesproken: rustplek in de klas.", "version": item.minutes_version},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Afgesproken: rustplek in de klas." in response.content.decode()
        item.refresh_from_db()
        assert item.minutes == "Afgesproken: rustplek in de klas."
        due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        response = self.client.post(
            reverse("meetings:decision", args=[item.uid]),
            {"what": "Oudergesprek plannen", "owner": self.w.anna.pk, "due_on": due},
        )
        assert response.status_code == 302
        decision = MeetingDecision.objects.get()
        assert decision.owner == self.w.anna and decision.due_on.isoformat() == due
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT minutes FROM meetings_agendaitem WHERE id = %s", [item.pk])
            assert "rustplek" not in cursor.fetchone()[0]
            cursor.execute("SELECT what FROM meetings_meetingdecision")
            assert "Oudergesprek" not in cursor.fetchone()[0]
        entries = AuditEntry.objects.filter(pupil_public_id=self.w.piet.public_id)
        assert entries.filter(action="meeting.minutes", username="carla").count() == 1
        decision_entry = entries.get(action="meeting.decision")
        assert decision_entry.details["owner"] == "anna"
        assert "Oudergesprek" not in str(decision_entry.details)
        # The owner marks it done, which is audited too.
        self.login("anna")
        response = self.client.post(reverse("meetings:decision_done", args=[decision.uid]))
        assert response.status_code == 302
        decision.refresh_from_db()
        assert decision.done_at is not None
        assert entries.filter(action="meeting.decision_done", username="anna").count() == 1

    def test_stale_minutes_are_refused(self):
        item = self.w.piet_item
        actions.write_minutes(actor=self.w.carla, item=item, text="eerste", version=1)
        with pytest.raises(StaleVersion):
            actions.write_minutes(actor=self.w.carla, item=item, text="tweede", version=1)
        item.refresh_from_db()
        assert item.minutes == "eerste"

    def test_a_stale_save_on_the_page_keeps_the_text_and_says_so(self):
        item = self.w.piet_item
        actions.write_minutes(actor=self.w.carla, item=item, text="eerste", version=1)
        self.login("carla")
        url = reverse("meetings:minutes", args=[item.uid])
        response = self.client.post(
            url, {"minutes": "mijn versie", "version": 1}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200  # htmx swaps only 2xx answers
        body = response.content.decode()
        assert "mijn versie" in body and 'name="version" value="2"' in body
        assert 'role="alert"' in body
        response = self.client.post(url, {"minutes": "mijn versie", "version": 1})
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.minutes == "eerste"

    def test_a_decision_owner_must_see_the_pupil(self):
        with pytest.raises(ValidationError) as error:
            actions.add_decision(
                actor=self.w.carla,
                item=self.w.mo_item,
                what="x",
                owner=self.w.anna,
                due_on=timezone.localdate(),
            )
        assert "owner" in error.value.message_dict

    # --- queries --------------------------------------------------------------------------

    def test_the_meeting_page_runs_the_same_queries_for_2_and_6_pupils(self):
        self.login("carla")
        self.client.get(self.url())  # warm the session and the catalog
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as two:
            assert self.client.get(self.url()).status_code == 200
        for n in range(4):
            pupil = school_actions.create_pupil(
                actor=None,
                school=self.w.noord,
                group=self.w.group3,
                first_name=f"Kind{n}",
                last_name="Test",
                date_of_birth=datetime.date(2018, 5, 1),
            )
            evaluated_card(self.w, pupil)
            item = actions.add_to_agenda(actor=self.w.carla, meeting=self.w.meeting, pupil=pupil)
            actions.add_decision(
                actor=self.w.carla,
                item=item,
                what="x",
                owner=self.w.anna,
                due_on=timezone.localdate(),
            )
        with CaptureQueriesContext(connection) as six:
            response = self.client.get(self.url())
        assert response.content.decode().count('class="agenda-item"') == 6
        assert len(six) == len(two), [q["sql"][:90] for q in six.captured_queries]
        with self.assertNumQueries(len(two)):
            self.client.get(self.url())
        assert len(two) <= 16  # frame, meeting, items, 6 reads for the agenda, audit, picker, staff

    # --- PDFs -----------------------------------------------------------------------------

    def test_the_pdfs_hold_only_what_the_reader_may_see(self):
        item = self.w.piet_item
        actions.write_minutes(actor=self.w.carla, item=item, text="Rustplek afgesproken", version=1)
        actions.add_decision(
            actor=self.w.carla,
            item=item,
            what="Oudergesprek plannen",
            owner=self.w.anna,
            due_on=timezone.localdate(),
        )
        actions.write_minutes(actor=self.w.carla, item=self.w.mo_item, text="Mo praat", version=1)
        for name, sees_mo in (("carla", True), ("anna", False)):
            self.login(name)
            agenda = self.client.get(self.url("meetings:agenda_pdf"))
            minutes = self.client.get(self.url("meetings:minutes_pdf"))
            assert agenda["Content-Type"] == minutes["Content-Type"] == "application/pdf"
            for response in (agenda, minutes):
                text = " ".join(pdf_text(response.content).split())
                assert "Piet Testkind" in text
                assert ("Mo Testkind" in text) is sees_mo, name
                assert SAFEGUARDING_TEXT not in text and FACTOR_NOTE not in text
                assert "Blauwe plek" not in text
            minutes_text = " ".join(pdf_text(minutes.content).split())
            assert "Rustplek afgesproken" in minutes_text and "Oudergesprek plannen" in minutes_text
            assert ("Mo praat" in minutes_text) is sees_mo
            assert "Rustplek afgesproken" not in " ".join(pdf_text(agenda.content).split())
            reads = AuditEntry.objects.filter(action="meeting.minutes_pdf", username=name)
            assert reads.count() == (2 if sees_mo else 1)

    # --- the evaluation → agenda path -----------------------------------------------------

    def test_an_evaluation_asking_for_the_care_team_puts_the_pupil_on_an_agenda(self):
        w = self.w
        lara_eval = evaluated_card(w, w.lara)
        self.login("carla")
        card = reverse("plans:version", args=[w.lara.public_id, lara_eval.card.number])
        page = self.client.get(card).content.decode()
        target = reverse("meetings:put_on_agenda", args=[w.lara.public_id])
        assert f"{target}?evaluation={lara_eval.uid}" in page
        form = self.client.get(f"{target}?evaluation={lara_eval.uid}")
        assert form.status_code == 200 and str(w.meeting.uid) in form.content.decode()
        response = self.client.post(
            target,
            {"meeting": str(w.meeting.uid), "evaluation": str(lara_eval.uid), "question": "?"},
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get(meeting=w.meeting, pupil=w.lara)
        assert item.source == AgendaSource.EVALUATION and item.evaluation == lara_eval
        assert AuditEntry.objects.filter(
            action="meeting.agenda_add", pupil_public_id=w.lara.public_id
        ).exists()
        # A teacher sees no such button, and an evaluation that continued the plan has none.
        self.login("anna")
        assert target not in self.client.get(card).content.decode()

    def test_the_work_list_links_with_its_source(self):
        target = reverse("meetings:put_on_agenda", args=[self.w.lara.public_id])
        self.login("carla")
        form = self.client.get(f"{target}?source=work_list").content.decode()
        assert 'name="source" value="work_list"' in form
        data = {"meeting": str(self.w.meeting.uid), "source": "work_list"}
        assert self.client.post(target, data).status_code == 302
        item = AgendaItem.objects.get(meeting=self.w.meeting, pupil=self.w.lara)
        assert item.source == AgendaSource.WORK_LIST and item.added_by == self.w.carla

    def test_an_evaluation_with_another_decision_is_not_linked(self):
        w = self.w
        other = evaluated_card(w, w.lara, decision=Decision.CONTINUE)
        with pytest.raises(ValidationError):
            actions.add_to_agenda(actor=w.carla, meeting=w.meeting, pupil=w.lara, evaluation=other)

    def test_the_pupil_page_offers_the_agenda_to_the_coordinator(self):
        target = reverse("meetings:put_on_agenda", args=[self.w.lara.public_id])
        self.login("carla")
        assert (
            target
            in self.client.get(reverse("pupil", args=[self.w.lara.public_id])).content.decode()
        )
        self.login("anna")
        assert (
            target
            not in self.client.get(reverse("pupil", args=[self.w.lara.public_id])).content.decode()
        )
        assert self.client.get(target).status_code == 404

    def test_a_held_meeting_takes_no_new_pupils(self):
        actions.mark_held(actor=self.w.carla, meeting=self.w.meeting)
        assert self.w.meeting.status == MeetingStatus.HELD
        with pytest.raises(ValidationError):
            actions.add_to_agenda(actor=self.w.carla, meeting=self.w.meeting, pupil=self.w.lara)

    def test_planning_a_meeting(self):
        self.login("carla")
        url = reverse("meetings:new", args=[self.w.noord.pk])
        assert self.client.get(url).status_code == 200
        response = self.client.post(
            url,
            {"title": "MDO", "day": "2030-03-04", "time": "14:30", "attendees": [self.w.bram.pk]},
        )
        assert response.status_code == 302
        # Someone of another school is no attendee.
        response = self.client.post(
            url,
            {"title": "MDO", "day": "2030-03-04", "time": "14:30", "attendees": [self.w.erik.pk]},
        )
        assert response.status_code == 400
        listing = self.client.get(reverse("meetings:list")).content.decode()
        assert listing.count("MDO") == 1
        self.login("bram")
        assert "MDO" in self.client.get(reverse("meetings:list")).content.decode()

    # --- open_decisions -------------------------------------------------------------------

    def test_open_decisions_by_owner_school_and_due_date(self):
        w = self.w
        today = timezone.localdate()
        early = actions.add_decision(
            actor=w.carla, item=w.piet_item, what="a", owner=w.anna, due_on=days_ago(3)
        )
        later = actions.add_decision(
            actor=w.carla,
            item=w.mo_item,
            what="b",
            owner=w.bram,
            due_on=today + datetime.timedelta(days=10),
        )
        done = actions.add_decision(
            actor=w.carla, item=w.piet_item, what="c", owner=w.anna, due_on=days_ago(5)
        )
        actions.complete_decision(actor=w.anna, decision=done)
        assert list(open_decisions()) == [early, later]
        assert list(open_decisions(user=w.anna)) == [early]
        assert list(open_decisions(user=w.bram)) == [later]
        assert list(open_decisions(school=w.noord)) == [early, later]
        assert list(open_decisions(school=w.zuid.pk)) == []
        assert list(open_decisions(due_before=today + datetime.timedelta(days=1))) == [early]
        with self.assertNumQueries(1):
            rows = list(open_decisions(school=w.noord))
            assert [d.item.pupil.public_id for d in rows] == [w.piet.public_id, w.mo.public_id]
            assert rows[0].item.meeting.title and rows[0].owner.username == "anna"
        # Bram is not Piet's teacher: he cannot mark Piet's decision done.
        with pytest.raises(PermissionDenied):
            actions.complete_decision(actor=w.bram, decision=early)
