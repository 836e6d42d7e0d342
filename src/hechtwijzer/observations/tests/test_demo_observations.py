"""The demo's ten weeks of observations and its care factors, as the engine sees them."""

import datetime
import io
from collections import Counter

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.care.models import FactorKind, PupilFactor
from hechtwijzer.catalog import get_catalog
from hechtwijzer.engine import Profile
from hechtwijzer.observations.demo import PLAN
from hechtwijzer.observations.models import Informant
from hechtwijzer.observations.models import Observation as ObservationRow
from hechtwijzer.observations.pupil import build_profile
from hechtwijzer.schools.models import Pupil, Role, School


def profile_of(pupil: Pupil, as_of: datetime.date) -> Profile:
    """The pupil's profile as the pupil page builds it (from the signal rows, with factors)."""
    factors = PupilFactor.objects.filter(pupil=pupil)
    return build_profile(
        pupil,
        as_of,
        risk_codes=[f.code for f in factors if f.kind == FactorKind.RISK],
        protective_codes=[f.code for f in factors if f.kind == FactorKind.PROTECTIVE],
    )


class DemoObservationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())
        cls.today = timezone.localdate()
        cls.schools = list(School.objects.filter(is_demo=True).order_by("name"))
        cls.profiles = {
            school.pk: {
                pupil: profile_of(pupil, cls.today)
                for pupil in Pupil.objects.filter(school=school).order_by("pk")
            }
            for school in cls.schools
        }

    def test_most_pupils_have_no_more_than_three_observations(self):
        for school in self.schools:
            counts = Counter(
                ObservationRow.objects.filter(pupil__school=school).values_list(
                    "pupil_id", flat=True
                )
            )
            pupils = Pupil.objects.filter(school=school).count()
            few = sum(1 for pupil in Pupil.objects.filter(school=school) if counts[pupil.pk] <= 3)
            assert few >= 0.85 * pupils
            assert sum(1 for pupil_id in counts if counts[pupil_id] >= 7) in (5, 6)
            assert 60 <= sum(counts.values()) <= 160

    def test_each_school_shows_each_intended_indication(self):
        intended = {"disinhibited", "inhibited", "avoidant", "ambivalent"}
        for school in self.schools:
            shown = Counter(
                match.code
                for profile in self.profiles[school.pk].values()
                for match in profile.indications
            )
            assert intended <= set(shown), school.name
            # Each picture is one pupil's: everyday signals never add up to an indication.
            assert all(shown[code] == 1 for code in shown), (school.name, shown)
            # The learning-only pupil: many observations, all learning signals, no indication.
            assert any(
                profile.observations >= 5
                and not profile.indications
                and {get_catalog().by_code["signals"][s.code].group for s in profile.signals}
                == {"learning"}
                for profile in self.profiles[school.pk].values()
            ), school.name

    def test_exactly_one_school_has_a_safeguarding_case_from_a_disorganised_picture(self):
        cases = {
            school.name: [
                profile
                for profile in self.profiles[school.pk].values()
                if profile.safeguarding.show
            ]
            for school in self.schools
        }
        assert sorted(len(found) for found in cases.values()) == [0, 1]
        (profile,) = next(found for found in cases.values() if found)
        assert [m.code for m in profile.indications][:1] == ["disorganised"]
        assert {reason.code for reason in profile.safeguarding.reasons} == {
            "pattern_signals",
            "pattern_indication",
        }

    def test_observations_fall_on_school_days_of_the_last_ten_weeks(self):
        days = set(ObservationRow.objects.values_list("observed_on", flat=True))
        assert days
        earliest = self.today - datetime.timedelta(weeks=10)
        for day in days:
            assert earliest < day <= self.today
            assert day.weekday() < 5
        # Spread over the weeks, not piled up on a few days.
        assert len({day.isocalendar()[:2] for day in days}) >= 9

    def test_teachers_log_for_their_own_group_and_the_coordinator_records_reports(self):
        for school in self.schools:
            rows = ObservationRow.objects.filter(pupil__school=school).select_related("pupil")
            by_informant = Counter(rows.values_list("informant", flat=True))
            assert by_informant[Informant.PARENT] >= 2
            assert by_informant[Informant.CARE_COORDINATOR] >= 1
            assert set(by_informant) == {
                Informant.GROUP_TEACHER,
                Informant.PARENT,
                Informant.CARE_COORDINATOR,
            }
            coordinator = school.memberships.get(role=Role.CARE_COORDINATOR).user
            for row in rows.exclude(informant=Informant.GROUP_TEACHER):
                assert row.author_id == coordinator.pk
            # Parent reports are about one pupil, who also has a clear picture at school.
            reported = {r.pupil for r in rows.filter(informant=Informant.PARENT)}
            assert len(reported) == 1
            assert self.profiles[school.pk][reported.pop()].indications
            assert all(row.note for row in rows)

    def test_factors_are_recorded_by_the_coordinator_with_encrypted_notes(self):
        for school in self.schools:
            factors = list(PupilFactor.objects.filter(pupil__school=school))
            coordinator = school.memberships.get(role=Role.CARE_COORDINATOR).user
            assert {f.kind for f in factors} == {FactorKind.RISK, FactorKind.PROTECTIVE}
            assert all(f.recorded_by_id == coordinator.pk and f.note for f in factors)
            with connection.cursor() as cursor:
                for factor in factors:
                    table = PupilFactor._meta.db_table
                    cursor.execute(f"SELECT note FROM {table} WHERE id = %s", [factor.pk])  # noqa: S608
                    raw = cursor.fetchone()[0]
                    assert raw.startswith("hw1:") and factor.note not in raw
            statements = {
                statement.rule: statement
                for pupil, profile in self.profiles[school.pk].items()
                if pupil.factors.exists()
                for statement in profile.risk.statements
            }
            assert "parent_risk_weighs_heaviest" in statements
            assert statements["parent_protection_offsets_child_risk"].protective_factors
            # No safeguarding risk factor: the one safeguarding case comes from observations.
            assert not any(p.risk.safeguarding for p in self.profiles[school.pk].values())

    def test_the_plan_covers_both_demo_schools(self):
        from hechtwijzer.schools.demo import DEMO_SCHOOLS

        assert set(PLAN) == {spec.key for spec in DEMO_SCHOOLS}


def test_school_days_are_weekdays_up_to_today_newest_first():
    from hechtwijzer.observations.demo import school_days

    sunday = datetime.date(2026, 3, 15)
    days = school_days(sunday)
    assert days[0] == datetime.date(2026, 3, 13) and len(days) == 50
    assert all(d.weekday() < 5 for d in days) and days == sorted(days, reverse=True)
    assert days[-1] > sunday - datetime.timedelta(weeks=10)
    assert school_days(datetime.date(2026, 3, 16))[0] == datetime.date(2026, 3, 16)
