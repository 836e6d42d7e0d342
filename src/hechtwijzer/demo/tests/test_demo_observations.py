"""The demo's ten weeks of observations and its care factors, as the engine sees them."""

import datetime
import io
from collections import Counter

from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care.models import FactorKind, PupilFactor, SafeguardingConcern
from hechtwijzer.catalog import get_catalog
from hechtwijzer.demo.observations import PLAN, in_school_words
from hechtwijzer.engine import Profile
from hechtwijzer.observations.models import Informant
from hechtwijzer.observations.models import Observation as ObservationRow
from hechtwijzer.observations.profiles import build_profile
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


PICTURES = {picture.key: picture for pictures, _factors in PLAN.values() for picture in pictures}


def plan_key(school: School) -> str:
    from hechtwijzer.demo.schools import DEMO_SCHOOLS

    return next(spec.key for spec in DEMO_SCHOOLS if spec.name == school.name)


def pictured(school: School) -> dict[str, Pupil]:
    """Which pupil got which picture: the one whose notes are the picture's scenes."""
    key = plan_key(school)
    notes: dict[int, set[str]] = {}
    for row in ObservationRow.objects.filter(pupil__school=school):
        notes.setdefault(row.pupil_id, set()).add(row.note)
    found = {}
    for picture in PLAN[key][0]:
        (pupil,) = (
            p
            for p in Pupil.objects.filter(school=school)
            if {
                in_school_words(scene.note.format(naam=p.first_name), school.country)
                for scene in picture.scenes
            }
            <= notes.get(p.pk, set())
        )
        found[picture.key] = pupil
    return found


class DemoObservationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())
        cls.today = timezone.localdate()
        cls.schools = list(School.objects.filter(is_demo=True).order_by("name"))
        cls.chosen = {school.pk: pictured(school) for school in cls.schools}
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
            # The pictures with seven scenes or more, and the care-cycle pupil (demo.cycle).
            assert sum(1 for pupil_id in counts if counts[pupil_id] >= 7) in (6, 7)
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

    def test_each_picture_gets_the_safeguarding_level_it_was_written_for(self):
        """Consult today for the disclosure, the neglect and the fear of a parent; map the
        signals for a persistent type picture without a recorded explanation; nothing for the
        rest, everyday pupils included (docs/safeguarding.md)."""
        for school in self.schools:
            chosen = self.chosen[school.pk]
            by_pupil = {pupil.pk: key for key, pupil in chosen.items()}
            factors = {(f.picture, f.code) for f in PLAN[plan_key(school)][1]}
            for pupil, profile in self.profiles[school.pk].items():
                key = by_pupil.get(pupil.pk)
                expected = PICTURES[key].level if key else None
                # A recorded explanation of the picture (foster care, adoption) takes the
                # "map the signals" of a persistent type picture away.
                explains = get_catalog().by_code["risk_factors"]
                if key and any(
                    picture == key
                    and code in explains
                    and PICTURES[key].indication in explains[code].explains_codes
                    for picture, code in factors
                ):
                    expected = None
                assert profile.safeguarding.level == expected, (school.name, key, pupil)
                watched = tuple(w.code for w in profile.safeguarding.watch)
                assert watched == (PICTURES[key].watched if key else ()), (school.name, key)

    def test_passed_on_concerns_wait_for_a_decision_unless_one_was_recorded(self):
        from hechtwijzer.care.worklist import awaiting_decision

        for school in self.schools:
            chosen = self.chosen[school.pk]
            waiting = awaiting_decision(Pupil.objects.filter(school=school))
            expected = {
                chosen[key].pk
                for key in chosen
                if PICTURES[key].passed_on and PICTURES[key].decision is None
            }
            assert {entry.pupil.pk for entry in waiting} == expected, school.name
            teacher_names = {
                m.user.get_full_name() for m in school.memberships.filter(role=Role.TEACHER)
            }
            assert all(entry.passed_on_by in teacher_names for entry in waiting)
        # The worked example: the disorganised picture's concern, passed on, with a decision.
        concern = (
            SafeguardingConcern.objects.filter(
                steps__has_decision=True, observations__signal_rows__code="fears_caregiver"
            )
            .distinct()
            .get()
        )
        assert concern.observations.get().signal_codes == ["fears_caregiver"]
        assert concern.raised_on <= concern.steps.get().done_on <= self.today

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
            # No safeguarding risk factor: the safety concerns come from observations.
            assert not any(p.risk.safeguarding for p in self.profiles[school.pk].values())

    def test_the_plan_covers_both_demo_schools(self):
        from hechtwijzer.demo.schools import DEMO_SCHOOLS

        assert set(PLAN) == {spec.key for spec in DEMO_SCHOOLS}


def test_school_days_are_weekdays_up_to_today_newest_first():
    from hechtwijzer.demo.observations import school_days

    sunday = datetime.date(2026, 3, 15)
    days = school_days(sunday)
    assert days[0] == datetime.date(2026, 3, 13) and len(days) == 50
    assert all(d.weekday() < 5 for d in days) and days == sorted(days, reverse=True)
    assert days[-1] > sunday - datetime.timedelta(weeks=10)
    assert school_days(datetime.date(2026, 3, 16))[0] == datetime.date(2026, 3, 16)

    def test_each_school_has_a_worked_safeguarding_record_for_the_coordinator_only(self):
        from hechtwijzer.demo.safeguarding import RECORDS

        concerns_before = SafeguardingConcern.objects.count()
        call_command("demo", "--if-empty", stdout=io.StringIO())  # loaded once, not twice
        assert SafeguardingConcern.objects.count() == concerns_before
        client = Client()
        for school in self.schools:
            spec = RECORDS[plan_key(school)]
            pupil = self.chosen[school.pk][spec.picture]
            coordinator = school.memberships.get(role=Role.CARE_COORDINATOR).user
            concern = SafeguardingConcern.objects.get(pupil=pupil)
            assert concern.raised_by == coordinator, school.name
            assert concern.route == ("nl_meldcode" if school.country == "NL" else "be_clb")
            steps = list(concern.steps.all())
            assert [s.step for s in steps] == [s.step for s in spec.steps], school.name
            assert len(steps) >= 2 and all(s.has_decision and s.consulted for s in steps)
            days = [concern.raised_on, *(s.done_on for s in steps)]
            assert days == sorted(days) and days[-1] <= self.today, school.name
            assert concern.observations.exists()
            assert set(concern.observations.values_list("pupil", flat=True)) == {pupil.pk}
            assert (concern.status == "closed") == (spec.closed_after is not None)
            assert AuditEntry.objects.filter(
                action="safeguarding.raise", username=coordinator.username, object_id=concern.uid
            ).exists()

            text = escape(concern.concern)
            record_url = reverse("care:safeguarding", args=[pupil.public_id])
            pupil_url = reverse("pupil", args=[pupil.public_id])
            client.force_login(coordinator)
            page = client.get(record_url)
            assert page.status_code == 200 and text in page.content.decode(), school.name
            assert escape(steps[-1].decision) in page.content.decode()

            teacher = school.memberships.get(role=Role.TEACHER, groups=pupil.group_id).user
            client.force_login(teacher)
            assert client.get(record_url).status_code == 404, school.name
            page = client.get(pupil_url).content.decode()
            assert 'id="safeguarding-heading"' not in page and text not in page, school.name

            admin = school.memberships.get(role=Role.SCHOOL_ADMIN).user
            client.force_login(admin)
            assert client.get(record_url).status_code == 404, school.name
            export = client.get(reverse("privacy:export", args=[pupil.public_id]))
            assert export.status_code == 200 and text not in export.content.decode()
