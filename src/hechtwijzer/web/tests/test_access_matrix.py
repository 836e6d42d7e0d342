"""The access matrix, through real HTTP requests: role x object x read/change -> answer.

Rows are (object, action); columns are personas (see hechtwijzer.testing). 200 = allowed,
404 = does not exist for this user, "login" = sent to the log-in page, 302 = saved and redirected.
"""

import datetime

import pytest
from django.test import TestCase

from hechtwijzer import access
from hechtwijzer.schools.models import Group, Pupil
from hechtwijzer.testing import PASSWORD, admin_state, build_world

PERSONAS = ["anonymous", "anna", "bram", "carla", "dirk", "hugo", "erik", "fien", "gijs"]

# Reading pupils' care pages (/pupils/<public_id>/).
READ_PUPIL = {
    #        anon     anna  bram  carla dirk  hugo     erik  fien  gijs
    "piet": ["login", 200, 404, 200, 404, "login", 404, 404, 404],  # group 3 of Noord
    "mo": ["login", 404, 200, 200, 404, "login", 404, 404, 404],  # group 5 of Noord
    "sem": ["login", 404, 404, 200, 404, "login", 404, 404, 404],  # left Noord
    "zoe": ["login", 404, 404, 404, 404, "login", 200, 200, 404],  # Zuid
}

# Reading and changing administrative records in the admin (/admin/...).
ADMIN = {
    #                     anon     anna bram carla dirk hugo     erik fien gijs
    ("pupil piet", "read"): ["login", 404, 404, 404, 200, "login", 404, 404, 404],
    ("pupil piet", "change"): ["login", 404, 404, 404, 302, "login", 404, 404, 404],
    ("pupil zoe", "change"): ["login", 404, 404, 404, 404, "login", 404, 404, 302],
    ("group 3", "read"): ["login", 404, 404, 404, 200, "login", 404, 404, 404],
    ("group 3", "change"): ["login", 404, 404, 404, 302, "login", 404, 404, 404],
    ("staff anna", "read"): ["login", 404, 404, 404, 200, "login", 404, 404, 404],
    ("staff anna", "change"): ["login", 404, 404, 404, 302, "login", 404, 404, 404],
    ("staff erik", "change"): ["login", 404, 404, 404, 404, "login", 404, 404, 302],
}

# Issue 17: the warm handover of a pupil and the new school year step of a school.
YEAR_AND_HANDOVER = {
    #                       anon     anna bram carla dirk hugo     erik fien gijs
    "handover piet": ["login", 200, 404, 200, 404, "login", 404, 404, 404],
    "handover zoe": ["login", 404, 404, 404, 404, "login", 200, 200, 404],
    "new year noord": ["login", 404, 404, 404, 200, "login", 404, 404, 404],
    "new year zuid": ["login", 404, 404, 404, 404, "login", 404, 404, 200],
}


class AccessMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def client_for(self, persona):
        if persona == "anonymous":
            return self.client_class()
        client = self.client_class()
        user = getattr(self.w, persona)
        if user.is_active:
            assert client.login(username=persona, password=PASSWORD)
        else:
            # A user deactivated after logging in: the old session must be worthless.
            client.force_login(user)
        return client

    def assert_answer(self, response, expected, context):
        if expected == "login":
            assert response.status_code == 302, context
            assert response["Location"].startswith("/?next=") or response["Location"].startswith(
                "/admin/login/"
            ), context
        else:
            assert response.status_code == expected, (context, response.status_code)

    def test_it_reads_the_handover_and_the_new_year_as_the_matrix_says(self):
        w = self.w
        paths = {
            "handover piet": f"/pupils/{w.piet.public_id}/handover/",
            "handover zoe": f"/pupils/{w.zoe.public_id}/handover/",
            "new year noord": f"/schools/{w.noord.pk}/new-year/",
            "new year zuid": f"/schools/{w.zuid.pk}/new-year/",
        }
        for name, row in YEAR_AND_HANDOVER.items():
            for persona, expected in zip(PERSONAS, row, strict=True):
                response = self.client_for(persona).get(paths[name])
                self.assert_answer(response, expected, (persona, name))

    def test_it_reads_pupil_pages_as_the_matrix_says(self):
        for pupil_name, row in READ_PUPIL.items():
            pupil = getattr(self.w, pupil_name)
            for persona, expected in zip(PERSONAS, row, strict=True):
                response = self.client_for(persona).get(f"/pupils/{pupil.public_id}/")
                self.assert_answer(response, expected, (persona, pupil_name))

    def admin_request(self, client, obj, action):
        w = self.w
        target = {
            "pupil piet": ("pupil", w.piet),
            "pupil zoe": ("pupil", w.zoe),
            "group 3": ("group", w.group3),
            "staff anna": ("membership", w.anna.memberships.get()),
            "staff erik": ("membership", w.erik.memberships.get()),
        }[obj]
        model, instance = target
        url = f"/admin/schools/{model}/{instance.pk}/change/"
        if action == "read":
            return client.get(url)
        if model == "pupil":
            data = {
                "school": instance.school_id,
                "first_name": "Veranderd",
                "last_name": instance.last_name,
                "date_of_birth": instance.date_of_birth.isoformat(),
                "group": instance.group_id,
                "status": "active",
                "left_on": "",
            }
        elif model == "group":
            data = {"school": instance.school_id, "name": "Veranderd", "school_year": 2026}
        else:
            data = {
                "first_name": "Veranderd",
                "last_name": "Test",
                "email": "",
                "role": "teacher",
                "groups": [g.pk for g in instance.groups.all()],
                "is_active": "on",
            }
        data["seen_state"] = admin_state(type(instance).objects.get(pk=instance.pk))
        return client.post(url, data)

    def test_it_reads_and_changes_admin_records_as_the_matrix_says(self):
        for (obj, action), row in ADMIN.items():
            for persona, expected in zip(PERSONAS, row, strict=True):
                with self.subTest(obj=obj, action=action, persona=persona):
                    before = self.snapshot()
                    response = self.admin_request(self.client_for(persona), obj, action)
                    self.assert_answer(response, expected, (persona, obj, action))
                    changed = self.snapshot() != before
                    assert changed == (expected == 302), (persona, obj, action)
                    if changed:
                        self.restore()

    def snapshot(self):
        return (
            sorted(Pupil.objects.values_list("pk", "first_name")),
            sorted(Group.objects.values_list("pk", "name")),
            sorted(type(self.w.anna).objects.values_list("pk", "first_name", "is_active")),
        )

    def restore(self):
        # Each allowed change is undone so the next cell starts from the same world.
        for name in ("piet", "zoe"):
            pupil = getattr(self.w, name)
            Pupil.objects.filter(pk=pupil.pk).update(first_name=pupil.first_name)
        Group.objects.filter(pk=self.w.group3.pk).update(name=self.w.group3.name)
        for name in ("anna", "erik"):
            user = getattr(self.w, name)
            type(user).objects.filter(pk=user.pk).update(first_name=user.first_name)


class PolicyAgreementTests(TestCase):
    """The list query and the object check come from one table and must agree."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_it_agrees_between_list_and_object_for_every_persona_and_pupil(self):
        pupils = list(Pupil.objects.all())
        for persona in PERSONAS[1:]:
            user = type(self.w.anna).objects.get(username=persona)
            for perm in access.Perm:
                listed = set(access.pupils_for(user, perm).values_list("pk", flat=True))
                allowed = {p.pk for p in pupils if access.allows(user, perm, p)}
                assert listed == allowed, (persona, perm)

    def test_it_never_crosses_a_school_boundary(self):
        for persona in PERSONAS[1:]:
            user = type(self.w.anna).objects.get(username=persona)
            schools = {m.school_id for m in user.memberships.all()}
            for perm in access.Perm:
                assert (
                    set(access.pupils_for(user, perm).values_list("school_id", flat=True))
                    <= schools
                )

    def test_it_gives_superusers_no_pupils(self):
        root = type(self.w.anna).objects.create_superuser("root", "", PASSWORD)
        for perm in access.Perm:
            assert not access.pupils_for(root, perm).exists()

    def test_it_follows_a_teacher_who_moves_to_another_group(self):
        anna = self.w.anna
        membership = anna.memberships.get()
        membership.groups.set([self.w.group5])
        anna = type(anna).objects.get(pk=anna.pk)  # a new request, a fresh user object
        assert set(access.pupils_for(anna)) == {self.w.mo}


@pytest.mark.parametrize("bad", ["abc", "AAAAAAAAAAAAAAAA", "aaaaaaaaaaaaaaa1", "a" * 17])
def test_it_answers_404_for_malformed_public_ids(client, bad, django_user_model):
    django_user_model.objects.create_user("x", password=PASSWORD)
    client.login(username="x", password=PASSWORD)
    assert client.get(f"/pupils/{bad}/").status_code == 404


def test_today_is_a_date():
    # Guards the personas' fixed birth date against being in the future on odd clocks.
    assert datetime.date(2019, 3, 14) < datetime.date.today()
