"""The REST API (/api/v1/) with the test personas (hechtwijzer.testing): tokens, scopes, every
resource, the errors (401/403/404/409/422/429), the audit entries, the query counts of the
lists and the OpenAPI document."""

import datetime
import json
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.api import tokens
from hechtwijzer.api.endpoints import api
from hechtwijzer.api.models import ApiToken
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import CardEntry
from hechtwijzer.schools.models import Membership
from hechtwijzer.testing import build_world

API = "/api/v1"


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.token = {}
        for name, scope in [
            ("anna", "write"),
            ("bram", "write"),
            ("carla", "write"),
            ("erik", "read"),
            ("fien", "write"),
            ("dirk", "write"),
        ]:
            cls.token[name] = tokens.create_token(
                actor=None, user=getattr(w, name), name="test", scope=scope
            )[1]
        cls.token["anna_read"] = tokens.create_token(
            actor=w.anna, user=w.anna, name="read", scope="read"
        )[1]
        cls.observation = observation_actions.log_observation(
            actor=w.anna, pupil=w.piet, signals=["freezes"], observed_on=yesterday(), note="Stil."
        )
        plan_actions.start_card(actor=w.anna, pupil=w.piet)

    def call(self, method, path, who=None, data=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token[who]}"} if who else {}
        send = getattr(self.client, method)
        if data is not None:
            return send(API + path, json.dumps(data), content_type="application/json", **headers)
        return send(API + path, **headers, **extra)

    def get(self, path, who=None, **extra):
        return self.call("get", path, who, **extra)

    def last_entry(self):
        return AuditEntry.objects.order_by("-id").first()


class TokenTests(ApiTestCase):
    def test_it_answers_401_json_without_a_token_or_with_a_bad_one(self):
        for header in [None, "Bearer", "Bearer nonsense", "Token " + self.token["anna"]]:
            extra = {"HTTP_AUTHORIZATION": header} if header else {}
            response = self.client.get(API + "/pupils", **extra)
            assert response.status_code == 401, header
            assert response["Content-Type"].startswith("application/json")
            assert response["WWW-Authenticate"].startswith("Bearer")
            assert "detail" in response.json()
        # The right prefix with another secret.
        prefix = self.token["anna"].split("_")[1]
        forged = {"HTTP_AUTHORIZATION": f"Bearer hw_{prefix}_{'A' * 43}"}
        assert self.client.get(API + "/pupils", **forged).status_code == 401

    def test_a_logged_in_session_is_no_token(self):
        self.client.force_login(self.w.anna)
        assert self.client.get(API + "/pupils").status_code == 401
        # Nor does a session make a write possible (no CSRF surface: no session at all).
        response = self.client.post(
            f"{API}/pupils/{self.w.piet.public_id}/observations",
            json.dumps({"signals": ["freezes"]}),
            content_type="application/json",
        )
        assert response.status_code == 401

    def test_an_expired_or_revoked_token_does_nothing(self):
        assert self.get("/pupils", "anna").status_code == 200
        token = ApiToken.objects.get(prefix=self.token["anna"].split("_")[1])
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
        assert self.get("/pupils", "anna").status_code == 401
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() + datetime.timedelta(days=1)
        )
        assert self.get("/pupils", "anna").status_code == 200
        tokens.revoke_token(actor=self.w.anna, token=token)
        assert self.get("/pupils", "anna").status_code == 401

    def test_a_token_of_a_deactivated_user_or_one_without_school_access_does_nothing(self):
        get_user_model().objects.filter(pk=self.w.anna.pk).update(is_active=False)
        assert self.get("/pupils", "anna").status_code == 401
        get_user_model().objects.filter(pk=self.w.anna.pk).update(is_active=True)
        assert self.get("/pupils", "anna").status_code == 200
        Membership.objects.filter(user=self.w.anna).delete()
        assert self.get("/pupils", "anna").status_code == 401

    def test_a_read_token_may_not_write(self):
        before = Observation.objects.count()
        response = self.call(
            "post",
            f"/pupils/{self.w.piet.public_id}/observations",
            "anna_read",
            {"signals": ["freezes"]},
        )
        assert response.status_code == 403
        assert "detail" in response.json()
        assert Observation.objects.count() == before
        # Also for a pupil outside the user's scope: the scope answers first, revealing nothing.
        response = self.call(
            "post",
            f"/pupils/{self.w.zoe.public_id}/observations",
            "anna_read",
            {"signals": ["freezes"]},
        )
        assert response.status_code == 403
        response = self.call(
            "post",
            f"/pupils/{self.w.piet.public_id}/focus-card/ticks",
            "anna_read",
            {
                "measure": plan_actions.card_rows()[0].code,
                "column": "doing",
                "value": True,
                "seen": False,
            },
        )
        assert response.status_code == 403

    def test_only_the_digest_is_stored_and_making_and_revoking_are_audited(self):
        token, plain = tokens.create_token(
            actor=self.w.bram, user=self.w.bram, name="Rooster", scope="read", days=7
        )
        assert plain not in json.dumps(list(ApiToken.objects.values()), default=str)
        entry = self.last_entry()
        assert (entry.action, entry.username, entry.object_id) == (
            "api_token.create",
            "bram",
            token.prefix,
        )
        assert entry.details == {"user": "bram", "scope": "read", "days": 7}
        assert plain not in json.dumps(entry.details)
        tokens.revoke_token(actor=self.w.bram, token=token)
        assert self.last_entry().action == "api_token.revoke"

    def test_it_refuses_bad_token_settings_with_a_message_per_field(self):
        from django.core.exceptions import PermissionDenied, ValidationError

        with self.assertRaises(ValidationError) as raised:
            tokens.create_token(actor=None, user=self.w.anna, name="", scope="all", days=400)
        assert set(raised.exception.message_dict) == {"name", "scope", "days"}
        with self.assertRaises(PermissionDenied):
            tokens.create_token(actor=self.w.bram, user=self.w.anna, name="x")


