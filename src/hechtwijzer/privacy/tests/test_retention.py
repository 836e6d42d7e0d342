"""The retention rules and `hechtwijzer retention [--dry-run]`."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.privacy import actions
from hechtwijzer.privacy.models import RetentionHold
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import build_world

from .seed import fill_pupil


def _left(pupil, days_ago):
    left_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    Pupil.objects.filter(pk=pupil.pk).update(status="left", left_on=left_on)
    pupil.refresh_from_db()
    return pupil


def _run(*args):
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


class RetentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        more = {
            name: school_actions.create_pupil(
                actor=None,
                school=school,
                group=group,
                first_name=name,
                last_name="Testkind",
                date_of_birth=datetime.date(2018, 1, 1),
            )
            for name, school, group in [
                ("Jan", w.zuid, w.group4),
                ("Ines", w.zuid, w.group4),
            ]
        }
        cls.nl_expired = _left(w.piet, 731)  # NL, default two years: past
        cls.nl_kept = _left(w.lara, 700)  # NL, not yet two years
        cls.nl_exact = _left(w.mo, 730)  # NL, exactly two years: due today
        cls.be_expired = _left(w.zoe, 1)  # BE, default: as soon as the pupil left
        cls.be_held = _left(more["Jan"], 30)  # BE, a contested decision: hold
        cls.be_today = _left(more["Ines"], 0)
        _left(w.sem, -5)  # a leaving date recorded ahead: not gone yet
        fill_pupil(cls.nl_expired, author=w.anna, coordinator=w.carla, other=w.bram)
        fill_pupil(cls.be_held, author=w.erik, coordinator=w.fien, other=w.gijs)
        RetentionHold.objects.create(pupil=cls.be_held, reason="bezwaar", placed_by=w.fien)

    def expected_due(self):
        return {self.nl_expired.pk, self.nl_exact.pk, self.be_expired.pk, self.be_today.pk}

    def test_rules(self):
        due, held = actions.expired_pupils()
        assert {p.pk for p in due} == self.expected_due()
        assert [p.pk for p in held] == [self.be_held.pk]
        assert actions.retention_days(self.w.noord) == 730
        assert actions.retention_days(self.w.zuid) == 0
        assert actions.erase_after(self.w.sem) is not None
        assert actions.erase_after(Pupil.objects.get(pk=self.w.piet.pk)) is not None

    def test_school_setting_overrides_the_country_default(self):
        actions.set_retention_days(actor=self.w.gijs, school=self.w.zuid, days=365)
        actions.set_retention_days(actor=self.w.dirk, school=self.w.noord, days=700)
        due, _held = actions.expired_pupils()
        assert {p.pk for p in due} == {self.nl_expired.pk, self.nl_kept.pk, self.nl_exact.pk}
        assert AuditEntry.objects.filter(action="retention.set").count() == 2

    def test_dry_run_deletes_nothing(self):
        before = Pupil.objects.count()
        out = _run("--dry-run")
        assert Pupil.objects.count() == before
        assert f"would erase {self.nl_expired.public_id}" in out
        assert "observations.Observation 1" in out
        assert f"kept {self.be_held.public_id}: on hold" in out
        assert "Testkind" not in out and "Piet" not in out
        assert not AuditEntry.objects.filter(action="pupil.erase").exists()

    def test_run_erases_only_expired_pupils_and_is_idempotent(self):
        out = _run()
        remaining = set(Pupil.objects.values_list("pk", flat=True))
        assert not remaining & self.expected_due()
        assert {self.nl_kept.pk, self.be_held.pk, self.w.sem.pk} <= remaining
        for pupil in (self.nl_expired, self.be_expired):
            assert f"erased {pupil.public_id}" in out
        assert "Testkind" not in out and "Piet" not in out and "Zoe" not in out
        assert "4 pupil(s) erased, 1 kept on hold." in out
        entries = AuditEntry.objects.filter(action="pupil.erase")
        assert entries.count() == 4
        assert all(e.details["reason"] == "retention" and e.username == "" for e in entries)
        again = _run()
        assert "0 pupil(s) erased, 1 kept on hold." in again
        assert AuditEntry.objects.filter(action="pupil.erase").count() == 4
