"""A school administrator manages accounts but never knows a password: new staff members and
password resets get a single-use invitation link, and the owner chooses the password."""

import datetime
import io
import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from hechtwijzer.administration import actions, invitations
from hechtwijzer.administration.models import Invitation
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, admin_state, build_world

User = get_user_model()
NEW_PASSWORD = "een eigen zin als wachtwoord"
LINK = re.compile(r"https?://[^\s<\"]+/invitation/[A-Za-z0-9_-]+/")


def new_staff(**changes):
    return {
        "username": "nina",
        "first_name": "Nina",
        "last_name": "Nieuw",
        "email": "",
        "role": "teacher",
        "groups": [],
        **changes,
    }


@override_settings(LANGUAGE_CODE="en")
class InvitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="dirk", password=PASSWORD)

    def add_staff(self, **changes):
        data = new_staff(school=self.w.noord.pk, **changes)
        response = self.client.post("/admin/schools/membership/add/", data, follow=True)
        assert response.status_code == 200
        return response.content.decode()

    def choose(self, link, password1, password2=None, client=None):
        client = client or self.client_class()
        opened = client.get(link)
        if opened.status_code != 302:
            return client, opened
        assert opened["Location"] == "/invitation/"  # the token leaves the address bar
        return client, client.post(
            "/invitation/", {"password1": password1, "password2": password2 or password1}
        )

    def test_the_admin_pages_have_no_password_field(self):
        membership = self.w.anna.memberships.get()
        for url in [
            "/admin/schools/membership/add/",
            f"/admin/schools/membership/{membership.pk}/change/",
        ]:
            page = self.client.get(url).content.decode()
            assert 'type="password"' not in page, url
            assert 'name="username"' in page or "send_invitation" in page, url

    def test_a_new_teacher_chooses_her_own_password_through_the_link(self):
        page = self.add_staff()
        nina = User.objects.get(username="nina")
        assert not nina.has_usable_password()  # the administrator set none
        assert not self.client_class().login(username="nina", password=PASSWORD)
        links = LINK.findall(page)
        assert len(links) == 1, "without an address, the link is shown once to pass on"
        assert "/invitation/" not in self.client.get("/admin/").content.decode()  # only once

        # A weak password gets a message at its field and changes nothing.
        client, weak = self.choose(links[0], "1234567890")
        assert weak.status_code == 200
        assert "password1" in weak.context["form"].errors
        assert not User.objects.get(username="nina").has_usable_password()
        # Two different passwords: a message at the second field.
        different = client.post("/invitation/", {"password1": NEW_PASSWORD, "password2": "x"})
        assert "password2" in different.context["form"].errors

        done = client.post("/invitation/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert done.status_code == 302 and done["Location"] == "/"
        assert self.client_class().login(username="nina", password=NEW_PASSWORD)

        # Used up: the same link again is a calm page, not a 500, and nothing changes.
        _client, again = self.choose(links[0], "nog een ander wachtwoord")
        assert again.status_code == 410
        assert "already used" in again.content.decode()
        assert self.client_class().login(username="nina", password=NEW_PASSWORD)

        actions_seen = list(
            AuditEntry.objects.filter(action__startswith="invitation.").values_list(
                "action", "username", "details__state"
            )
        )
        assert ("invitation.create", "dirk", None) in actions_seen
        assert ("invitation.use", "nina", None) in actions_seen
        assert ("invitation.refused", "", "used") in actions_seen

    def test_with_an_address_the_link_goes_by_mail_and_is_not_shown(self):
        page = self.add_staff(email="nina@school.example")
        assert not LINK.findall(page)
        assert "nina@school.example" in page
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@school.example"]
        links = LINK.findall(mail.outbox[0].body)
        assert len(links) == 1 and "nina" in mail.outbox[0].body
        _client, done = self.choose(links[0], NEW_PASSWORD)
        assert done.status_code == 302
        assert self.client_class().login(username="nina", password=NEW_PASSWORD)

    def test_the_token_is_stored_only_as_its_hash(self):
        self.add_staff(email="nina@school.example")
        token = LINK.findall(mail.outbox[0].body)[0].rstrip("/").rsplit("/", 1)[1]
        invitation = Invitation.objects.get(user__username="nina")
        assert invitation.token_hash != token and len(invitation.token_hash) == 64
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM administration_invitation")
            assert token not in repr(cursor.fetchall())
        assert token not in repr(list(AuditEntry.objects.values_list("details", flat=True)))

    def test_an_administrator_cannot_choose_a_password_through_the_domain_either(self):
        with self.assertRaises(PermissionDenied):
            actions.create_staff_member(
                actor=self.w.dirk,
                school=self.w.noord,
                username="nina",
                first_name="Nina",
                last_name="Nieuw",
                email="",
                role=Role.CARE_COORDINATOR,
                password=NEW_PASSWORD,
            )
        assert not User.objects.filter(username="nina").exists()

    def test_a_reset_stops_the_old_password_and_sessions_and_sends_a_new_link(self):
        anna_client = self.client_class()
        assert anna_client.login(username="anna", password=PASSWORD)
        membership = self.w.anna.memberships.get()
        response = self.client.post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Anna",
                "last_name": "Test",
                "email": "",
                "role": "teacher",
                "groups": [self.w.group3.pk],
                "is_active": "on",
                "send_invitation": "on",
                "seen_state": admin_state(membership),
            },
            follow=True,
        )
        links = LINK.findall(response.content.decode())
        assert len(links) == 1
        assert not self.client_class().login(username="anna", password=PASSWORD)
        # Her open session ends too: Django checks the password hash on every request.
        ended = anna_client.get(f"/pupils/{self.w.piet.public_id}/")
        assert ended.status_code == 302 and ended["Location"].startswith("/?next=")
        entry = AuditEntry.objects.get(action="staff.password_reset")
        assert entry.username == "dirk" and entry.details == {"username": "anna"}
        _client, done = self.choose(links[0], NEW_PASSWORD)
        assert done.status_code == 302
        assert self.client_class().login(username="anna", password=NEW_PASSWORD)

    def test_a_newer_link_closes_the_older_one(self):
        membership = self.w.anna.memberships.get()
        first = invitations.reset_password(actor=self.w.dirk, membership=membership)
        second = invitations.reset_password(actor=self.w.dirk, membership=membership)
        _client, old = self.choose(first.link, NEW_PASSWORD)
        assert old.status_code == 410 and "not valid" in old.content.decode()
        _client, new = self.choose(second.link, NEW_PASSWORD)
        assert new.status_code == 302

    def test_an_expired_link_gives_a_calm_page_and_is_on_the_trail(self):
        membership = self.w.anna.memberships.get()
        issued = invitations.reset_password(actor=self.w.dirk, membership=membership)
        Invitation.objects.filter(pk=issued.invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        _client, expired = self.choose(issued.link, NEW_PASSWORD)
        assert expired.status_code == 410
        assert "expired" in expired.content.decode()
        entry = AuditEntry.objects.get(action="invitation.refused")
        assert entry.details == {"state": "expired", "username": "anna"}

    def test_a_link_that_expires_while_the_form_is_open_saves_nothing(self):
        membership = self.w.anna.memberships.get()
        issued = invitations.reset_password(actor=self.w.dirk, membership=membership)
        client = self.client_class()
        assert client.get(issued.link).status_code == 302
        Invitation.objects.filter(pk=issued.invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        late = client.post("/invitation/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert late.status_code == 410
        assert not self.client_class().login(username="anna", password=NEW_PASSWORD)

    def test_unknown_and_malformed_links_give_the_calm_page(self):
        client = self.client_class()
        for path in ["/invitation/abc/", "/invitation/" + "x" * 500 + "/", "/invitation/%00/"]:
            response = client.get(path)
            assert response.status_code in (404, 410), path
        assert client.get("/invitation/").status_code == 410  # no link in this session
        assert client.post("/invitation/", {"password1": "a", "password2": "a"}).status_code == 410

    def test_a_switched_off_account_gets_no_password(self):
        membership = self.w.anna.memberships.get()
        issued = invitations.reset_password(actor=self.w.dirk, membership=membership)
        User.objects.filter(pk=self.w.anna.pk).update(is_active=False)
        _client, refused = self.choose(issued.link, NEW_PASSWORD)
        assert refused.status_code == 410
        assert not User.objects.get(pk=self.w.anna.pk).has_usable_password()

    def test_two_tabs_cannot_both_use_one_link(self):
        membership = self.w.anna.memberships.get()
        issued = invitations.reset_password(actor=self.w.dirk, membership=membership)
        token = issued.link.rstrip("/").rsplit("/", 1)[1]
        invitations.accept_invitation(token=token, password=NEW_PASSWORD)
        with self.assertRaises(invitations.InvitationClosed):
            invitations.accept_invitation(token=token, password="een ander lang wachtwoord")
        assert self.client_class().login(username="anna", password=NEW_PASSWORD)

    def test_another_schools_admin_cannot_reset_this_account(self):
        with self.assertRaises(PermissionDenied):
            invitations.reset_password(actor=self.w.gijs, membership=self.w.anna.memberships.get())
        assert self.client_class().login(username="anna", password=PASSWORD)

    def test_the_operator_prints_a_link_with_the_invite_command(self):
        out = io.StringIO()
        call_command("invite", "anna", "--base-url", "https://hw.example", stdout=out)
        links = LINK.findall(out.getvalue())
        assert len(links) == 1 and links[0].startswith("https://hw.example/invitation/")
        assert not self.client_class().login(username="anna", password=PASSWORD)
        path = links[0].removeprefix("https://hw.example")
        _client, done = self.choose(path, NEW_PASSWORD)
        assert done.status_code == 302
        assert self.client_class().login(username="anna", password=NEW_PASSWORD)
        created = AuditEntry.objects.get(action="invitation.create")
        assert created.username == "" and created.details["username"] == "anna"

    def test_malformed_input_on_the_password_page_is_a_form_error(self):
        membership = self.w.anna.memberships.get()
        issued = invitations.reset_password(actor=self.w.dirk, membership=membership)
        client = self.client_class()
        assert client.get(issued.link).status_code == 302
        for data in [
            {},
            {"password1": "a\x00b" * 5, "password2": "a\x00b" * 5},
            {"password1": ["x", "y"], "password2": ""},
            {"password1": "", "password2": NEW_PASSWORD},
        ]:
            response = client.post("/invitation/", data)
            assert response.status_code == 200, data
            assert response.context["form"].errors, data
        assert not User.objects.get(pk=self.w.anna.pk).has_usable_password()
        assert Invitation.objects.get(pk=issued.invitation.pk).used_at is None

    def test_no_link_is_sent_for_a_switched_off_account(self):
        membership = self.w.anna.memberships.get()
        response = self.client.post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Anna",
                "last_name": "Test",
                "email": "",
                "role": "teacher",
                "groups": [self.w.group3.pk],
                "send_invitation": "on",
                "seen_state": admin_state(membership),
            },
        )
        assert response.status_code == 200
        assert "send_invitation" in response.context["adminform"].form.errors
        assert not Invitation.objects.exists()
        assert self.client_class().login(username="anna", password=PASSWORD)