class ResourceTests(ApiTestCase):
    def test_groups_and_pupils_are_those_the_user_may_see(self):
        groups = self.get("/groups", "anna").json()
        assert [g["name"] for g in groups["items"]] == ["Groep 3"]
        pupils = self.get("/pupils", "anna").json()
        assert pupils["count"] == 2
        assert [p["first_name"] for p in pupils["items"]] == ["Lara", "Piet"]
        in_group = self.get(f"/groups/{self.w.group3.pk}/pupils", "anna").json()
        assert {p["public_id"] for p in in_group["items"]} == {
            self.w.piet.public_id,
            self.w.lara.public_id,
        }
        entry = self.last_entry()
        assert (entry.action, entry.object_type, entry.object_id) == (
            "pupil.list",
            "group",
            str(self.w.group3.pk),
        )
        # Another teacher's group, another school's group: not there.
        assert self.get(f"/groups/{self.w.group5.pk}/pupils", "anna").status_code == 404
        assert self.get(f"/groups/{self.w.group4.pk}/pupils", "anna").status_code == 404
        # The care coordinator has the whole school, including the pupil who left.
        names = {p["first_name"] for p in self.get("/pupils", "carla").json()["items"]}
        assert names == {"Piet", "Lara", "Mo", "Sem"}
        # The school administrator manages records in the admin, not the care record.
        assert self.get("/pupils", "dirk").json()["count"] == 0

    def test_pagination_counts_and_limits(self):
        first = self.get("/pupils?limit=1", "carla").json()
        second = self.get("/pupils?limit=1&offset=1", "carla").json()
        assert first["count"] == second["count"] == 4
        assert (first["limit"], second["offset"]) == (1, 1)
        assert len(first["items"]) == len(second["items"]) == 1
        assert first["items"] != second["items"]

    def test_a_pupil_is_read_and_audited_and_outside_scope_is_404(self):
        response = self.get(f"/pupils/{self.w.piet.public_id}", "anna")
        assert response.status_code == 200
        assert response.json()["first_name"] == "Piet"
        entry = self.last_entry()
        assert (entry.action, entry.username, entry.pupil_public_id, entry.role) == (
            "pupil.view",
            "anna",
            self.w.piet.public_id,
            "teacher",
        )
        assert entry.details == {"api_token": self.token["anna"].split("_")[1]}
        for pupil in (self.w.mo, self.w.zoe, self.w.sem):
            response = self.get(f"/pupils/{pupil.public_id}", "anna")
            assert response.status_code == 404
            assert response.json() == {"detail": "Not found."} or "detail" in response.json()
            entry = self.last_entry()
            assert (entry.action, entry.pupil_public_id) == ("access.denied", pupil.public_id)

    def test_malformed_ids_and_numbers_are_404_or_422_never_a_server_error(self):
        before = AuditEntry.objects.count()
        for bad in ["x" * 3000, "AAAAAAAAAAAAAAAA", "a\x00b", "aaaaaaaaaaaaaaa1"]:
            response = self.client.get(
                f"{API}/pupils/{quote(bad, safe='')}",
                HTTP_AUTHORIZATION=f"Bearer {self.token['anna']}",
            )
            assert response.status_code == 404, bad
        assert AuditEntry.objects.count() == before  # as the pages' URLs: no lookup at all
        for path in [f"/groups/{'9' * 30}/pupils", "/groups/-1/pupils", "/groups/0/pupils"]:
            assert self.get(path, "carla").status_code in (404, 422), path
        for query in [f"offset={'9' * 30}", "offset=-1", "limit=201", "limit=x"]:
            assert self.get(f"/pupils?{query}", "carla").status_code == 422, query
        path = f"/pupils/{self.w.piet.public_id}/observations/not-a-uid"
        response = self.call("put", path, "anna", {"version": 1, "signals": ["freezes"]})
        assert response.status_code == 422
        response = self.call(
            "post",
            f"/pupils/{self.w.piet.public_id}/observations",
            "anna",
            {"signals": ["freezes"], "note": "a\x00b" * 3, "setting": "\x00"},
        )
        assert response.status_code == 422

    def test_observations_are_listed_with_their_signals_and_versions(self):
        response = self.get(f"/pupils/{self.w.piet.public_id}/observations", "anna")
        assert response.status_code == 200
        [item] = response.json()["items"]
        assert item["signals"] == ["freezes"]
        assert item["note"] == "Stil."
        assert item["version"] == 1 and item["may_correct"] is True
        assert self.last_entry().action == "pupil.view"
        assert self.get(f"/pupils/{self.w.zoe.public_id}/observations", "anna").status_code == 404

    def test_an_observation_is_logged_through_the_quick_logs_domain_function(self):
        response = self.call(
            "post",
            f"/pupils/{self.w.piet.public_id}/observations",
            "anna",
            {"signals": ["freezes", "quick_anger"], "setting": "free", "note": "Bij de deur."},
        )
        assert response.status_code == 201, response.content
        body = response.json()
        observation = Observation.objects.get(uid=body["uid"])
        assert observation.author == self.w.anna
        assert observation.informant == "group_teacher"
        assert sorted(observation.signal_codes) == ["freezes", "quick_anger"]
        entry = self.last_entry()
        assert (entry.action, entry.object_id, entry.username) == (
            "observation.create",
            body["uid"],
            "anna",
        )
        # Outside scope: 404, nothing written.
        before = Observation.objects.count()
        response = self.call(
            "post", f"/pupils/{self.w.mo.public_id}/observations", "anna", {"signals": ["freezes"]}
        )
        assert response.status_code == 404
        assert Observation.objects.count() == before

    def test_validation_errors_name_the_field(self):
        path = f"/pupils/{self.w.piet.public_id}/observations"
        # Found by the schema (ninja) or by the domain function: the same shape either way.
        cases = [
            ({"signals": ["no_such_signal"]}, "signals"),
            ({"signals": []}, "signals"),
            ({"signals": ["freezes"], "observed_on": "2026-02-30"}, "observed_on"),
            ({"signals": ["freezes"], "setting": "somewhere"}, "setting"),
        ]
        before = Observation.objects.count()
        for data, where in cases:
            response = self.call("post", path, "anna", data)
            assert response.status_code == 422, (data, response.content)
            problems = response.json()["detail"]
            assert ["body", "data", where] in [p["loc"] for p in problems], (data, problems)
            assert all(p["msg"] for p in problems)
        assert Observation.objects.count() == before
        # A teacher may not record a parent's report (the care coordinator's): 403.
        response = self.call("post", path, "anna", {"signals": ["freezes"], "informant": "parent"})
        assert response.status_code == 403
        assert Observation.objects.count() == before
        response = self.get("/pupils?limit=0", "anna")
        assert response.status_code == 422
        assert ["query", "limit"] in [p["loc"] for p in response.json()["detail"]]

    def test_a_correction_follows_the_pages_rules_and_its_version(self):
        uid = self.observation.uid
        path = f"/pupils/{self.w.piet.public_id}/observations/{uid}"
        data = {"version": 1, "signals": ["quick_anger"], "note": "Toch boos."}
        response = self.call("put", path, "anna", data)
        assert response.status_code == 200, response.content
        assert response.json()["version"] == 2
        assert self.last_entry().action == "observation.change"
        # The same version again is stale: 409 with the current version, nothing saved.
        response = self.call("put", path, "anna", {**data, "note": "Nog eens."})
        assert response.status_code == 409
        assert response.json()["current_version"] == 2
        self.observation.refresh_from_db()
        assert self.observation.note == "Toch boos."
        # Another teacher of the school may not correct it (not theirs, not their pupil); the
        # care coordinator may correct anyone's.
        assert self.call("put", path, "bram", {**data, "version": 2}).status_code == 404
        assert self.call("put", path, "carla", {**data, "version": 2}).status_code == 200

    def test_the_author_may_correct_for_two_school_weeks_only(self):
        Observation.objects.filter(pk=self.observation.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=30)
        )
        path = f"/pupils/{self.w.piet.public_id}/observations/{self.observation.uid}"
        response = self.call("put", path, "anna", {"version": 1, "signals": ["quick_anger"]})
        assert response.status_code == 404

    def test_a_withdrawal_needs_a_reason_and_a_current_version(self):
        path = f"/pupils/{self.w.piet.public_id}/observations/{self.observation.uid}/withdraw"
        response = self.call("post", path, "anna", {"version": 1, "reason": "other"})
        assert response.status_code == 422
        assert ["body", "data", "explanation"] in [p["loc"] for p in response.json()["detail"]]
        response = self.call("post", path, "anna", {"version": 1, "reason": "because"})
        assert response.status_code == 422
        stale = self.call("post", path, "anna", {"version": 7, "reason": "mistake"})
        assert stale.status_code == 409
        assert stale.json()["current_version"] == 1
        assert Observation.objects.get(pk=self.observation.pk).withdrawn_at is None
        response = self.call("post", path, "anna", {"version": 1, "reason": "mistake"})
        assert response.status_code == 200
        assert response.json()["withdrawn"] is True
        assert self.last_entry().action == "observation.withdraw"

    def test_a_withdrawal_is_undone_by_its_author_the_same_day_only(self):
        base = f"/pupils/{self.w.piet.public_id}/observations/{self.observation.uid}"
        withdrawn = self.call(
            "post", base + "/withdraw", "anna", {"version": 1, "reason": "mistake"}
        )
        assert withdrawn.json()["may_restore"] is True
        assert withdrawn.json()["may_correct"] is False
        # Not whoever withdrew it: 404, as on the page; a stale version: 409; nothing changes.
        assert self.call("post", base + "/restore", "carla", {"version": 2}).status_code == 404
        stale = self.call("post", base + "/restore", "anna", {"version": 1})
        assert stale.status_code == 409 and stale.json()["current_version"] == 2
        assert Observation.objects.get(pk=self.observation.pk).withdrawn_at is not None
        response = self.call("post", base + "/restore", "anna", {"version": 2})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["withdrawn"] is False and body["may_restore"] is False
        assert body["version"] == 3 and body["signals"] == ["freezes"]
        assert self.last_entry().action == "observation.restore"
        assert not ObservationSignal.objects.filter(observation=self.observation, withdrawn=True)
        # Not withdrawn (any more): nothing to undo.
        assert self.call("post", base + "/restore", "anna", {"version": 3}).status_code == 404
        # A withdrawal of yesterday is no longer undone.
        self.call("post", base + "/withdraw", "anna", {"version": 3, "reason": "mistake"})
        Observation.objects.filter(pk=self.observation.pk).update(
            withdrawn_at=timezone.now() - datetime.timedelta(days=1)
        )
        assert self.call("post", base + "/restore", "anna", {"version": 4}).status_code == 404
        # A read token cannot undo anything.
        _token, plain = tokens.create_token(actor=None, user=self.w.anna, name="r", scope="read")
        response = self.client.post(
            f"/api/v1{base}/restore",
            json.dumps({"version": 4}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {plain}",
        )
        assert response.status_code == 403

    def test_the_profile_is_the_pupil_pages_without_what_the_user_may_not_see(self):
        observation_actions.log_observation(
            actor=self.w.carla, pupil=self.w.piet, signals=["afraid_to_go_home"]
        )
        teacher = self.get(f"/pupils/{self.w.piet.public_id}/profile", "anna")
        assert teacher.status_code == 200
        body = teacher.json()
        assert {s["code"] for s in body["signals"]} >= {"freezes"}
        assert body["safeguarding"] is None and body["risk"] is None
        assert self.last_entry().action == "pupil.view"
        coordinator = self.get(f"/pupils/{self.w.piet.public_id}/profile", "carla").json()
        assert coordinator["safeguarding"]["show"] is True
        assert coordinator["risk"] is not None
        assert self.get(f"/pupils/{self.w.zoe.public_id}/profile", "anna").status_code == 404

    def test_the_focus_card_is_read_and_ticked_through_the_plans_domain(self):
        path = f"/pupils/{self.w.piet.public_id}/focus-card"
        card = self.get(path, "anna").json()
        assert card["number"] == 1 and card["entries"] == []
        assert self.last_entry().action == "focuscard.view"
        measure = plan_actions.card_rows()[0].code
        tick = {"measure": measure, "column": "trying", "value": True, "seen": False}
        response = self.call("post", path + "/ticks", "anna", tick)
        assert response.status_code == 200, response.content
        assert response.json()["entries"] == [
            {"measure": measure, "doing": False, "trying": True, "note": ""}
        ]
        assert response.json()["version"] == card["version"] + 1
        assert self.last_entry().action == "focuscard.tick"
        # The same tick again saw the old value: 409 with the card's version and the cell.
        response = self.call("post", path + "/ticks", "anna", tick)
        assert response.status_code == 409
        assert response.json()["current_version"] == card["version"] + 1
        assert response.json()["current"]["value"] is True
        assert CardEntry.objects.filter(card__pupil=self.w.piet, trying=True).count() == 1
        bad = self.call("post", path + "/ticks", "anna", {**tick, "measure": "nothing"})
        assert bad.status_code == 422
        bad = self.call("post", path + "/ticks", "anna", {**tick, "column": "maybe"})
        assert ["body", "data", "column"] in [p["loc"] for p in bad.json()["detail"]]
        # No card yet: 404 with a message; outside scope: 404.
        no_card = self.get(f"/pupils/{self.w.lara.public_id}/focus-card", "anna")
        assert no_card.status_code == 404
        assert no_card.json()["detail"] == "Deze leerling heeft nog geen focuskaart."
        # English where the client chose it, as on the pages (the language cookie).
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        no_card = self.get(f"/pupils/{self.w.lara.public_id}/focus-card", "anna")
        assert no_card.json()["detail"] == "This pupil has no focus card yet."
        assert self.get(f"/pupils/{self.w.mo.public_id}/focus-card", "anna").status_code == 404

    def test_the_catalog_is_public(self):
        for kind in ("signals", "measures", "patterns"):
            response = self.client.get(f"{API}/catalog/{kind}?limit=200")
            assert response.status_code == 200
            body = response.json()
            assert body["count"] == len(body["items"]) > 0
            assert all(item["code"] and "sources" in item for item in body["items"])
        assert self.client.get(f"{API}/catalog/pupils").status_code == 422


class RateLimitTests(ApiTestCase):
    @override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=60)
    def test_it_answers_429_with_retry_after_once_the_window_is_used_up(self):
        for _ in range(3):
            assert self.get("/groups", "anna").status_code == 200
        response = self.get("/groups", "anna")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert "detail" in response.json()
        # Per token: another user's token still works.
        assert self.get("/groups", "bram").status_code == 200
        # The next window starts afresh.
        ApiToken.objects.update(window_start=timezone.now() - datetime.timedelta(seconds=61))
        assert self.get("/groups", "anna").status_code == 200


