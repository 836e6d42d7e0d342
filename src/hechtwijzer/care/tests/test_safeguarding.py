"""The safeguarding record: raise a concern, record the route's steps, close it; the care
coordinator of the pupil's school only; encrypted at rest; audit entries without text."""

import datetime
import json

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care.models import SafeguardingConcern, SafeguardingStep
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.testing import PASSWORD, build_world

CONCERN = "MARKER-concern-bruise-arm-4411"
CONSULTED = "MARKER-consulted-Veilig-Thuis-5522"
DECISION = "MARKER-decision-report-6633"
WRITES = ("safeguarding.raise", "safeguarding.step", "safeguarding.close")


class SafeguardingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.obs1 = observation_actions.log_observation(
            actor=cls.w.anna, pupil=cls.w.piet, signals=["withdrawn"]
        )
        cls.obs2 = observation_actions.log_observation(
            actor=cls.w.anna, pupil=cls.w.piet, signals=["quick_anger"]
        )
        cls.other = observation_actions.log_observation(
            actor=cls.w.anna, pupil=cls.w.lara, signals=["withdrawn"]
        )

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def url(self, name="safeguarding", pupil=None, concern=None):
        args = [(pupil or self.w.piet).public_id]
        if concern is not None:
            args.append(concern.uid)
        return reverse(f"care:{name}", args=args)

    def raise_concern(self, **extra):
        data = {
            "concern": CONCERN,
            "observations": [str(self.obs1.uid), str(self.obs2.uid)],
            **extra,
        }
        return self.client.post(self.url(), data)

    def step(self, concern, step, done_on, version, **extra):
        data = {"step": step, "done_on": done_on.isoformat(), "version": version, **extra}
        return self.client.post(self.url("record_step", pupil=concern.pupil, concern=concern), data)

    # --- the route, start to end --------------------------------------------------------------

    def test_coordinator_raises_records_nl_steps_and_closes(self):
        self.login("carla")
        today = timezone.localdate()
        start = today - datetime.timedelta(days=10)
        response = self.raise_concern(raised_on=start.isoformat())
        assert response.status_code == 302
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        assert concern.route == "nl_meldcode" and concern.raised_by == self.w.carla
        assert concern.raised_on == start and concern.concern == CONCERN
        assert set(concern.observations.all()) == {self.obs1, self.obs2}

        codes = ["map", "consult", "talk", "weigh", "decide"]
        for n, code in enumerate(codes):
            response = self.step(
                concern,
                code,
                start + datetime.timedelta(days=2 * n),
                version=n + 1,
                consulted=CONSULTED,
                decision=DECISION,
            )
            assert response.status_code == 302, response.content.decode()
        steps = list(SafeguardingStep.objects.filter(concern=concern))
        assert [s.step for s in steps] == codes
        assert [s.done_on for s in steps] == [
            start + datetime.timedelta(days=2 * n) for n in range(5)
        ]
        assert steps[1].consulted == CONSULTED and steps[4].decision == DECISION

        page = self.client.get(self.url())
        html = page.content.decode()
        assert page.status_code == 200
        assert CONCERN in html and CONSULTED in html and DECISION in html
        content = html[html.index("<h1") :]
        assert 'for="concern-text"' in content
        assert "style=" not in content and "<script" not in content

        response = self.client.post(self.url("close", concern=concern), {"version": 6})
        assert response.status_code == 302
        concern.refresh_from_db()
        assert concern.status == "closed" and concern.closed_on == today
        # A closed concern takes no more steps.
        response = self.step(concern, "decide", today, version=7)
        assert "This concern is closed" in response.content.decode()
        assert concern.steps.count() == 5

        actions = list(
            AuditEntry.objects.filter(
                pupil_public_id=self.w.piet.public_id, action__startswith="safeguarding."
            ).values_list("action", flat=True)
        )
        assert actions.count("safeguarding.raise") == 1
        assert actions.count("safeguarding.step") == 5
        assert actions.count("safeguarding.close") == 1
        assert "safeguarding.view" in actions

    def test_the_belgian_school_gets_the_clb_route(self):
        self.login("fien")
        obs = observation_actions.log_observation(
            actor=self.w.fien, pupil=self.w.zoe, signals=["withdrawn"]
        )
        response = self.client.post(
            self.url(pupil=self.w.zoe), {"concern": CONCERN, "observations": [str(obs.uid)]}
        )
        assert response.status_code == 302
        concern = SafeguardingConcern.objects.get(pupil=self.w.zoe)
        assert concern.route == "be_clb"
        page = self.client.get(self.url(pupil=self.w.zoe)).content.decode()
        for code in ("clb", "vertrouwenscentrum", "helpline_1712", "other"):
            assert f'value="{code}"' in page
        assert 'value="weigh"' not in page
        today = timezone.localdate()
        response = self.step(concern, "weigh", today, version=1)  # an NL step
        assert "Choose one of the steps of this route." in response.content.decode()
        response = self.step(concern, "helpline_1712", today, version=1)
        assert response.status_code == 302
        assert [s.step for s in concern.steps.all()] == ["helpline_1712"]

    # --- who may reach it ---------------------------------------------------------------------

    def test_everyone_but_the_schools_coordinator_gets_404(self):
        self.login("carla")
        self.raise_concern()
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        self.client.logout()
        for name in ("anna", "bram", "dirk", "fien", "erik", "gijs"):
            self.login(name)
            assert self.client.get(self.url()).status_code == 404, name
            assert self.raise_concern().status_code == 404, name
            response = self.step(concern, "consult", timezone.localdate(), version=1)
            assert response.status_code == 404, name
            response = self.client.post(self.url("close", concern=concern), {"version": 1})
            assert response.status_code == 404, name
            self.client.logout()
        assert SafeguardingConcern.objects.count() == 1
        assert SafeguardingStep.objects.count() == 0
        concern.refresh_from_db()
        assert concern.is_open and concern.version == 1
        assert AuditEntry.objects.filter(
            action="access.denied", pupil_public_id=self.w.piet.public_id
        ).exists()
        # Not logged in: to the log-in page.
        response = self.client.get(self.url())
        assert response.status_code == 302 and "next=" in response["Location"]

    def test_a_concern_of_another_pupil_is_not_found(self):
        self.login("carla")
        self.raise_concern()
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        response = self.client.post(
            self.url("record_step", pupil=self.w.lara, concern=concern),
            {"step": "map", "done_on": timezone.localdate().isoformat(), "version": 1},
        )
        assert response.status_code == 404

    # --- two people, one record ---------------------------------------------------------------

    def test_a_stale_version_is_refused(self):
        self.login("carla")
        self.raise_concern()
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        today = timezone.localdate()
        assert self.step(concern, "map", today, version=1).status_code == 302
        response = self.step(concern, "consult", today, version=1, consulted=CONSULTED)
        assert response.status_code == 409
        html = response.content.decode()
        assert "changed in the meantime" in html and CONSULTED in html  # the input is kept
        assert [s.step for s in concern.steps.all()] == ["map"]
        response = self.client.post(self.url("close", concern=concern), {"version": 1})
        assert response.status_code == 409
        concern.refresh_from_db()
        assert concern.is_open and concern.version == 2

    # --- at rest and in the audit trail -------------------------------------------------------

    def test_texts_are_encrypted_and_the_audit_holds_no_text(self):
        self.login("carla")
        self.raise_concern()
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        self.step(
            concern,
            "consult",
            timezone.localdate(),
            version=1,
            consulted=CONSULTED,
            decision=DECISION,
        )
        self.client.post(self.url("close", concern=concern), {"version": 2})
        with connection.cursor() as cursor:
            cursor.execute("SELECT concern FROM care_safeguardingconcern")
            raw = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT consulted, decision FROM care_safeguardingstep")
            raw += [value for row in cursor.fetchall() for value in row]
        assert len(raw) == 3
        for value in raw:
            assert value.startswith("hw1:")
            assert "MARKER" not in value
        entries = AuditEntry.objects.filter(action__startswith="safeguarding.")
        dumped = json.dumps([e.details for e in entries]) + "".join(str(e) for e in entries)
        assert "MARKER" not in dumped and "Piet" not in dumped
        raised = entries.get(action="safeguarding.raise")
        assert raised.details == {"route": "nl_meldcode", "observations": 2}
        step = entries.get(action="safeguarding.step")
        assert step.details == {
            "route": "nl_meldcode",
            "step": "consult",
            "steps": 1,
            "decision": True,
        }
        assert entries.get(action="safeguarding.close").details == {
            "route": "nl_meldcode",
            "steps": 1,
        }

    # --- bad input ----------------------------------------------------------------------------

    def test_bad_input_gives_messages_at_the_fields_and_stores_nothing(self):
        self.login("carla")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.client.post(
            self.url(),
            {
                "concern": "  ",
                "raised_on": tomorrow.isoformat(),
                "observations": [str(self.other.uid)],  # another pupil's observation
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "The date lies in the future." in html
        assert "Describe the concern factually" in html
        assert "Choose observations of this pupil" in html
        assert 'aria-describedby="raised-on-error"' in html
        assert 'id="concern-text-error"' in html
        response = self.client.post(self.url(), {"concern": CONCERN, "raised_on": "no date"})
        assert "Enter a valid date." in response.content.decode()
        response = self.client.post(self.url(), {"concern": "x" * 4001})
        assert "Keep this under 4000 characters." in response.content.decode()
        assert SafeguardingConcern.objects.count() == 0

        self.raise_concern()
        concern = SafeguardingConcern.objects.get(pupil=self.w.piet)
        before = AuditEntry.objects.filter(action__in=WRITES).count()
        response = self.step(concern, "phone_a_friend", tomorrow, version=1, consulted=CONSULTED)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Choose one of the steps of this route." in html
        assert "The date lies in the future." in html
        assert f'aria-describedby="step-{concern.uid}-error"' in html
        assert CONSULTED in html  # what was typed is kept
        response = self.step(
            concern, "map", concern.raised_on - datetime.timedelta(days=1), version=1
        )
        assert "before the concern was raised" in response.content.decode()
        response = self.client.post(
            self.url("record_step", concern=concern), {"step": "map", "version": 1}
        )
        assert "Enter the date." in response.content.decode()
        response = self.client.post(
            self.url("close", concern=concern), {"closed_on": tomorrow.isoformat(), "version": 1}
        )
        assert "The date lies in the future." in response.content.decode()
        assert SafeguardingStep.objects.count() == 0
        concern.refresh_from_db()
        assert concern.is_open and concern.version == 1
        after = AuditEntry.objects.filter(action__in=WRITES).count()
        assert after == before

    def test_the_route_on_the_pupil_page_links_to_the_record(self):
        from django.template.loader import render_to_string

        html = render_to_string(
            "care/_safeguarding_route.html",
            {
                "pupil": self.w.piet,
                "safeguarding": {"level": "map_signals", "reasons": [], "country": "NL"},
            },
        )
        assert self.url() in html
        # Nothing to show (no level, nothing waiting, nothing to watch): no section at all.
        empty = render_to_string(
            "care/_safeguarding_route.html",
            {"pupil": self.w.piet, "safeguarding": {"level": None, "reasons": [], "country": "NL"}},
        )
        assert "safeguarding-heading" not in empty

    def test_the_domain_functions_check_the_policy_themselves(self):
        from django.core.exceptions import PermissionDenied

        from hechtwijzer.care import actions

        for user in (self.w.anna, self.w.dirk, self.w.fien):
            with self.assertRaises(PermissionDenied):
                actions.raise_concern(actor=user, pupil=self.w.piet, concern=CONCERN)
        concern = actions.raise_concern(actor=self.w.carla, pupil=self.w.piet, concern=CONCERN)
        with self.assertRaises(PermissionDenied):
            actions.record_step(
                actor=self.w.anna,
                concern=concern,
                expected_version=1,
                step="map",
                done_on=timezone.localdate(),
            )
        with self.assertRaises(PermissionDenied):
            actions.close_concern(actor=self.w.dirk, concern=concern, expected_version=1)
        assert concern.steps.count() == 0 and concern.observations.count() == 0
