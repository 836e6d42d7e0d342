"""graph.py against Django's own deletion collector.

`graph.pupil_models()` walks the reverse relations down from `Pupil` itself rather than asking
Django's deletion `Collector`, for two reasons: the access export lists every model about
pupils, also those without rows for this pupil, which a collector (it only finds rows) cannot;
and erasure must delete every row about the pupil whatever a relation's `on_delete` says, where
the collector keeps rows behind SET_NULL or DO_NOTHING and refuses behind PROTECT or RESTRICT.

While every relation down from the pupil cascades, the two must find exactly the same rows.
These tests hold them to that, so neither can drift: for a pupil with rows in every model, the
counts of graph.py equal the collector's (Django's admin `NestedObjects`, which loads every row
it would delete) and the rows the seed made; a relation that does not cascade fails until
someone decides what erasure should do with it; and a model added later with a key to the
pupil is found by both, counted, exported and erased without anyone listing it.
"""

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.db import connection, models, router
from django.test import TestCase, TransactionTestCase

from hechtwijzer.privacy import actions
from hechtwijzer.privacy.export import Parts, as_json, build_export
from hechtwijzer.privacy.graph import pupil_models, record_counts
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import build_world

from .seed import fill_pupil, missing_models

# Relations down from the pupil that may do something other than cascade, each with what
# erasure (which deletes the rows regardless) and the collector (which does not) make of it.
# Every other relation cascades, so deleting the pupil and erasing it remove the same rows.
NOT_CASCADING: dict[str, str] = {
    # A referral is the pupil's own row (its `pupil` cascades); these two only point at what it
    # was made from. An evaluation is never deleted but with its pupil, and a read link is
    # revoked, never deleted, but with its pupil: either way the referral goes too.
    "referrals.Referral.evaluation": "the referral goes with its pupil",
    "referrals.Referral.link": "the referral goes with its pupil",
}


def collected(pupil: Pupil) -> dict[str, int]:
    """Rows per model label that deleting the pupil with Django's collector would delete."""
    collector = NestedObjects(using=router.db_for_write(Pupil))
    collector.collect([pupil])
    assert not collector.protected, f"deleting the pupil is refused by {collector.protected}"
    return {model._meta.label: len(rows) for model, rows in collector.model_objs.items() if rows}


class CollectorCrossCheckTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        fill_pupil(cls.w.piet, author=cls.w.anna, coordinator=cls.w.carla, other=cls.w.bram)
        fill_pupil(
            cls.w.lara, author=cls.w.anna, coordinator=cls.w.carla, other=cls.w.bram, hold=True
        )

    def test_every_pupil_model_has_rows_for_the_pupil(self):
        assert missing_models(self.w.lara) == [], "add the new model to privacy/tests/seed.py"

    def test_record_counts_are_the_rows_django_would_delete_with_the_pupil(self):
        for pupil in (self.w.piet, self.w.lara):
            counts = record_counts(pupil)
            assert counts == collected(pupil)
            # The seed makes one row in every model, two measure outcomes (one for a catalog
            # measure, one for an own measure) and a hold only for Lara; the other pupil's
            # rows are not counted.
            expected = {entry.label: 1 for entry in pupil_models()}
            expected |= {"schools.Pupil": 1, "plans.MeasureOutcome": 2}
            if pupil == self.w.piet:
                del expected["privacy.RetentionHold"]
            assert counts == expected

    def test_the_graph_knows_every_model_the_collector_reaches(self):
        labels = {entry.label for entry in pupil_models()} | {"schools.Pupil"}
        assert set(collected(self.w.lara)) == labels

    def test_every_relation_down_from_the_pupil_cascades(self):
        about_pupils = {entry.model for entry in pupil_models()} | {Pupil}
        found = {}
        for entry in pupil_models():
            for field in entry.model._meta.concrete_fields:
                if not (field.is_relation and field.related_model in about_pupils):
                    continue
                on_delete = field.remote_field.on_delete
                name = f"{entry.label}.{field.name}"
                if on_delete is not models.CASCADE and name not in NOT_CASCADING:
                    found[name] = on_delete.__name__
        assert not found, (
            "erasure deletes these rows, deleting the pupil would not; decide which is right "
            f"and say so in NOT_CASCADING: {found}"
        )

    def test_erasure_deletes_what_the_collector_finds(self):
        expected = collected(self.w.piet)
        counts = actions.erase_pupil(
            actor=self.w.dirk, pupil=self.w.piet, reason=actions.ErasureReason.REQUEST
        )
        assert counts == expected


class NewModelTests(TransactionTestCase):
    """A model added later, with a key to the pupil and a child of its own, is about the pupil
    without being listed anywhere. Made and dropped here, on a real table."""

    def setUp(self):
        self.w = build_world()

    def test_a_new_model_with_a_key_to_the_pupil_is_found_counted_exported_and_erased(self):
        sticker, stamp = _make_models()
        try:
            with connection.schema_editor() as editor:
                editor.create_model(sticker)
                editor.create_model(stamp)
            piet, lara = self.w.piet, self.w.lara
            for text in ("ster", "maan"):
                stamp.objects.create(sticker=sticker.objects.create(pupil=piet, text=text))
            sticker.objects.create(pupil=lara, text="zon")

            entries = {entry.label: entry for entry in pupil_models()}
            assert entries["privacy.TestSticker"].paths == ("pupil",)
            assert entries["privacy.TestStamp"].paths == ("sticker__pupil",)
            assert entries["privacy.TestStamp"].depth == 2
            counts = record_counts(piet)
            assert counts["privacy.TestSticker"] == 2 and counts["privacy.TestStamp"] == 2
            assert counts == collected(piet)
            # Without a rule in export.RULES: plain fields, in the care part (approval only).
            records = as_json(build_export(piet, parts=Parts(care=True)))["records"]
            assert sorted(r["text"] for r in records["privacy.TestSticker"]) == ["maan", "ster"]
            assert len(records["privacy.TestStamp"]) == 2
            assert "privacy.TestSticker" not in as_json(build_export(piet))["records"]

            erased = actions.erase_pupil(
                actor=self.w.dirk, pupil=piet, reason=actions.ErasureReason.REQUEST
            )
            assert erased["privacy.TestSticker"] == 2 and erased["privacy.TestStamp"] == 2
            assert not stamp.objects.exists()
            assert list(sticker.objects.values_list("text", flat=True)) == ["zon"]
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(stamp)
                editor.delete_model(sticker)
            _forget(sticker, stamp)


def _make_models() -> tuple[type[models.Model], type[models.Model]]:
    class TestSticker(models.Model):
        pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="test_stickers")
        text = models.CharField(max_length=20)

        class Meta:
            app_label = "privacy"

        def __str__(self):
            return self.text

    class TestStamp(models.Model):
        sticker = models.ForeignKey(TestSticker, on_delete=models.CASCADE, related_name="stamps")

        class Meta:
            app_label = "privacy"

        def __str__(self):
            return f"stamp on {self.sticker}"

    return TestSticker, TestStamp


def _forget(*made: type[models.Model]) -> None:
    """Take the test models out of the app registry again (and their accessor off Pupil)."""
    for model in made:
        apps.all_models["privacy"].pop(model._meta.model_name, None)
    if hasattr(Pupil, "test_stickers"):
        delattr(Pupil, "test_stickers")
    apps.clear_cache()