class QueryCountTests(ApiTestCase):
    def count(self, path, who):
        with CaptureQueriesContext(connection) as captured:
            response = self.get(path, who)
        assert response.status_code == 200, response.content
        return len(captured)

    def test_lists_ask_as_many_queries_for_many_rows_as_for_few(self):
        paths = [
            "/groups",
            "/pupils",
            f"/groups/{self.w.group3.pk}/pupils",
            f"/pupils/{self.w.piet.public_id}/observations",
        ]
        # The first request of a rate-limit window starts it (one more statement): not counted.
        self.get("/groups", "carla")
        few = [self.count(path, "carla") for path in paths]
        for i in range(12):
            school_actions.create_pupil(
                actor=None,
                school=self.w.noord,
                group=self.w.group3,
                first_name=f"Kind{i}",
                last_name="Extra",
                date_of_birth=datetime.date(2019, 1, 1),
            )
            observation_actions.log_observation(
                actor=self.w.carla, pupil=self.w.piet, signals=["freezes", "quick_anger"]
            )
        school_actions.create_group(
            actor=None, school=self.w.noord, name="Groep 7", school_year=self.w.group3.school_year
        )
        many = [self.count(path, "carla") for path in paths]
        assert many == few


class OpenApiTests(ApiTestCase):
    def test_the_document_is_valid_openapi(self):
        response = self.client.get(API + "/openapi.json")
        assert response.status_code == 200
        document = response.json()
        validate(document)
        assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
        assert f"{API}/pupils/{{public_id}}/observations" in document["paths"]
        generated = api.get_openapi_schema(path_prefix=API + "/")
        assert document == json.loads(json.dumps(generated, default=str))

    def test_the_docs_page_lists_the_operations_from_our_own_files_only(self):
        response = self.client.get(API + "/docs/")
        assert response.status_code == 200
        body = response.content.decode()
        assert f"POST {API}/pupils/{{public_id}}/observations" in body
        assert "cdn" not in body.lower() and "https://" not in body
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert self.client.get(API + "/").status_code == 302
