"""School administrators manage their own school's groups, staff and pupils in the admin."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Group, Membership, Pupil, Role
from hechtwijzer.testing import PASSWORD, admin_state, build_world

User = get_user_model()


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="dirk", password=PASSWORD)

    def test_it_lists_only_the_admins_own_school(self):
        page = self.client.get("/admin/schools/pupil/").content.decode()
        assert f"/pupil/{self.w.piet.pk}/change/" in page
        assert f"/pupil/{self.w.sem.pk}/change/" in page
        assert f"/pupil/{self.w.zoe.pk}/change/" not in page
        groups = self.client.get("/admin/schools/group/").content.decode()
        assert "Groep 3" in groups and "4de leerjaar" not in groups

    def test_it_shows_each_missing_field_at_its_field(self):
        response = self.client.post("/admin/schools/pupil/add/", {"school": self.w.noord.pk})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert {"first_name", "last_name", "date_of_birth"} <= set(errors)
        assert Pupil.objects.count() == 5

    def test_it_adds_a_pupil_through_the_domain_function(self):
        response = self.client.post(
            "/admin/schools/pupil/add/",
            {
                "school": self.w.noord.pk,
                "first_name": "Nieuw",
                "last_name": "Kind",
                "date_of_birth": "2019-05-01",
                "group": self.w.group3.pk,
                "status": "active",
                "left_on": "",
            },
        )
        assert response.status_code == 302
        pupil = Pupil.objects.get(first_name="Nieuw")
        assert pupil.school == self.w.noord and len(pupil.public_id) == 16
        entry = AuditEntry.objects.get(action="pupil.create", pupil_public_id=pupil.public_id)
        assert entry.username == "dirk" and entry.role == "school_admin"

    def test_it_refuses_a_group_of_another_school(self):
        response = self.client.post(
            "/admin/schools/pupil/add/",
            {
                "school": self.w.noord.pk,
                "first_name": "Nieuw",
                "last_name": "Kind",
                "date_of_birth": "2019-05-01",
                "group": self.w.group4.pk,  # Zuid's group
                "status": "active",
            },
        )
        assert response.status_code == 200
        assert "group" in response.context["adminform"].form.errors
        assert not Pupil.objects.filter(first_name="Nieuw").exists()

    def test_it_refuses_a_leaving_pupil_without_a_date(self):
        data = {
            "school": self.w.noord.pk,
            "first_name": "Piet",
            "last_name": "Testkind",
            "date_of_birth": "2019-03-14",
            "group": self.w.group3.pk,
            "status": "left",
            "left_on": "",
        }
        data["seen_state"] = admin_state(self.w.piet)
        response = self.client.post(f"/admin/schools/pupil/{self.w.piet.pk}/change/", data)
        assert "left_on" in response.context["adminform"].form.errors
        self.w.piet.refresh_from_db()
        assert self.w.piet.status == "active"

    def test_it_creates_a_teacher_in_her_groups(self):
        # The password is hers to choose through an invitation: test_invitations.py.
        data = {
            "school": self.w.noord.pk,
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Nieuw",
            "email": "",
            "role": "teacher",
            "groups": [self.w.group5.pk],
        }
        assert self.client.post("/admin/schools/membership/add/", data).status_code == 302
        nina = User.objects.get(username="nina")
        membership = nina.memberships.get()
        assert membership.role == Role.TEACHER and list(membership.groups.all()) == [self.w.group5]

    def test_it_keeps_at_least_one_active_school_admin(self):
        membership = self.w.dirk.memberships.get()
        response = self.client.post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Dirk",
                "last_name": "Test",
                "email": "",
                "role": "teacher",
                "groups": [],
                "is_active": "on",
            },
        )
        assert response.status_code == 200
        assert "role" in response.context["adminform"].form.errors
        assert Membership.objects.get(pk=membership.pk).role == Role.SCHOOL_ADMIN

    def test_it_deactivates_a_teacher_who_then_cannot_log_in(self):
        membership = self.w.anna.memberships.get()
        response = self.client.post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Anna",
                "last_name": "Test",
                "email": "",
                "role": "teacher",
                "groups": [self.w.group3.pk],
                "seen_state": admin_state(membership),
            },
        )
        assert response.status_code == 302
        assert not self.client_class().login(username="anna", password=PASSWORD)
        entry = AuditEntry.objects.get(action="staff.change")
        assert entry.details == {"is_active": {"from": True, "to": False}}

    def test_it_deletes_only_empty_groups(self):
        full = self.client.post(f"/admin/schools/group/{self.w.group3.pk}/delete/", {"post": "yes"})
        assert full.status_code == 403
        empty = Group.objects.create(school=self.w.noord, name="Leeg", school_year=2026)
        response = self.client.post(f"/admin/schools/group/{empty.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not Group.objects.filter(pk=empty.pk).exists()
        assert AuditEntry.objects.filter(action="group.delete").exists()

    def test_it_offers_no_bulk_delete_and_keeps_no_second_log(self):
        response = self.client.get("/admin/schools/pupil/")
        assert "delete_selected" not in response.content.decode()
        from django.contrib.admin.models import LogEntry

        self.test_it_adds_a_pupil_through_the_domain_function()
        assert not LogEntry.objects.exists()

    def test_the_school_admin_sets_the_schools_privacy_switches_but_not_its_country(self):
        url = f"/admin/schools/school/{self.w.noord.pk}/change/"
        # Logged in with a second factor: switching the requirement on keeps this session
        # (a session without one would end; accounts/tests/test_session_limits.py).
        session = self.client.session
        session["hechtwijzer_two_factor"] = True
        session.save()
        response = self.client.post(
            url,
            {
                "require_two_factor": "on",
                "password_login": "on",  # passwords stay allowed (single sign-on)
                "teachers_see_factor_presence": "on",
                "former_teacher_weeks": "0",  # the new school year's read-on weeks (issue 17)
                "country": "BE",
                "seen_state": admin_state(self.w.noord),
            },
        )
        assert response.status_code == 302
        self.w.noord.refresh_from_db()
        assert self.w.noord.require_two_factor and self.w.noord.teachers_see_factor_presence
        assert self.w.noord.country == "NL"  # read-only for a school administrator
        entry = AuditEntry.objects.get(action="school.change")
        assert entry.username == "dirk" and set(entry.details["fields"]) == {
            "require_two_factor",
            "teachers_see_factor_presence",
        }
        assert self.client.get(f"/admin/schools/school/{self.w.zuid.pk}/change/").status_code == 404

    def test_a_save_over_a_record_changed_meantime_is_refused(self):
        seen = admin_state(self.w.piet)  # dirk opens the form
        Pupil.objects.filter(pk=self.w.piet.pk).update(first_name="Pieter")  # someone saves
        data = {
            "school": self.w.noord.pk,
            "first_name": "Piet",
            "last_name": "Testkind",
            "date_of_birth": "2019-03-14",
            "group": self.w.group3.pk,
            "status": "active",
            "left_on": "",
            "seen_state": seen,
        }
        response = self.client.post(f"/admin/schools/pupil/{self.w.piet.pk}/change/", data)
        assert response.status_code == 200
        assert "intussen" in response.content.decode()
        assert Pupil.objects.get(pk=self.w.piet.pk).first_name == "Pieter"

    def test_it_lets_no_teacher_into_the_admin(self):
        self.client.login(username="anna", password=PASSWORD)
        assert self.client.get("/admin/").status_code == 404
        assert self.client.get("/admin/schools/pupil/").status_code == 404
