"""The care coordinator's lists "map the signals" and "keep an eye on": the same as profiling
every pupil, in a fixed number of queries (issue 12)."""

import datetime
import random

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer import engine
from hechtwijzer.administration import actions as school_actions
from hechtwijzer.care import actions as care_actions
from hechtwijzer.care.worklist import signal_lists
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import build_world


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


class WorklistTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        catalog = get_catalog()
        # Signals that the map rules look at, and ordinary ones, drawn at random for 40 pupils
        # over ten weeks; some get a factor that explains a type picture.
        relevant = sorted(
            engine.map_signal_candidates(catalog) - engine.consult_now_signals(catalog)
        )
        ordinary = [s.code for s in catalog.signals if s.group in ("behaviour", "learning")]
        rng = random.Random(12)
        for n in range(40):
            pupil = school_actions.create_pupil(
                actor=None,
                school=w.noord,
                group=w.group3,
                first_name=f"Kind{n}",
                last_name="Test",
                date_of_birth=datetime.date(2018, 1, 1),
            )
            for _ in range(rng.randint(0, 9)):
                pool = relevant if rng.random() < 0.6 else ordinary
                observation_actions.log_observation(
                    actor=w.anna,
                    pupil=pupil,
                    signals=rng.sample(pool, rng.randint(1, 3)),
                    observed_on=days_ago(rng.randint(0, 69)),
                )
            if n % 7 == 0:
                care_actions.record_factor(
                    actor=w.carla, pupil=pupil, kind="risk", code="developmental_disorder"
                )

    def lists(self):
        to_map, to_watch = signal_lists(
            Pupil.objects.filter(school=self.w.noord), timezone.localdate()
        )
        return (
            {entry.pupil.pk: entry.profile.safeguarding.reasons for entry in to_map},
            {entry.pupil.pk: entry.profile.safeguarding.watch for entry in to_watch},
        )

    def test_the_lists_are_what_profiling_every_pupil_says(self):
        to_map, to_watch = self.lists()
        expected_map, expected_watch = {}, {}
        for pupil in Pupil.objects.filter(school=self.w.noord):
            factors = list(pupil.factors.values_list("code", flat=True))
            profile = build_profile(pupil, timezone.localdate(), risk_codes=factors)
            if profile.safeguarding.level == engine.MAP_SIGNALS:
                expected_map[pupil.pk] = profile.safeguarding.reasons
            elif profile.safeguarding.level is None and profile.safeguarding.watch:
                expected_watch[pupil.pk] = profile.safeguarding.watch
        assert to_map == expected_map and to_watch == expected_watch
        # The random school has pupils on both lists, so the comparison means something.
        assert len(to_map) >= 3 and len(to_watch) >= 3

    def test_a_fixed_number_of_queries_for_few_and_many(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.lists()
            return len(queries)

        few = count()
        for n in range(30):
            pupil = school_actions.create_pupil(
                actor=None,
                school=self.w.noord,
                group=self.w.group5,
                first_name=f"Extra{n}",
                last_name="Test",
                date_of_birth=datetime.date(2018, 1, 1),
            )
            for day in (2, 9, 16):
                observation_actions.log_observation(
                    actor=self.w.carla,
                    pupil=pupil,
                    signals=["freezes", "approach_then_stops"],
                    observed_on=days_ago(day),
                )
        assert count() == few == 3  # the candidates' signals, their factors, their names
