"""The teacher's weekly pages and their query budgets (issue 15, performance).

Each query costs a round trip and Django's compiling of the SQL, about a millisecond on the
benchmark machines, and the pages a teacher opens most do little else (BENCHMARKS.md). Each
budget below is exact and says what the queries are, so a change that adds one has to say why;
and each page is asked again with more data, to show the number does not grow with it.
"""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.observations import actions as observe
from hechtwijzer.plans import actions as plans
from hechtwijzer.testing import PASSWORD, build_world

# Every page: the session, the user, the memberships and their groups (the access policy).
FRAME = 4


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
        self.assert_budget("get", f"/groups/{self.w.group3.pk}/", FRAME + 5)

    def test_the_pupil_page(self):
        # + the pupil, audit, the group's teachers, one query for the profile and every chart,
        # the safety signals a teacher can pass on, the timeline's count, the focus card, its
        # chosen measures and own measures, the plans accepted from a previous school
        # (transfer: the pupil's support history belongs beside the plan), the warm handover
        # waiting for this teacher (one query with its author, for those who keep the plan:
        # hechtwijzer.handover, issue 17); once there are observations the timeline's page and
        # its signals (two more, however many observations)
        path = f"/pupils/{self.w.piet.public_id}/"
        assert self.queries("get", path) == FRAME + 11
        self.log(12)
        assert self.queries("get", path) == FRAME + 13
        self.log(40)
        assert self.queries("get", path) == FRAME + 13

    def test_the_focus_card(self):
        # + the pupil, audit, the card with its author, the profile (recommendations), the
        # versions, the parents' consent on every version (parents/sections.py), the entries,
        # the own measures, the co-teachers, the pupil's voice
        self.assert_budget("get", f"/pupils/{self.w.piet.public_id}/focuskaart/", FRAME + 10)

    def test_the_focus_card_pdf(self):
        # + the pupil, audit, the card with its author, the entries, the profile, the own
        # measures, the co-teachers, the pupil's voice
        self.assert_budget("get", f"/pupils/{self.w.piet.public_id}/focuskaart.pdf", FRAME + 8)

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
