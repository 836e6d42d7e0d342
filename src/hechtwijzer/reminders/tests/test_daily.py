"""`hechtwijzer daily`: sends once (twice run, once sent), writes nothing in a dry run, prints
the promised JSON, survives a failing mail server, runs retention, audits what it sends, and
costs the same number of queries for 3 or 10 cards."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.reminders import sending
from hechtwijzer.reminders.models import ReminderOptOut, SentReminder
from hechtwijzer.schools.models import Pupil

from .helpers import TODAY, card, days, outbox_to, world


def daily(*args):
    out = io.StringIO()
    call_command("daily", *args, "--today", TODAY.isoformat(), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def daily_json(*args):
    return json.loads(daily("--json", *args))


class DailyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        card(w.piet, w.anna, days(2))
        card(w.lara, w.anna, days(-3))
        card(w.mo, w.bram, days(-1))

    def test_json_lists_what_it_sends_in_the_promised_shape(self):
        w = self.w
        result = daily_json()
        assert set(result) == {"reminders", "retention"}
        for reminder in result["reminders"]:
            assert set(reminder) == {"to", "kind", "pupils"}
        assert result["reminders"] == [
            {"to": "anna", "kind": "evaluation_due", "pupils": [w.piet.public_id]},
            {"to": "anna", "kind": "evaluation_overdue", "pupils": [w.lara.public_id]},
            {"to": "bram", "kind": "evaluation_overdue", "pupils": [w.mo.public_id]},
            {
                "to": "carla",
                "kind": "weekly_digest",
                "pupils": sorted([w.lara.public_id, w.mo.public_id]),
            },
        ]
        assert set(result["retention"]) == {
            "dry_run",
            "erased",
            "held",
            "write_ahead_log",
            "login_records",
        }
        assert len(mail.outbox) == 4

    def test_a_care_team_decision_due_is_in_the_dry_runs_json_and_sent_once(self):
        w = self.w
        meeting = meeting_actions.create_meeting(
            actor=w.carla,
            school=w.noord,
            starts_at=timezone.now() - datetime.timedelta(days=3),
            title="Leerlingbespreking",
        )
        item = meeting_actions.add_to_agenda(actor=w.carla, meeting=meeting, pupil=w.mo)
        meeting_actions.add_decision(
            actor=w.carla, item=item, what="Gesprek met vader", owner=w.bram, due_on=days(1)
        )
        wanted = {"to": "bram", "kind": "decision_due", "pupils": [w.mo.public_id]}
        assert wanted in daily_json("--dry-run")["reminders"]
        assert not SentReminder.objects.exists()
        assert wanted in daily_json()["reminders"]
        assert wanted not in daily_json()["reminders"]

    def test_run_twice_send_once(self):
        daily()
        assert len(mail.outbox) == 4
        rows = SentReminder.objects.count()
        assert daily_json()["reminders"] == []
        assert len(mail.outbox) == 4
        assert SentReminder.objects.count() == rows == 4

    def test_a_new_evaluation_date_is_a_new_reminder(self):
        daily()
        piet_card = self.w.piet.focus_cards.get()
        piet_card.evaluation_due = days(5)
        piet_card.save(update_fields=["evaluation_due"])
        result = daily_json()
        assert result["reminders"] == [
            {"to": "anna", "kind": "evaluation_due", "pupils": [self.w.piet.public_id]}
        ]
        assert len(mail.outbox) == 5

    def test_a_dry_run_writes_and_sends_nothing(self):
        audit = AuditEntry.objects.count()
        result = daily_json("--dry-run")
        assert len(result["reminders"]) == 4
        assert result["retention"]["dry_run"] is True
        assert result["retention"]["login_records"] is None
        assert mail.outbox == []
        assert SentReminder.objects.count() == 0
        assert AuditEntry.objects.count() == audit
        # ... and the real run afterwards still sends all of it.
        assert len(daily_json()["reminders"]) == 4

    def test_a_reminder_sent_meanwhile_by_another_run_is_skipped(self):
        mails = sending.plan(TODAY)
        first = mails[0]
        SentReminder.objects.create(
            user=first.user, kind=first.kind.code, key=first.entries[0].key, sent_at=timezone.now()
        )
        outcome = sending.send(mails)
        assert outcome.skipped == [first]
        assert len(outcome.sent) == 3
        assert len(mail.outbox) == 3

    def test_the_text_output_names_no_pupil(self):
        out = daily("--dry-run")
        assert "would send evaluation_due to anna" in out
        assert "Piet" not in out and "Testkind" not in out
        assert "Dry run: 0 pupil(s) would be erased" in out

    def test_opted_out_kinds_are_not_sent(self):
        ReminderOptOut.objects.create(user=self.w.anna, kind="evaluation_overdue")
        kinds = {(r["to"], r["kind"]) for r in daily_json()["reminders"]}
        assert ("anna", "evaluation_due") in kinds
        assert ("anna", "evaluation_overdue") not in kinds

    def test_each_sent_reminder_is_audited_with_public_ids_only(self):
        daily()
        entries = AuditEntry.objects.filter(action="reminder.sent").order_by("pk")
        assert entries.count() == 4
        first = entries.first()
        assert first.username == ""  # the operator's job, not a user
        assert first.school_id == self.w.noord.pk
        assert first.details == {
            "kind": "evaluation_due",
            "to": "anna",
            "pupils": [self.w.piet.public_id],
        }
        assert "Piet" not in json.dumps(list(entries.values_list("details", flat=True)))

    @override_settings(EMAIL_BACKEND="hechtwijzer.reminders.tests.helpers.FailingBackend")
    def test_a_failed_mail_is_reported_not_recorded_and_sent_next_time(self):
        err = io.StringIO()
        with pytest.raises(CommandError) as raised:
            call_command("daily", "--today", TODAY.isoformat(), stdout=io.StringIO(), stderr=err)
        assert raised.value.returncode == 1
        assert "could not send evaluation_due to anna: ConnectionRefusedError" in err.getvalue()
        assert outbox_to("anna@school.example") == []
        assert len(mail.outbox) == 2  # bram and carla got theirs
        assert not SentReminder.objects.filter(user=self.w.anna).exists()
        assert not AuditEntry.objects.filter(action="reminder.sent", details__to="anna").exists()
        failed = AuditEntry.objects.filter(action="reminder.failed")
        assert failed.count() == 2
        assert failed.first().details["error"] == "ConnectionRefusedError"
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = daily_json()
        assert [(r["to"], r["kind"]) for r in result["reminders"]] == [
            ("anna", "evaluation_due"),
            ("anna", "evaluation_overdue"),
        ]

    def test_without_the_sites_address_nothing_is_sent_and_the_run_says_why(self):
        """With BASE_URL unset the links would be bare paths: no mail goes out, retention
        still runs and reports, the run exits 1, and the next run with it set sends all."""
        out, err = io.StringIO(), io.StringIO()
        with override_settings(BASE_URL=""), pytest.raises(CommandError) as failed:
            call_command("daily", "--json", "--today", TODAY.isoformat(), stdout=out, stderr=err)
        assert failed.value.returncode == 1
        assert "BASE_URL is not set" in str(failed.value) and "4 reminder mail(s)" in str(
            failed.value
        )
        result = json.loads(out.getvalue())
        assert result["reminders"] == [] and result["retention"]["login_records"] is not None
        assert mail.outbox == [] and not SentReminder.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="reminder.").exists()
        # A dry run needs no address: it sends nothing.
        with override_settings(BASE_URL=""):
            assert len(daily_json("--dry-run")["reminders"]) == 4
        assert len(daily_json()["reminders"]) == 4 and len(mail.outbox) == 4

    def test_retention_runs_too(self):
        w = self.w
        # Sem left on 1 July 2026; the Dutch default keeps the data 730 days after leaving.
        later = (datetime.date(2026, 7, 1) + datetime.timedelta(days=730)).isoformat()
        out = io.StringIO()
        call_command("daily", "--json", "--dry-run", "--today", later, stdout=out)
        retention = json.loads(out.getvalue())["retention"]
        assert [e["public_id"] for e in retention["erased"]] == [w.sem.public_id]
        assert Pupil.objects.filter(pk=w.sem.pk).exists()
        out = io.StringIO()
        call_command("daily", "--json", "--today", later, stdout=out)
        retention = json.loads(out.getvalue())["retention"]
        assert [e["public_id"] for e in retention["erased"]] == [w.sem.public_id]
        assert retention["dry_run"] is False
        assert set(retention["login_records"]) == {
            "attempts",
            "access_logs",
            "sessions",
            "api_tokens",
            "sent_reminders",
        }
        assert not Pupil.objects.filter(pk=w.sem.pk).exists()


class PurgeSentTests(TestCase):
    """The daily run deletes the rows of reminders that can no longer recur, and keeps the rows
    that stop a mail from going out again."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        cls.piet_card = card(w.piet, w.anna, days(2))  # due: passes, then comes up as overdue
        cls.lara_card = card(w.lara, w.anna, days(-3))  # overdue, and stays so
        cls.mo_card = card(w.mo, w.bram, days(-1))  # overdue, then closed

    def sent(self):
        return set(SentReminder.objects.values_list("user__username", "kind", "key"))

    def test_old_rows_of_ended_reminders_go_and_an_overdue_card_is_not_mailed_again(self):
        w = self.w
        daily()
        lara_key = f"{self.lara_card.uid}:{days(-3).isoformat()}"
        assert ("anna", "evaluation_overdue", lara_key) in self.sent()
        assert len(self.sent()) == 4  # piet due, lara and mo overdue, carla's digest
        self.mo_card.closed_at = timezone.now()
        self.mo_card.save(update_fields=["closed_at"])
        ReminderOptOut.objects.create(user=w.anna, kind="evaluation_overdue")
        mail.outbox.clear()

        later = days(45)  # every row is older than KEEP_SENT (30 days)
        out = io.StringIO()
        call_command("daily", "--json", "--today", later.isoformat(), stdout=out)
        result = json.loads(out.getvalue())

        # Deleted: piet's "due" reminder (its date passed), mo's (the card closed), the digest of
        # an earlier week. Kept: lara's, still overdue, although anna switched the kind off.
        assert result["retention"]["login_records"]["sent_reminders"] == 3
        assert ("anna", "evaluation_overdue", lara_key) in self.sent()
        piet_due = ("anna", "evaluation_due", f"{self.piet_card.uid}:{days(2).isoformat()}")
        assert piet_due not in self.sent()
        assert not SentReminder.objects.filter(user=w.bram).exists()
        # The run then sent the digest of the new week, and nothing to anna, who switched
        # overdue evaluations off.
        assert result["reminders"] == [
            {
                "to": "carla",
                "kind": "weekly_digest",
                "pupils": sorted([w.lara.public_id, w.piet.public_id]),
            }
        ]
        # Switched on again, anna is told of piet's overdue card once, never again of lara's.
        ReminderOptOut.objects.filter(user=w.anna).delete()
        assert daily_json_on(later)["reminders"] == [
            {"to": "anna", "kind": "evaluation_overdue", "pupils": [w.piet.public_id]}
        ]

    def test_rows_younger_than_the_margin_stay(self):
        daily()
        noon = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))
        SentReminder.objects.update(sent_at=noon)  # sent on TODAY, as the run's day says
        self.mo_card.closed_at = timezone.now()
        self.mo_card.save(update_fields=["closed_at"])
        assert sending.purge_sent(days(29)) == 0
        assert ("bram", "evaluation_overdue", f"{self.mo_card.uid}:{days(-1).isoformat()}") in (
            self.sent()
        )
        # mo's, piet's "due" (its date passed) and the digest of TODAY's week
        assert sending.purge_sent(days(31)) == 3

    def test_a_dry_run_deletes_nothing(self):
        daily()
        out = io.StringIO()
        call_command("daily", "--dry-run", "--today", days(45).isoformat(), stdout=out)
        assert SentReminder.objects.count() == 4

    def test_the_purge_costs_the_same_for_more_rows(self):
        daily()
        rows = list(SentReminder.objects.all())
        SentReminder.objects.bulk_create(
            SentReminder(user=row.user, kind=row.kind, key=f"{row.key}:{n}", sent_at=row.sent_at)
            for row in rows
            for n in range(25)
        )
        with CaptureQueriesContext(connection) as few:
            sending.purge_sent(days(45))
        assert SentReminder.objects.count() == 2  # lara's and mo's overdue cards
        with CaptureQueriesContext(connection) as none:
            assert sending.purge_sent(days(45)) == 0
        # Collecting the day's reminders (a fixed number of queries per kind), one read of the
        # old rows, then one delete per PURGE_BATCH rows (104 rows: one batch of deletes).
        assert len(few) == len(none) + 1


