"""Fixing yesterday's mistake (issue 15): correct and withdraw for two school weeks, the care
coordinator at any time, withdraw with a reason and a confirmation, undo the same day, and a
saved message that offers both ways back."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.testing import PASSWORD, build_world

from .test_actions import logged


def counted(pupil) -> int:
    return ObservationSignal.objects.filter(observation__pupil=pupil, withdrawn=False).count()


class CorrectionWindowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.obs = actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn", "impulsive"]
        )
        self.base = f"/pupils/{self.w.piet.public_id}/observations/{self.obs.uid}"

    def test_the_author_corrects_yesterdays_observation_and_the_profile_follows(self):
        logged(self.obs, timezone.localdate() - datetime.timedelta(days=1))
        self.client.login(username="anna", password=PASSWORD)
        page = self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        assert f"{self.base}/correct/" in page
        response = self.client.post(
            f"{self.base}/correct/", {"signals": ["withdrawn"], "version": 1}
        )
        assert response.status_code == 302
        self.obs.refresh_from_db()
        assert self.obs.signal_codes == ["withdrawn"] and self.obs.version == 2
        assert counted(self.w.piet) == 1
        assert AuditEntry.objects.filter(action="observation.change", username="anna").exists()

    def test_an_observation_logged_before_last_week_stands_for_its_author(self):
        logged(
            self.obs,
            actions.correction_window_start(timezone.localdate()) - datetime.timedelta(days=1),
        )
        self.client.login(username="anna", password=PASSWORD)
        assert self.client.get(f"{self.base}/correct/").status_code == 404
        page = self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        assert f"{self.base}/correct/" not in page

    def test_the_care_coordinator_withdraws_an_old_observation_logged_for_the_wrong_pupil(self):
        logged(self.obs, timezone.localdate() - datetime.timedelta(days=40))
        self.client.login(username="carla", password=PASSWORD)
        response = self.client.post(
            f"{self.base}/withdraw/", {"version": 1, "reason": "wrong_pupil"}, follow=True
        )
        assert response.status_code == 200
        self.obs.refresh_from_db()
        assert self.obs.is_withdrawn and self.obs.withdraw_reason == "wrong_pupil"
        entry = AuditEntry.objects.get(action="observation.withdraw")
        assert entry.username == "carla"
        assert entry.details == {"reason": "wrong_pupil", "logged_by_other": True}
        assert counted(self.w.piet) == 0

    def test_another_teacher_and_other_schools_cannot(self):
        for username in ("bram", "fien"):
            assert not actions.may_correct(getattr(self.w, username), self.obs)
            self.client.login(username=username, password=PASSWORD)
            assert self.client.get(f"{self.base}/withdraw/").status_code == 404


class WithdrawAndUndoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.obs = actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"]
        )
        self.base = f"/pupils/{self.w.piet.public_id}/observations/{self.obs.uid}"
        self.client.login(username="anna", password=PASSWORD)

    def test_withdraw_is_a_link_to_a_page_that_asks_why(self):
        page = self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        assert f'<a href="{self.base}/withdraw/">Intrekken</a>' in page
        form = self.client.get(f"{self.base}/withdraw/").content.decode()
        assert "Waarom trekt u deze waarneming in?" in form
        assert not Observation.objects.get().is_withdrawn  # looking changes nothing

    def test_without_a_reason_nothing_is_withdrawn(self):
        response = self.client.post(f"{self.base}/withdraw/", {"version": 1})
        assert response.status_code == 200
        assert "reason" in response.context["form"].errors
        response = self.client.post(f"{self.base}/withdraw/", {"version": 1, "reason": "other"})
        assert "explanation" in response.context["form"].errors
        assert not Observation.objects.get().is_withdrawn
        assert not AuditEntry.objects.filter(action="observation.withdraw").exists()

    def test_the_explanation_is_stored_encrypted_and_not_in_the_audit(self):
        self.client.post(
            f"{self.base}/withdraw/",
            {"version": 1, "reason": "other", "explanation": "Verwisseld met Lara"},
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT withdraw_explanation FROM observations_observation WHERE id = %s",
                [self.obs.pk],
            )
            (stored,) = cursor.fetchone()
        assert stored.startswith("hw1:") and "Lara" not in stored
        assert Observation.objects.get().withdraw_explanation == "Verwisseld met Lara"
        assert "Lara" not in str(AuditEntry.objects.get(action="observation.withdraw").details)

    def test_a_withdrawal_is_undone_the_same_day_and_counts_again(self):
        self.client.post(f"{self.base}/withdraw/", {"version": 1, "reason": "mistake"})
        assert counted(self.w.piet) == 0
        page = self.client.get(f"/pupils/{self.w.piet.public_id}/").content.decode()
        assert f'action="{self.base}/restore/"' in page and "Herstellen" in page
        response = self.client.post(f"{self.base}/restore/", {"version": 2}, follow=True)
        assert "weer mee" in response.content.decode()
        obs = Observation.objects.get()
        assert not obs.is_withdrawn and obs.version == 3 and obs.withdraw_reason == ""
        assert counted(self.w.piet) == 1
        assert AuditEntry.objects.filter(action="observation.restore", username="anna").exists()
        profile = build_profile(self.w.piet, today=timezone.localdate())
        assert [(count.code, count.count) for count in profile.signals] == [("withdrawn", 1)]

    def test_a_withdrawal_stands_after_its_day_and_for_others(self):
        actions.withdraw_observation(
            actor=self.w.anna, observation=self.obs, expected_version=1, reason="mistake"
        )
        self.obs.refresh_from_db()
        assert not actions.may_restore(self.w.carla, self.obs)
        with pytest.raises(PermissionDenied):
            actions.restore_observation(
                actor=self.w.carla, observation=self.obs, expected_version=2
            )
        Observation.objects.filter(pk=self.obs.pk).update(
            withdrawn_at=timezone.now() - datetime.timedelta(days=1)
        )
        self.obs.refresh_from_db()
        assert not actions.may_restore(self.w.anna, self.obs)
        assert self.client.post(f"{self.base}/restore/", {"version": 2}).status_code == 404

    def test_an_unknown_reason_is_refused_by_the_domain_function(self):
        with pytest.raises(ValidationError):
            actions.withdraw_observation(
                actor=self.w.anna, observation=self.obs, expected_version=1, reason="bored"
            )


class SavedMessageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_saved_message_offers_undo_and_correct(self):
        self.client.login(username="anna", password=PASSWORD)
        response = self.client.post(
            f"/pupils/{self.w.piet.public_id}/observe/",
            {"signals": ["withdrawn"], "observed_on": timezone.localdate().isoformat()},
            follow=True,
        )
        obs = Observation.objects.get()
        base = f"/pupils/{self.w.piet.public_id}/observations/{obs.uid}"
        page = response.content.decode()
        assert f'<a href="{base}/withdraw/?reason=mistake">Ongedaan maken</a>' in page
        assert f'<a href="{base}/correct/">Corrigeren</a>' in page
        undo = self.client.get(f"{base}/withdraw/?reason=mistake").content.decode()
        assert 'value="mistake" id="id_reason_0" required checked' in undo
