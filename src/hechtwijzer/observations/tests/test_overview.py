"""Signal overviews: the counts, the "most signals" list, the care coordinator's school page,
and query counts that stay the same for 5 or 500 pupils and 10 or 10,000 observations."""

import datetime
import re

from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.access import Perm, pupils_for
from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Informant, Observation, ObservationSignal
from hechtwijzer.observations.overview import (
    DEFAULT_WEEKS,
    MOST_SIGNALS_MINIMUM,
    SHADE_FLOORS,
    most_signals,
    signal_overview,
)
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.web.school_overview import WEEK_CHOICES
from hechtwijzer.weeks import weeks_choice

GROUPS = ("behaviour", "learning", "inhibited", "disinhibited", "pattern")
# One signal of each group, for bulk data.
SIGNALS = (
    ("withdrawn", "behaviour"),
    ("concentration", "learning"),
    ("hypervigilant", "inhibited"),
    ("impulsive", "disinhibited"),
    ("freezes", "pattern"),
)


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


def bulk_pupils(school, groups, number, prefix):
    """`number` active pupils, spread over `groups` (None: no group), in one insert."""
    pupils = [
        Pupil(
            school=school,
            group=groups[n % len(groups)],
            first_name=f"{prefix}{n:03d}",
            last_name="Bulk",
            sort_name="bulk",
            date_of_birth=datetime.date(2018, 1, 1),
        )
        for n in range(number)
    ]
    return Pupil.objects.bulk_create(pupils)


def bulk_observations(pupils, author, number, today):
    """`number` observations over the last 12 weeks, one or two signals each; every 13th is a
    parent's report and every 17th withdrawn, so the filters have something to leave out."""
    observations = Observation.objects.bulk_create(
        [
            Observation(
                pupil=pupils[n % len(pupils)],
                author=author,
                informant=Informant.PARENT if n % 13 == 0 else Informant.GROUP_TEACHER,
                observed_on=today - datetime.timedelta(days=n % 84),
                withdrawn_at=timezone.now() if n % 17 == 0 else None,
            )
            for n in range(number)
        ],
        batch_size=2000,
    )
    signals = []
    for n, observation in enumerate(observations):
        for code, group in SIGNALS[n % 5 : n % 5 + 1 + n % 2]:
            signals.append(
                ObservationSignal(
                    observation=observation,
                    code=code,
                    pupil_id=observation.pupil_id,
                    observed_on=observation.observed_on,
                    signal_group=group,
                    informant=observation.informant,
                    withdrawn=observation.withdrawn_at is not None,
                )
            )
    ObservationSignal.objects.bulk_create(signals, batch_size=2000)


class SignalOverviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.today = today = timezone.localdate()
        cls.start = monday(today) - datetime.timedelta(weeks=7)  # the default 8 weeks

        def log(actor, pupil, signals, day, **kwargs):
            return actions.log_observation(
                actor=actor, pupil=pupil, signals=signals, observed_on=day, **kwargs
            )

        # Piet (group 3), by anna unless said otherwise:
        log(w.anna, w.piet, ["withdrawn", "tense_nervous"], today)  # behaviour 2
        log(w.carla, w.piet, ["freezes"], today)  # pattern 1, by the care coordinator
        log(w.anna, w.piet, ["concentration"], today - datetime.timedelta(days=7))  # learning
        log(w.anna, w.piet, ["impulsive"], cls.start)  # disinhibited, first day of the window
        log(w.anna, w.piet, ["withdrawn"], cls.start - datetime.timedelta(days=1))  # before it
        withdrawn = log(w.anna, w.piet, ["quick_anger"], today)
        actions.withdraw_observation(
            actor=w.anna, observation=withdrawn, expected_version=1, reason="mistake"
        )
        log(w.carla, w.piet, ["two_faces"], today, informant="parent")  # reported, not summed
        log(w.carla, w.piet, ["clings_and_angry"], today, informant="pupil")
        # Lara: three signals, but all on one day.
        log(w.anna, w.lara, ["withdrawn", "quick_anger", "tense_nervous"], today)
        # Mo (group 5): four signals on two days.
        log(w.bram, w.mo, ["concentration", "fear_of_failure"], today)
        log(w.bram, w.mo, ["withdrawn", "impulsive"], today - datetime.timedelta(days=2))
        # Zoe, at the other school.
        log(w.erik, w.zoe, ["withdrawn"], today)

    def group3(self):
        return pupils_for(self.w.anna, Perm.VIEW_PUPIL).order_by("sort_name", "first_name")

    def row_of(self, overview, pupil):
        (row,) = [row for row in overview.rows if row.pupil.pk == pupil.pk]
        return row

    def test_it_counts_the_schools_own_signals_per_group_in_the_window(self):
        overview = signal_overview(self.group3(), as_of=self.today)
        assert [g.code for g in overview.signal_groups] == list(GROUPS)
        piet = self.row_of(overview, self.w.piet)
        by_group = dict(zip(GROUPS, (cell.count for cell in piet.by_group), strict=True))
        # Not counted: the day before the window, the withdrawn observation, the reports of
        # the parent and the pupil.
        assert by_group == {
            "behaviour": 2,
            "learning": 1,
            "inhibited": 0,
            "disinhibited": 1,
            "pattern": 1,
        }
        assert piet.total == 5
        assert piet.days == 3
        assert piet.by_week == (1, 0, 0, 0, 0, 0, 1, 3)  # start, last week, this week
        assert [point.count for point in piet.trend] == list(piet.by_week)

    def test_the_window_has_calendar_weeks_ending_today(self):
        overview = signal_overview(self.group3(), as_of=self.today, weeks=4)
        assert overview.start == monday(self.today) - datetime.timedelta(weeks=3)
        assert [week.start for week in overview.weeks] == [
            overview.start + datetime.timedelta(weeks=n) for n in range(4)
        ]
        assert overview.weeks[-1].end == self.today
        piet = self.row_of(overview, self.w.piet)
        assert piet.total == 4  # the signal on the first day of 8 weeks is outside 4 weeks
        longer = self.row_of(
            signal_overview(self.group3(), as_of=self.today, weeks=12), self.w.piet
        )
        assert longer.total == 6  # now the day before the 8-week window counts too

    def test_it_keeps_the_pupils_and_their_order_and_never_widens_them(self):
        pupils = self.group3()
        overview = signal_overview(pupils, as_of=self.today)
        assert [row.pupil.pk for row in overview.rows] == [p.pk for p in pupils]
        assert {row.pupil.first_name for row in overview.rows} == {"Piet", "Lara"}
        only_piet = signal_overview(pupils.filter(pk=self.w.piet.pk), as_of=self.today)
        assert [row.pupil.first_name for row in only_piet.rows] == ["Piet"]
        assert only_piet.rows[0].total == 5
        nobody = signal_overview(pupils_for(self.w.dirk, Perm.VIEW_PUPIL), as_of=self.today)
        assert nobody.rows == ()

    def test_several_signals_on_one_day_count_as_one_day(self):
        overview = signal_overview(self.group3().filter(pk=self.w.lara.pk), as_of=self.today)
        lara = overview.rows[0]
        assert lara.total == 3 and lara.days == 1
        assert [cell.count for cell in lara.by_group] == [3, 0, 0, 0, 0]

    def test_a_pupil_without_signals_has_a_row_of_zeros(self):
        pupils = pupils_for(self.w.carla, Perm.SCHOOL_OVERVIEW).filter(pk=self.w.sem.pk)
        sem = signal_overview(pupils, as_of=self.today).rows[0]
        assert sem.total == 0 and sem.days == 0 and sem.by_week == (0,) * 8
        assert [cell.level for cell in sem.by_group] == [0] * 5

    def test_the_shade_follows_the_documented_thresholds(self):
        overview = signal_overview(self.group3(), as_of=self.today)
        assert SHADE_FLOORS == (1, 3, 6, 10)
        assert [(s.level, s.low, s.high) for s in overview.shades] == [
            (0, 0, 0),
            (1, 1, 2),
            (2, 3, 5),
            (3, 6, 9),
            (4, 10, None),
        ]
        piet = self.row_of(overview, self.w.piet)
        assert [cell.level for cell in piet.by_group] == [1, 1, 0, 1, 1]

    def test_most_signals_lists_those_over_the_minimum_on_several_days_most_first(self):
        school = pupils_for(self.w.carla, Perm.SCHOOL_OVERVIEW).order_by("sort_name", "first_name")
        overview = signal_overview(school, as_of=self.today)
        listed = most_signals(overview)
        # Piet 5 on 3 days, Mo 4 on 2 days; Lara's 3 signals were all on one day.
        assert [row.pupil.first_name for row in listed] == ["Piet", "Mo"]
        assert all(row.total >= MOST_SIGNALS_MINIMUM for row in listed)
        assert [row.pupil.first_name for row in most_signals(overview, limit=1)] == ["Piet"]

    def test_the_weeks_choice_is_4_8_or_12(self):
        values = ("4", "8", "12", "99", "", None, "-1", "8x")
        assert [weeks_choice(v, WEEK_CHOICES, DEFAULT_WEEKS) for v in values] == [
            4,
            8,
            12,
            8,
            8,
            8,
            8,
            8,
        ]


class SchoolOverviewPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        today = timezone.localdate()
        actions.log_observation(
            actor=w.anna, pupil=w.piet, signals=["withdrawn"], observed_on=today
        )
        actions.log_observation(
            actor=w.anna,
            pupil=w.piet,
            signals=["concentration", "impulsive"],
            observed_on=today - datetime.timedelta(days=1),
        )
        actions.log_observation(actor=w.erik, pupil=w.zoe, signals=["withdrawn"], observed_on=today)
        cls.unplaced = school_actions.create_pupil(
            actor=None,
            school=w.noord,
            group=None,
            first_name="Nina",
            last_name="Testkind",
            date_of_birth=datetime.date(2019, 5, 1),
        )

    def url(self, school=None):
        return f"/schools/{(school or self.w.noord).pk}/overview/"

    def get(self, username, url=None):
        self.client.login(username=username, password=PASSWORD)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read English
        return self.client.get(url or self.url())

    def test_the_care_coordinator_sees_the_whole_school(self):
        response = self.get("carla")
        assert response.status_code == 200
        page = response.content.decode()
        for name in ("Piet", "Lara", "Mo", "Nina"):
            assert f"{name} Testkind" in page
        assert "Sem Testkind" not in page  # left the school
        assert "Zoe Testkind" not in page  # other school
        assert "Groep 3" in page and "Groep 5" in page
        assert f'href="/pupils/{self.w.piet.public_id}/"' in page
        assert "not scores" in page  # the explanation in plain words
        # Nina has no group this school year: she comes last, under her own heading.
        assert page.index("Groep 5") < page.index("Not in a group this school year")
        assert page.index("Not in a group this school year") < page.index("Nina Testkind")

    def test_the_heat_map_is_an_accessible_scrolling_table(self):
        page = self.get("carla").content.decode()
        assert re.search(
            r'<div class="heatmap-scroll" role="region" aria-label="[^"]+" tabindex="0">', page
        )
        assert "<caption>" in page
        assert page.count('scope="row"') == 4  # Piet, Lara, Mo, Nina
        assert 'scope="col"' in page
        # Piet's cells: behaviour 1, learning 1, inhibited 0, disinhibited 1, pattern 0.
        piet = page[page.index(">Piet Testkind</a></th>") :]
        cells = re.findall(r'<td class="heatmap__cell heatmap__cell--(\d)">(\d+)</td>', piet)[:5]
        assert cells == [("1", "1"), ("1", "1"), ("0", "0"), ("1", "1"), ("0", "0")]

    def test_it_writes_one_audit_entry(self):
        self.get("carla", self.url() + "?weeks=12")
        entry = AuditEntry.objects.get(action="school.overview")
        assert entry.username == "carla" and entry.role == "care_coordinator"
        assert entry.school_id == self.w.noord.pk
        assert entry.object_type == "school" and entry.object_id == str(self.w.noord.pk)
        assert entry.details == {"weeks": 12}
        assert AuditEntry.objects.filter(username="carla").exclude(action="auth.login").count() == 1

    def test_the_weeks_choice(self):
        page = self.get("carla", self.url() + "?weeks=12").content.decode()
        assert 'href="?weeks=12" aria-current="page"' in page
        assert page.count('class="trend__week">') >= 12  # the week numbers above the trend
        page = self.get("carla", self.url() + "?weeks=99").content.decode()
        assert 'href="?weeks=8" aria-current="page"' in page

    def test_a_teacher_gets_404(self):
        assert self.get("anna").status_code == 404
        entry = AuditEntry.objects.get(action="access.denied", username="anna")
        assert entry.object_type == "school" and entry.details == {"wanted": "school.overview"}
        assert not AuditEntry.objects.filter(action="school.overview").exists()

    def test_the_school_admin_gets_404(self):
        assert self.get("dirk").status_code == 404

    def test_the_other_schools_care_coordinator_gets_404(self):
        assert self.get("fien").status_code == 404
        # …and sees her own school, without Noord's pupils.
        page = self.get("fien", self.url(self.w.zuid)).content.decode()
        assert "Zoe Testkind" in page and "Piet Testkind" not in page

    def test_an_unknown_school_is_404(self):
        assert self.get("carla", "/schools/999999/overview/").status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={self.url()}"

    def test_it_only_reads(self):
        self.client.login(username="carla", password=PASSWORD)
        assert self.client.post(self.url()).status_code == 405


