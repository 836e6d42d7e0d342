"""The teacher's weekly pages and their query budgets (issue 15, performance).

Each query costs a round trip and Django's compiling of the SQL, about a millisecond on the
benchmark machines, and the pages a teacher opens most do little else (BENCHMARKS.md). Each
budget below is exact and says what the queries are, so a change that adds one has to say why;
and each page is asked again with more data, to show the number does not grow with it.
"""

import datetime

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions as observe
from hechtwijzer.plans import actions as plans
from hechtwijzer.testing import PASSWORD, build_world

# Every page: the session, the user, the memberships and their groups (the access policy).
FRAME = 4
# A page kept per version of the school's records (audit.kept), when it is computed: the
# version, and the page's own object (the pupil, the group) read again after it.
KEPT = 2


class QueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        for code, column in (("sticordi_01", "trying"), ("sticordi_02", "doing")):
            plans.set_column(
                actor=cls.w.anna,
                pupil=cls.w.piet,
                measure_code=code,
                column=column,
                value=True,
                seen=False,
            )
        plans.add_own_measure(actor=cls.w.anna, pupil=cls.w.piet, text="Rustige plek bij de deur")

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)

    def log(self, n):
        today = timezone.localdate()
        for i in range(n):
            observe.log_observation(
                actor=self.w.anna,
                pupil=self.w.piet,
                signals=["concentration", "restless_chaotic"],
                observed_on=today - datetime.timedelta(days=i % 30),
                setting="structured",
            )

    def queries(self, method, path, data=None):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(self.client, method)(path, data or {})
        assert response.status_code in (200, 302), response.status_code
        return len(captured)

    def assert_budget(self, method, path, budget, data=None):
        assert self.queries(method, path, data) == budget
        self.log(12)
        assert self.queries(method, path, data) == budget

    def test_the_group_page(self):
        # + the group, the pupils, the signal aggregate, the audit entry, the cards due
        self.assert_budget("get", f"/groups/{self.w.group3.pk}/", FRAME + KEPT + 5)

    def test_the_pupil_page(self):
        # + the pupil, audit, the group's teachers, one query for the profile and every chart,
        # the safety signals a teacher can pass on, the timeline's count, the focus card, its
        # chosen measures and own measures, the plans accepted from a previous school
        # (transfer: the pupil's support history belongs beside the plan), the warm handover
        # waiting for this teacher (one query with its author, for those who keep the plan:
        # hechtwijzer.handover, issue 17); once there are observations the timeline's page and
        # its signals (two more, however many observations)
        path = f"/pupils/{self.w.piet.public_id}/"
        assert self.queries("get", path) == FRAME + KEPT + 11
        self.log(12)
        assert self.queries("get", path) == FRAME + KEPT + 13
        self.log(40)
        assert self.queries("get", path) == FRAME + KEPT + 13

    def test_the_focus_card(self):
        # + the pupil, audit, the card with its author, the profile (recommendations), the
        # versions, the parents' consent on every version (parents/sections.py), the entries,
        # the own measures, the co-teachers, the pupil's voice
        self.assert_budget("get", f"/pupils/{self.w.piet.public_id}/focuskaart/", FRAME + KEPT + 10)

    def test_the_focus_card_pdf(self):
        # + the pupil, audit, the card with its author, the entries, the profile, the own
        # measures, the co-teachers, the pupil's voice
        path = f"/pupils/{self.w.piet.public_id}/focuskaart.pdf"
        self.assert_budget("get", path, FRAME + KEPT + 8)

    def test_the_quick_log(self):
        # + the pupil; then one transaction: the observation, its signals, the school's
        # version (audit.SchoolVersion), the audit entry (BEGIN and COMMIT count); then the
        # session, which carries the saved message (BEGIN, UPDATE, COMMIT)
        form = {
            "signals": ["concentration", "restless_chaotic"],
            "observed_on": timezone.localdate().isoformat(),
            "setting": "structured",
            "company": "peers",
        }
        self.assert_budget("post", f"/pupils/{self.w.piet.public_id}/observe/", FRAME + 10, form)


class KeptPageTests(TestCase):
    """Asked again with no change in between, a kept page costs the frame, the door's lookup
    and audit entry and the school's version: none of its own queries (audit.kept)."""

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        observe.log_observation(
            actor=cls.w.anna, pupil=cls.w.piet, signals=["concentration"], setting="structured"
        )
        plans.set_column(
            actor=cls.w.anna,
            pupil=cls.w.piet,
            measure_code="sticordi_01",
            column="trying",
            value=True,
            seen=False,
        )

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)

    def twice(self, path):
        with CaptureQueriesContext(connection) as computed:
            first = self.client.get(path)
        with CaptureQueriesContext(connection) as again:
            second = self.client.get(path)
        assert first.status_code == second.status_code == 200
        return first, second, len(computed), len(again)

    def test_each_kept_page_asked_again_runs_only_the_frame_the_lookup_audit_and_version(self):
        pupil = self.w.piet.public_id
        for path in (
            f"/pupils/{pupil}/",
            f"/pupils/{pupil}/focuskaart/",
            f"/pupils/{pupil}/focuskaart.pdf",
            f"/groups/{self.w.group3.pk}/",
        ):
            with self.subTest(path=path):
                first, second, computed, again = self.twice(path)
                # the frame, the pupil or group, the audit entry, the version
                assert again == FRAME + 3, (path, again)
                assert computed > again
                if path.endswith(".pdf"):
                    assert second.content == first.content
                else:
                    main = first.content.decode().split('id="main"')[1]
                    assert second.content.decode().split('id="main"')[1] == main

    def test_every_read_is_still_recorded_when_the_page_is_kept(self):
        path = f"/pupils/{self.w.piet.public_id}/"
        before = AuditEntry.objects.filter(action="pupil.view").count()
        self.twice(path)
        assert AuditEntry.objects.filter(action="pupil.view").count() == before + 2

    def test_a_change_shows_at_once(self):
        path = f"/pupils/{self.w.piet.public_id}/"
        page = self.client.get(path).content.decode()
        observe.log_observation(
            actor=self.w.anna,
            pupil=self.w.piet,
            signals=["restless_chaotic"],
            setting="structured",
            note="Zat stil bij het voorlezen",
        )
        with CaptureQueriesContext(connection) as computed:
            again = self.client.get(path).content.decode()
        assert len(computed) > FRAME + 3
        assert again != page

    def test_another_user_never_gets_a_page_kept_for_someone_else(self):
        path = f"/pupils/{self.w.piet.public_id}/focuskaart/"
        anna = self.client.get(path).content.decode()
        self.client.logout()
        self.client.login(username="carla", password=PASSWORD)
        with CaptureQueriesContext(connection) as computed:
            carla = self.client.get(path).content.decode()
        assert len(computed) > FRAME + 3  # computed for her, not taken from Anna's copy
        assert carla.split('id="main"')[1] != anna.split('id="main"')[1]

    def test_a_kept_form_carries_this_browsers_csrf_token(self):
        path = f"/pupils/{self.w.piet.public_id}/focuskaart/"
        self.client.get(path)  # kept for Anna's first browser
        other = Client(enforce_csrf_checks=True)  # Anna in a second browser
        other.login(username="anna", password=PASSWORD)
        content = other.get(path).content.decode().split('id="main"')[1]
        token = content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        # The whole-card form, sent with the token from the kept content this browser got.
        response = other.post(path, {"csrfmiddlewaretoken": token, "lock_version": "x"})
        assert response.status_code == 302  # refused by the form, not by the CSRF check
