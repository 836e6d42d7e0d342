"""The authorization matrix over the API: the same user kinds, places and table as the pages'
(web/tests/test_authorization_matrix.py), so that for every role the API reaches exactly the
pupils and records the pages reach.

    in scope          -> the operation's own answer (200, or 201 for a new observation)
    outside scope     -> 404 and "access.denied" on the trail, nothing written
    anonymous         -> 401 (no token); the deactivated account's token -> 401 too
    hidden            -> the profile answers, without the safeguarding route
"""

import json

from django.db import transaction
from django.utils import timezone

from hechtwijzer.api import tokens
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.schools.models import Pupil
from hechtwijzer.web.tests import test_authorization_matrix as pages

API = "/api/v1"
# The rows of the pages' table the API offers.
RECORDS = {
    ("pupil", "read"),
    ("observation", "write"),
    ("focus card", "read"),
    ("focus card", "write"),
    ("safeguarding", "read"),
}


def send(client, token, record, action, pupil):
    """The API request for one cell, and the status it answers when in scope."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    base = f"{API}/pupils/{pupil.public_id}"

    def post(path, data):
        return client.post(path, json.dumps(data), content_type="application/json", **headers)

    if (record, action) == ("pupil", "read"):
        return client.get(base, **headers), 200
    if (record, action) == ("safeguarding", "read"):
        return client.get(base + "/profile", **headers), 200
    if (record, action) == ("observation", "write"):
        today = timezone.localdate().isoformat()
        return post(base + "/observations", {"signals": ["withdrawn"], "observed_on": today}), 201
    if (record, action) == ("focus card", "read"):
        return client.get(base + "/focus-card", **headers), 200
    if (record, action) == ("focus card", "write"):
        measure = plan_actions.card_rows()[0].code
        tick = {"measure": measure, "column": "doing", "value": True, "seen": False}
        return post(base + "/focus-card/ticks", tick), 200
    raise AssertionError(f"no request for {record} {action}")


class _Rollback(Exception):
    pass


class ApiAuthorizationMatrixTests(pages.AuthorizationMatrixTests):
    # The world and the personas are the pages' matrix's; its own tests run in its module.
    test_the_table_follows_the_rule = None
    test_every_cell_answers_as_the_table_says = None

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        user_model = type(cls.w.anna)
        cls.tokens = {"anonymous": None}
        for kind, name in pages.PERSONA.items():
            user = getattr(cls.w, name)
            if not user.is_active:
                # A token made while the account still worked, before it was switched off.
                user_model.objects.filter(pk=user.pk).update(is_active=True)
                user.is_active = True
            cls.tokens[kind] = tokens.create_token(
                actor=None, user=user, name="matrix", scope="write"
            )[1]
        user_model.objects.filter(pk=cls.w.hugo.pk).update(is_active=False)

    def test_the_api_answers_every_cell_as_the_pages_table_says(self):
        rows = [row for row in pages.ROWS if (row[1], row[3]) in RECORDS]
        assert {(record, action) for _u, record, _w, action, _e in rows} == RECORDS
        for user, record, where, action, expected in rows:
            pupil = getattr(self.w, pages.WHERE[where])
            with self.subTest(user=user, record=record, where=where, action=action):
                try:
                    with transaction.atomic():
                        self.check_api_cell(user, record, action, pupil, expected)
                        raise _Rollback
                except _Rollback:
                    pass

    def check_api_cell(self, user, record, action, pupil, expected):
        context = (user, record, action, pupil.first_name, expected)
        before = pages.snapshot(pupil)
        last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        response, ok_status = send(self.client_class(), self.tokens[user], record, action, pupil)
        status = response.status_code
        if expected == pages.L:
            assert status == 401, (context, status)
        elif expected == pages.NO:
            assert status == 404, (context, status)
            refusal = AuditEntry.objects.filter(id__gt=last_entry or 0).order_by("-id").first()
            assert refusal is not None and refusal.action == "access.denied", context
            assert refusal.pupil_public_id == pupil.public_id, context
        elif expected == pages.HIDDEN:
            assert status == 200, (context, status)
            assert response.json()["safeguarding"] is None, context
        else:
            assert status == ok_status, (context, status, response.content)
            if record == "safeguarding":
                assert response.json()["safeguarding"]["show"] is True, context
        changed = pages.snapshot(pupil) != before
        assert changed == (action == "write" and expected == pages.OK), context

    def test_every_role_lists_exactly_the_pupils_whose_page_it_may_open(self):
        pupils = list(Pupil.objects.all())
        for kind in pages.USERS:
            token = self.tokens[kind]
            page_client = self.client_class()
            if kind != "anonymous":
                page_client.force_login(getattr(self.w, pages.PERSONA[kind]))
            on_pages = {
                p.public_id
                for p in pupils
                if page_client.get(f"/pupils/{p.public_id}/").status_code == 200
            }
            response = self.client.get(
                f"{API}/pupils?limit=200",
                **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}),
            )
            if kind in ("anonymous", "deactivated"):
                assert response.status_code == 401, kind
                assert on_pages == set(), kind
                continue
            listed = {p["public_id"] for p in response.json()["items"]}
            assert listed == on_pages, kind
            # And each one opens through the API, while every other pupil is 404.
            for p in pupils:
                answer = self.client.get(
                    f"{API}/pupils/{p.public_id}", HTTP_AUTHORIZATION=f"Bearer {token}"
                )
                assert answer.status_code == (200 if p.public_id in on_pages else 404), (kind, p)
