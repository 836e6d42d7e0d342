"""erase_pupil: every row about the pupil goes, other pupils stay, one audit entry remains."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.privacy import actions
from hechtwijzer.privacy.graph import pupil_models, record_counts
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import build_world

from .seed import fill_pupil, missing_models


class EraseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        for pupil in (cls.w.piet, cls.w.lara):
            fill_pupil(pupil, author=cls.w.anna, coordinator=cls.w.carla, other=cls.w.bram)

    def test_the_seed_fills_every_pupil_model(self):
        # Holds block erasure, so the pupils erased here have none (the export test has one).
        missing = missing_models(self.w.piet, allowed=("privacy.RetentionHold",))
        assert missing == [], "add the new model to privacy/tests/seed.py"

    def test_erasure_deletes_every_row_and_leaves_one_audit_entry(self):
        piet, lara = self.w.piet, self.w.lara
        ids = {e.label: set(e.rows(piet).values_list("pk", flat=True)) for e in pupil_models()}
        expected = record_counts(piet)
        expected["plans.FocusCard_co_teachers"] = 1
        lara_before = record_counts(lara)
        before = AuditEntry.objects.filter(pupil_public_id=piet.public_id).count()

        counts = actions.erase_pupil(
            actor=self.w.dirk, pupil=piet, reason=actions.ErasureReason.REQUEST
        )

        assert counts == expected
        assert not Pupil.objects.filter(pk=piet.pk).exists()
        for entry in pupil_models():
            assert not entry.model._base_manager.filter(pk__in=ids[entry.label]).exists(), entry
        assert record_counts(lara) == lara_before
        entries = AuditEntry.objects.filter(pupil_public_id=piet.public_id)
        assert entries.count() == before + 1
        erase = entries.get(action="pupil.erase")
        assert erase.username == "dirk" and erase.role == "school_admin"
        assert erase.details == {"reason": "request", "deleted": expected}
        dumped = json.dumps(erase.details) + str(erase)
        assert "Piet" not in dumped and "Testkind" not in dumped

    def test_a_hold_blocks_erasure(self):
        actions.place_hold(actor=self.w.dirk, pupil=self.w.piet, reason="bezwaar loopt")
        with pytest.raises(ValidationError):
            actions.erase_pupil(
                actor=self.w.dirk, pupil=self.w.piet, reason=actions.ErasureReason.REQUEST
            )
        assert Pupil.objects.filter(pk=self.w.piet.pk).exists()

    def test_only_the_school_admin_of_the_school_may_erase(self):
        for user in (self.w.anna, self.w.carla, self.w.gijs):
            with pytest.raises(PermissionDenied):
                actions.erase_pupil(
                    actor=user, pupil=self.w.piet, reason=actions.ErasureReason.REQUEST
                )
        assert Pupil.objects.filter(pk=self.w.piet.pk).exists()

    def test_unknown_reason_is_refused(self):
        with pytest.raises(ValueError):
            actions.erase_pupil(actor=self.w.dirk, pupil=self.w.piet, reason="Piet moved")