def daily_json_on(day):
    out = io.StringIO()
    call_command("daily", "--json", "--today", day.isoformat(), stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_bad_arguments_exit_2(capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as raised:
        execute_from_command_line(["hechtwijzer", "daily", "--today", "2026-02-30"])
    assert raised.value.code == 2
    assert "is not a date" in capsys.readouterr().err


class QueryCountTests(TestCase):
    """Planning and sending cost the same for 3 cards as for 10: no query per card."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        cls.pupils = [
            school_actions.create_pupil(
                actor=None,
                school=w.noord,
                group=w.group3,
                first_name=f"Kind{n}",
                last_name="Testkind",
                date_of_birth=datetime.date(2019, 1, 1),
            )
            for n in range(10)
        ]

    # Planning: 5 queries per kind (the cards or counts, with co-teachers and the recipients'
    # memberships, groups and grants), the opt-outs and what was sent; sending: 5 per mail
    # (the sent rows and the audit entry, which moves the school's version, in a savepoint).
    # Plus one for the care-team decisions due (none here; test_kinds.DecisionDueTests counts
    # them with decisions).
    EXPECTED = (18, 15)

    def queries(self, n: int) -> tuple[int, int]:
        for i, pupil in enumerate(self.pupils[:n]):
            card(pupil, self.w.anna, days(-1 - i % 3) if i % 2 else days(1 + i % 5))
        with CaptureQueriesContext(connection) as planning:
            mails = sending.plan(TODAY)
        with CaptureQueriesContext(connection) as sent:
            outcome = sending.send(mails)
        assert len(outcome.sent) == 3  # anna: due, overdue; carla: digest
        return len(planning), len(sent)

    def test_three_cards(self):
        assert self.queries(3) == self.EXPECTED

    def test_ten_cards(self):
        assert self.queries(10) == self.EXPECTED
