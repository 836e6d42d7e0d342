"""`/accounts/reminders/`: each user switches their own reminders on and off."""

from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.reminders.models import ReminderOptOut
from hechtwijzer.testing import PASSWORD

from .helpers import world

URL = "/accounts/reminders/"


class SettingsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = world()

    def login(self, persona):
        assert self.client.login(username=persona, password=PASSWORD)

    def test_the_url_is_stable_and_in_the_menu(self):
        assert reverse("reminders:settings") == URL
        self.login("anna")
        assert f'href="{URL}"' in self.client.get(reverse("home")).content.decode()

    def test_anonymous_visitors_go_to_the_log_in_page(self):
        response = self.client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"/?next={URL}"
        self.client.post(URL, {})
        assert not ReminderOptOut.objects.exists()

    def test_a_teacher_sees_the_teachers_kinds(self, persona="anna"):
        self.login(persona)
        with self.assertNumQueries(5):  # session, user, memberships, groups, choices
            response = self.client.get(URL)
        page = response.content.decode()
        assert response.status_code == 200
        assert 'value="evaluation_due"' in page and 'value="evaluation_overdue"' in page
        assert 'value="decision_due"' in page
        assert 'value="weekly_digest"' not in page
        assert "anna@school.example" in page
        assert page.count("checked") == 3  # everything on until switched off

    def test_the_care_coordinator_sees_the_digest(self):
        self.login("carla")
        page = self.client.get(URL).content.decode()
        assert 'value="weekly_digest"' in page

    def test_each_school_reads_its_own_word_for_the_care_coordinator(self):
        self.login("carla")
        assert "Weekoverzicht voor de intern begeleider" in self.client.get(URL).content.decode()
        self.login("fien")
        page = self.client.get(URL).content.decode()
        assert "Weekoverzicht voor de zorgcoördinator" in page
        assert "intern begeleider" not in page

    def test_a_school_administrator_has_no_reminders(self):
        self.login("dirk")
        page = self.client.get(URL).content.decode()
        assert "Voor uw rol zijn er geen herinneringen." in page
        assert 'name="receive"' not in page

    def test_no_address_is_said(self):
        self.w.anna.email = ""
        self.w.anna.save(update_fields=["email"])
        self.login("anna")
        assert "Uw account heeft geen e-mailadres" in self.client.get(URL).content.decode()

    def test_switching_a_kind_off_and_on_again(self):
        self.login("anna")
        with self.assertNumQueries(13):
            response = self.client.post(URL, {"receive": ["evaluation_due", "decision_due"]})
        assert response.status_code == 302
        assert list(ReminderOptOut.objects.values_list("user__username", "kind")) == [
            ("anna", "evaluation_overdue")
        ]
        entry = AuditEntry.objects.filter(action="reminders.settings").get()
        assert entry.username == "anna"
        assert entry.details == {"off": ["evaluation_overdue"], "on": []}
        page = self.client.get(URL).content.decode()
        assert page.count("checked") == 2
        everything = ["evaluation_due", "evaluation_overdue", "decision_due"]
        self.client.post(URL, {"receive": everything})
        assert not ReminderOptOut.objects.exists()
        assert AuditEntry.objects.filter(action="reminders.settings").count() == 2
        # Saving without a change writes nothing.
        self.client.post(URL, {"receive": everything})
        assert AuditEntry.objects.filter(action="reminders.settings").count() == 2

    def test_a_kind_not_offered_to_the_role_is_refused(self):
        self.login("anna")
        response = self.client.post(URL, {"receive": ["weekly_digest", "x" * 5000]})
        assert response.status_code == 200
        assert "Kies uit de herinneringen die worden aangeboden." in response.content.decode()
        assert not ReminderOptOut.objects.exists()
        assert not AuditEntry.objects.filter(action="reminders.settings").exists()

    def test_each_user_changes_only_their_own(self):
        self.login("anna")
        self.client.post(URL, {})
        assert set(ReminderOptOut.objects.values_list("user__username", flat=True)) == {"anna"}
        self.login("bram")
        page = self.client.get(URL).content.decode()
        assert page.count("checked") == 3

    def test_a_deactivated_users_old_session_is_worthless(self):
        self.client.force_login(self.w.hugo)
        response = self.client.post(URL, {})
        assert response.status_code == 302
        assert not ReminderOptOut.objects.exists()