class QueryCountTests(TestCase):
    """The number of queries does not grow with pupils or observations."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.today = timezone.localdate()
        # Few: Noord has 5 active pupils (Piet, Lara, Mo and two more, one without a group)
        # and 10 observations.
        cls.few_pupils = [w.piet, w.lara, w.mo, *bulk_pupils(w.noord, [w.group5, None], 2, "F")]
        bulk_observations(cls.few_pupils, w.anna, 10, cls.today)

    def add_many(self):
        """Up to 500 active pupils at Noord (a third group of this year, a group of last
        year and no group too) and 10,000 observations."""
        w = self.w
        group8 = school_actions.create_group(
            actor=None, school=w.noord, name="Groep 8", school_year=w.group3.school_year
        )
        old = school_actions.create_group(
            actor=None, school=w.noord, name="Groep 7 oud", school_year=w.group3.school_year - 1
        )
        many = bulk_pupils(w.noord, [w.group3, w.group5, group8, old, None], 495, "M")
        bulk_observations(self.few_pupils + many, w.anna, 9_990, self.today)
        assert Pupil.objects.filter(school=w.noord, status="active").count() == 500
        assert Observation.objects.filter(pupil__school=w.noord).count() == 10_000

    def page_queries(self):
        self.client.login(username="carla", password=PASSWORD)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/schools/{self.w.noord.pk}/overview/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def group_queries(self):
        """signal_overview() and the heat-map partial, as the teacher's group page uses them."""
        pupils = (
            pupils_for(self.w.anna, Perm.VIEW_PUPIL)
            .filter(group=self.w.group3)
            .order_by("sort_name", "first_name")
        )
        with CaptureQueriesContext(connection) as queries:
            overview = signal_overview(pupils, as_of=self.today)
            html = render_to_string("observations/_heatmap.html", {"overview": overview})
        return len(queries), overview, html

    def test_the_school_overview_page_runs_the_same_queries_for_few_and_many(self):
        few, page = self.page_queries()
        assert page.count('scope="row"') == 5  # a small school: every table in the page
        self.add_many()
        many, page = self.page_queries()
        assert page.count('scope="row"') == 0  # a large one: each table when it is opened
        assert page.count('hx-trigger="toggle once"') == 4  # groups 3, 5, 8 and no group
        assert few == many
        # session, user, memberships and their groups, groups, the school's version (the
        # page is kept per version: web/tests/test_school_overview_cache.py), pupils, counts,
        # audit entry, the focus cards (who has one, whose evaluation is overdue), and the
        # safeguarding list: two for concerns waiting for a decision, three for the engine's
        # candidates (their signals, factors and names)
        assert many <= 16

    def test_a_groups_table_loads_with_the_same_queries_for_few_and_many(self):
        self.client.login(username="carla", password=PASSWORD)
        url = f"/schools/{self.w.noord.pk}/overview/?group={self.w.group3.pk}"

        def partial():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200
            return len(queries), response.content.decode()

        few, html = partial()
        assert html.count('scope="row"') == 2 and "<html" not in html
        self.add_many()
        many, html = partial()
        assert html.count('scope="row"') == 2 + 99
        assert few == many <= 9

    def test_signal_overview_runs_two_queries_for_few_and_many(self):
        few, overview, html = self.group_queries()
        assert len(overview.rows) == 2 and overview.has_signals
        self.add_many()
        many, overview, html = self.group_queries()
        assert len(overview.rows) == 2 + 99  # every fifth of the 495 is in group 3
        assert html.count('scope="row"') == len(overview.rows)
        assert few == many == 2
        # The totals add up to what SQL counts directly.
        counted = ObservationSignal.objects.filter(
            pupil__group=self.w.group3,
            pupil__status="active",
            withdrawn=False,
            informant__in=["group_teacher", "other_staff", "care_coordinator"],
            observed_on__gte=overview.start,
            observed_on__lte=self.today,
        ).count()
        assert sum(row.total for row in overview.rows) == counted > 0
