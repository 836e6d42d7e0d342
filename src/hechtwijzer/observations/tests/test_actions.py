"""Logging, correcting and withdrawing observations: policy, validation, audit, versions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone, translation

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.locking import StaleVersion
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Informant, ObservationSignal
from hechtwijzer.schools.models import PupilAccessGrant
from hechtwijzer.testing import build_world


def logged(observation, day):
    """Pretend the observation was logged on `day` (noon, local time)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    type(observation).objects.filter(pk=observation.pk).update(created_at=moment)
    observation.refresh_from_db()


class ObservationActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_a_teacher_logs_for_a_pupil_of_their_group(self):
        obs = actions.log_observation(
            actor=self.w.anna,
            pupil=self.w.piet,
            signals=["withdrawn", "tense_nervous"],
            setting="free",
            company="peers",
            moment="break",
            note="Stond alleen bij het hek.",
        )
        assert obs.informant == Informant.GROUP_TEACHER
        rows = ObservationSignal.objects.filter(observation=obs)
        assert {r.code for r in rows} == {"withdrawn", "tense_nervous"}
        assert {r.signal_group for r in rows} == {"behaviour"}
        entry = AuditEntry.objects.get(action="observation.create")
        assert entry.pupil_public_id == self.w.piet.public_id and entry.username == "anna"

    def test_a_teacher_of_another_group_is_refused(self):
        with pytest.raises(PermissionDenied):
            actions.log_observation(actor=self.w.bram, pupil=self.w.piet, signals=["withdrawn"])

    def test_other_staff_with_access_log_as_other_staff(self):
        PupilAccessGrant.objects.create(
            pupil=self.w.piet, user=self.w.bram, capacity="gym teacher", granted_by=self.w.carla
        )
        bram = type(self.w.bram).objects.get(pk=self.w.bram.pk)
        obs = actions.log_observation(actor=bram, pupil=self.w.piet, signals=["impulsive"])
        assert obs.informant == Informant.OTHER_STAFF

    def test_only_the_care_coordinator_records_what_parents_report(self):
        obs = actions.log_observation(
            actor=self.w.carla, pupil=self.w.piet, signals=["two_faces"], informant="parent"
        )
        assert obs.informant == Informant.PARENT
        with pytest.raises(PermissionDenied):
            actions.log_observation(
                actor=self.w.anna, pupil=self.w.piet, signals=["two_faces"], informant="parent"
            )

    def test_bad_input_is_named_per_field_and_nothing_is_stored(self):
        with pytest.raises(ValidationError) as error:
            actions.log_observation(
                actor=self.w.anna,
                pupil=self.w.piet,
                signals=["nope"],
                observed_on=timezone.localdate() + datetime.timedelta(days=1),
                moment="lunch",
            )
        assert set(error.value.message_dict) == {"signals", "observed_on", "moment"}
        with translation.override("en"), pytest.raises(ValidationError, match="Tick at least"):
            actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=[])
        assert not ObservationSignal.objects.exists()

    def test_the_author_corrects_on_the_same_day_and_a_stale_save_is_refused(self):
        obs = actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        corrected = actions.correct_observation(
            actor=self.w.anna,
            observation=obs,
            expected_version=1,
            signals=["withdrawn", "fleeting_contacts"],
            note="aangevuld",
        )
        assert corrected.version == 2 and corrected.note == "aangevuld"
        with pytest.raises(StaleVersion) as stale:
            actions.correct_observation(
                actor=self.w.anna, observation=obs, expected_version=1, signals=["impulsive"]
            )
        assert sorted(stale.value.current.signal_codes) == ["fleeting_contacts", "withdrawn"]
        assert AuditEntry.objects.get(action="observation.change").details == {
            "fields": ["signals", "note"]
        }

    def test_only_the_author_corrects_and_only_within_two_school_weeks(self):
        obs = actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        with pytest.raises(PermissionDenied):
            actions.correct_observation(
                actor=self.w.bram, observation=obs, expected_version=1, signals=["impulsive"]
            )
        window_start = actions.correction_window_start(timezone.localdate())
        logged(obs, window_start)  # the Monday of last week: still correctable
        assert actions.may_correct(self.w.anna, obs)
        logged(obs, window_start - datetime.timedelta(days=1))  # the Sunday before: it stands
        assert not actions.may_correct(self.w.anna, obs)
        with pytest.raises(PermissionDenied):
            actions.withdraw_observation(
                actor=self.w.anna, observation=obs, expected_version=1, reason="mistake"
            )

    def test_a_withdrawal_keeps_the_row_and_stops_counting(self):
        obs = actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        actions.withdraw_observation(
            actor=self.w.anna, observation=obs, expected_version=1, reason="mistake"
        )
        obs.refresh_from_db()
        assert obs.is_withdrawn
        assert ObservationSignal.objects.filter(observation=obs, withdrawn=True).count() == 1
        assert AuditEntry.objects.filter(action="observation.withdraw").exists()
