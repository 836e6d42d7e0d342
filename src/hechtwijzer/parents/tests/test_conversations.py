"""Parent conversations: recorded and changed by the pupil's teachers and the care
coordinator, encrypted at rest, audited, with optimistic locking."""

import datetime

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.parents import actions
from hechtwijzer.parents.models import ParentConversation
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.testing import PASSWORD, build_world

from .helpers import AGREEMENTS, AT_HOME, conversation_for, today


class ConversationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.card = plan_actions.start_card(actor=cls.w.anna, pupil=cls.w.piet)

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)

    def url(self, name="parents:page", *args, pupil=None):
        return reverse(name, args=[(pupil or self.w.piet).public_id, *args])

    def post_new(self, **data):
        form = {
            "held_on": (today() - datetime.timedelta(days=1)).isoformat(),
            "attendees": "moeder, groepsleerkracht",
            "at_home": AT_HOME,
            "agreements": AGREEMENTS,
            "card": "1",
        }
        form.update(data)
        return self.client.post(self.url("parents:conversation_new"), form)

    def test_a_teacher_records_a_conversation_encrypted_and_audited(self):
        self.login("anna")
        response = self.post_new()
        assert response.status_code == 302
        conversation = ParentConversation.objects.get(pupil=self.w.piet)
        assert conversation.agreements == AGREEMENTS
        assert conversation.card == self.card
        assert conversation.recorded_by == self.w.anna
        with connection.cursor() as cursor:
            cursor.execute("SELECT attendees, at_home, agreements FROM parents_parentconversation")
            stored = " ".join(cursor.fetchone())
        assert "moeder" not in stored and "slaapt" not in stored and "lezen" not in stored
        entry = AuditEntry.objects.get(action="parents.conversation.create")
        assert entry.pupil_public_id == self.w.piet.public_id
        assert entry.details["card"] == 1
        assert "lezen" not in str(entry.details)

        page = self.client.get(self.url())
        body = page.content.decode()
        assert "Thuis slaapt hij slecht." in body
        assert "We spreken over zes weken weer af." in body
        assert AuditEntry.objects.filter(action="parents.view").count() == 1

    def test_the_care_coordinator_may_too_and_the_other_teacher_gets_404(self):
        self.login("carla")
        assert self.post_new().status_code == 302
        self.client.logout()
        for name in ("bram", "dirk", "erik"):
            self.login(name)
            before = AuditEntry.objects.filter(action="access.denied").count()
            assert self.client.get(self.url()).status_code == 404, name
            assert self.post_new().status_code == 404, name
            assert AuditEntry.objects.filter(action="access.denied").count() == before + 2
            self.client.logout()
        assert ParentConversation.objects.count() == 1

    def test_a_date_in_the_future_or_no_attendees_is_refused(self):
        self.login("anna")
        tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
        response = self.post_new(held_on=tomorrow)
        assert response.status_code == 200
        assert "toekomst" in str(response.context["errors"]["held_on"])
        response = self.post_new(attendees="  ")
        assert response.status_code == 200
        assert response.context["errors"]["attendees"]
        assert not ParentConversation.objects.exists()

    def test_a_stale_edit_is_refused_and_a_fresh_one_saved(self):
        conversation = conversation_for(self.w.piet, self.w.anna)
        self.login("anna")
        url = self.url("parents:conversation", conversation.uid)
        form = {
            "held_on": conversation.held_on.isoformat(),
            "attendees": "moeder",
            "agreements": "Nieuwe afspraak.",
            "version": "1",
        }
        assert self.client.post(url, form).status_code == 302
        conversation.refresh_from_db()
        assert conversation.version == 2 and conversation.agreements == "Nieuwe afspraak."
        # A second tab still showing version 1.
        form["agreements"] = "Oude afspraak."
        response = self.client.post(url, form)
        assert response.status_code == 302 and response["Location"] == url
        conversation.refresh_from_db()
        assert conversation.agreements == "Nieuwe afspraak."
        assert AuditEntry.objects.filter(action="parents.conversation.update").count() == 1

    def test_another_pupils_card_cannot_be_linked(self):
        other = plan_actions.start_card(actor=self.w.bram, pupil=self.w.mo)
        with self.assertRaises(actions.ValidationError):
            actions.record_conversation(
                actor=self.w.carla,
                pupil=self.w.piet,
                held_on=today(),
                attendees="moeder",
                card=other,
            )

    def test_the_page_runs_a_fixed_number_of_queries(self):
        self.login("anna")
        for count in (1, 5):
            while ParentConversation.objects.count() < count:
                conversation_for(self.w.piet, self.w.anna, card=self.card)
            with self.assertNumQueries(10):
                response = self.client.get(self.url())
            assert response.status_code == 200
            assert response.content.decode().count("Thuis slaapt hij slecht.") == count

    def test_the_forms_run_few_queries_and_are_audited_as_reads(self):
        conversation = conversation_for(self.w.piet, self.w.anna, card=self.card)
        self.login("anna")
        with self.assertNumQueries(8):
            new = self.client.get(self.url("parents:conversation_new"))
        assert new.status_code == 200
        assert new.context["chosen_card"] == "1"  # the current card, preselected
        with self.assertNumQueries(8):
            edit = self.client.get(self.url("parents:conversation", conversation.uid))
        assert edit.status_code == 200
        assert 'name="version" value="1"' in edit.content.decode()
        assert AuditEntry.objects.filter(action="parents.conversation_form").count() == 2
        other = conversation_for(self.w.mo, self.w.bram)
        # Another pupil's conversation under Piet's address does not exist.
        assert self.client.get(self.url("parents:conversation", other.uid)).status_code == 404

    def test_the_pupil_page_links_to_the_parents_page_for_who_may_use_it(self):
        self.login("anna")
        assert self.url() in self.client.get(self.url("pupil")).content.decode()
        self.client.logout()
        self.login("dirk")
        # The administrator does not reach the pupil page at all; the gym teacher case is in
        # the authorization matrix.
        assert self.client.get(self.url("pupil")).status_code == 404
