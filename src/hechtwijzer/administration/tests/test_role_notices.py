"""Granting the care-coordinator role is audited and shown to the school's care coordinators:
a notice on their home page until they mark it seen, and a mail where they have an address."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase, override_settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from hechtwijzer.administration import actions
from hechtwijzer.administration.models import RoleNotice
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, admin_state, build_world

User = get_user_model()


@override_settings(LANGUAGE_CODE="en")
class RoleNoticeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        User.objects.filter(pk=cls.w.carla.pk).update(email="carla@noord.example")

    def as_user(self, username):
        client = self.client_class()
        assert client.login(username=username, password=PASSWORD)
        return client

    def test_a_new_care_coordinator_is_shown_to_the_existing_ones(self):
        dirk = self.as_user("dirk")
        with self.captureOnCommitCallbacks(execute=True):
            response = dirk.post(
                "/admin/schools/membership/add/",
                {
                    "school": self.w.noord.pk,
                    "username": "nina",
                    "first_name": "Nina",
                    "last_name": "Nieuw",
                    "email": "",
                    "role": "care_coordinator",
                    "groups": [],
                },
            )
        assert response.status_code == 302
        today = date_format(timezone.localdate(), "j F Y")
        expected = f"dirk gave Nina Nieuw the care-coordinator role on {today}."

        carla = self.as_user("carla")
        assert expected in carla.get("/").content.decode()
        # Nobody else sees it: not the teacher, not the other school's coordinator, not the
        # new coordinator herself.
        for username in ("anna", "fien", "dirk"):
            page = self.as_user(username).get("/").content.decode()
            assert "care-coordinator role on" not in page, username
        assert not RoleNotice.objects.filter(member_username="nina", recipient__username="nina")

        entry = AuditEntry.objects.get(action="staff.role_granted", username="dirk")
        assert entry.username == "dirk" and entry.school_id == self.w.noord.pk
        assert entry.details == {"username": "nina", "role": "care_coordinator", "told": ["carla"]}
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carla@noord.example"]
        assert expected in mail.outbox[0].body

        # Marked seen, it is gone; only she can mark it.
        notice = RoleNotice.objects.get(recipient=self.w.carla)
        assert self.as_user("anna").post(f"/notices/{notice.pk}/seen/").status_code == 404
        assert carla.post(f"/notices/{notice.pk}/seen/").status_code == 302
        assert expected not in carla.get("/").content.decode()
        assert AuditEntry.objects.filter(action="notice.seen", username="carla").count() == 1

    def test_changing_a_role_to_care_coordinator_is_shown_too(self):
        membership = self.w.bram.memberships.get()
        response = self.as_user("dirk").post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Bram",
                "last_name": "Test",
                "email": "",
                "role": "care_coordinator",
                "groups": [],
                "is_active": "on",
                "seen_state": admin_state(membership),
            },
        )
        assert response.status_code == 302
        assert "dirk gave Bram Test the care-coordinator role" in (
            self.as_user("carla").get("/").content.decode()
        )
        assert AuditEntry.objects.filter(action="staff.role_granted", username="dirk").count() == 1

    def test_other_changes_tell_nobody(self):
        membership = self.w.carla.memberships.get()
        actions.update_staff_member(
            actor=self.w.dirk,
            membership=membership,
            first_name="Carla",
            last_name="Anders",
            email="",
            role=Role.CARE_COORDINATOR,
            groups=[],
            is_active=True,
        )
        actions.update_staff_member(
            actor=self.w.dirk,
            membership=self.w.bram.memberships.get(),
            first_name="Bram",
            last_name="Test",
            email="",
            role=Role.SCHOOL_ADMIN,
            groups=[],
            is_active=True,
        )
        assert not RoleNotice.objects.exists()
        assert not AuditEntry.objects.filter(action="staff.role_granted", username="dirk").exists()


class RoleNoticeWordsTests(TestCase):
    def test_the_mail_speaks_the_recipients_school_words_whoever_acts(self):
        # The operator (no school, Dutch) gives the role at a Flemish school: its care
        # coordinator reads "zorgcoördinator", never the Dutch "intern begeleider".
        w = build_world()
        User.objects.filter(pk=w.fien.pk).update(email="fien@zuid.example")
        with translation.override("nl"), self.captureOnCommitCallbacks(execute=True):
            actions.create_staff_member(
                actor=None,
                school=w.zuid,
                username="zoco2",
                first_name="Zoë",
                last_name="Twee",
                email="",
                role=Role.CARE_COORDINATOR,
            )
        (sent,) = mail.outbox
        assert sent.subject == "Hechtwijzer: een nieuwe zorgcoördinator op Zuid"
        assert "intern begeleider" not in sent.subject + sent.body
