"""The demo shows the reminders: `hechtwijzer daily --dry-run --json` lists them for the demo's
due and overdue cards and the care coordinators' digests, and a second real run sends nothing
new."""

import io
import json

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.demo.schools import load
from hechtwijzer.plans.models import FocusCard


def daily(*args) -> dict:
    out = io.StringIO()
    call_command("daily", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


class DemoRemindersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()

    def test_the_dry_run_lists_the_demos_due_and_overdue_cards(self):
        today = timezone.localdate()
        cards = FocusCard.objects.filter(closed_at__isnull=True).select_related("pupil")
        overdue = {c.pupil.public_id for c in cards if c.evaluation_due < today}
        due = {c.pupil.public_id for c in cards if 0 <= (c.evaluation_due - today).days <= 7}
        # Per school: one overdue; due, the evaluated card's next version and the care-cycle
        # pupil's card, due today (demo.cycle).
        assert len(overdue) == 2 and len(due) == 4
        result = daily("--dry-run")
        listed = {(r["kind"], p) for r in result["reminders"] for p in r["pupils"]}
        assert {("evaluation_overdue", p) for p in overdue} <= listed
        assert {("evaluation_due", p) for p in due} <= listed
        digests = [r for r in result["reminders"] if r["kind"] == "weekly_digest"]
        assert sorted(r["to"] for r in digests) == ["fluitekruid.ib", "klaproos.zoco"]
        assert mail.outbox == []

    def test_a_second_real_run_sends_nothing_new(self):
        first = daily()
        assert len(first["reminders"]) == len(mail.outbox) == 8
        assert daily()["reminders"] == []
        assert len(mail.outbox) == 8
        flemish = next(m for m in mail.outbox if m.to == ["klaproos.zoco@demo.example"])
        assert "zorgcoördinator" not in flemish.body  # counts only; and no Dutch school words
        assert "intern begeleider" not in flemish.body
