"""Evaluation figures on the pages and in the report: rates per observed school day, the period
before without the school's holidays, too few to compare, Dutch date ranges, and figures stored
in the old shape (version 1) still readable."""

import datetime

from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from hechtwijzer import holidays
from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.plans import actions
from hechtwijzer.plans.models import Evaluation, FocusCard
from hechtwijzer.plans.pdf import format_date_range
from hechtwijzer.testing import PASSWORD, build_world

from .test_pdf import text_of

D = datetime.date


def weekdays(first, count):
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class DateRangeTests(SimpleTestCase):
    def test_ranges_are_written_as_dutch_people_write_them(self):
        assert format_date_range(D(2026, 9, 28), D(2026, 10, 5), "nl") == (
            "28 september – 5 oktober 2026"
        )
        assert format_date_range(D(2026, 10, 5), D(2026, 10, 9), "nl") == "5–9 oktober 2026"
        assert format_date_range(D(2026, 12, 28), D(2027, 1, 3), "nl") == (
            "28 december 2026 – 3 januari 2027"
        )
        assert format_date_range(D(2026, 10, 5), D(2026, 10, 5), "nl") == "5 oktober 2026"

    def test_english_ranges_follow_the_same_rule(self):
        assert format_date_range(D(2026, 9, 28), D(2026, 10, 5), "en") == (
            "28 September – 5 October 2026"
        )


class HolidayTableTests(SimpleTestCase):
    def test_a_dutch_school_reads_its_regions_holidays(self):
        north = holidays.for_school("NL", "north")
        autumn = [(first, last) for code, first, last in north if code == "autumn"]
        assert (D(2026, 10, 10), D(2026, 10, 18)) in autumn
        assert (D(2026, 10, 17), D(2026, 10, 25)) not in autumn
        south = holidays.for_school("NL", "south")
        assert ("spring", D(2027, 2, 6), D(2027, 2, 14)) in south  # carnival week

    def test_a_dutch_school_without_a_region_reads_every_regions_holidays(self):
        everyone = holidays.for_school("NL", "")
        summers = [(first, last) for code, first, last in everyone if code == "summer"]
        assert (D(2026, 7, 4), D(2026, 8, 16)) in summers
        assert (D(2026, 7, 18), D(2026, 8, 30)) in summers

    def test_flanders_has_one_calendar(self):
        flemish = holidays.for_school("BE", "north")
        assert ("autumn", D(2026, 11, 2), D(2026, 11, 8)) in flemish
        assert ("carnival", D(2027, 2, 8), D(2027, 2, 14)) in flemish
        days = holidays.closed_days(flemish)
        assert D(2026, 11, 11) in days and D(2026, 8, 31) in days and D(2026, 9, 1) not in days

    def test_the_table_covers_both_school_years(self):
        first, last = holidays.COVERED
        assert first <= D(2025, 9, 1) and last >= D(2027, 7, 31)


class EvaluationFiguresPageTests(TestCase):
    """Piet's card ran from Monday 19 October 2026 (after the north region's autumn holiday,
    10-18 October) to Friday 13 November: 20 school days. The teacher logged "restless" on 5
    days before the plan and on 11 days during it: 5 against 11 in counts, 1 a day in both."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        w.noord.holiday_region = "north"
        w.noord.save()
        before = weekdays(D(2026, 9, 14), 5)
        during = weekdays(D(2026, 10, 19), 11)
        for day in before + during:
            observation_actions.log_observation(
                actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=day
            )
        card = actions.start_card(
            actor=w.anna,
            pupil=w.piet,
            period_start=D(2026, 10, 19),
            evaluation_due=D(2026, 11, 13),
        )
        cls.evaluation, _next = actions.evaluate(
            actor=w.anna,
            card=card,
            outcomes={},
            decision="continue",
            referrals=[],
            next_evaluation=D(2026, 12, 31),
            today=D(2026, 11, 13),
        )

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.url = f"/pupils/{self.w.piet.public_id}/focuskaart/v1/"

    def test_the_stored_figures_are_rates_per_observed_school_day(self):
        figures = self.evaluation.figures
        assert figures["version"] == 2
        assert figures["before_period"] == ["2026-09-14", "2026-10-09"]
        assert figures["observed_days"] == {"before": 5, "during": 11}
        behaviour = figures["groups"]["behaviour"]
        assert (behaviour["before"], behaviour["during"]) == (5, 11)
        assert behaviour["before_rate"] == behaviour["during_rate"] == 1.0
        assert behaviour["direction"] == "same"
        assert figures["holidays"]["before"] == [["autumn", "2026-10-10", "2026-10-18"]]

    def test_the_page_shows_rates_the_periods_and_the_holiday_left_out(self):
        page = self.client.get(self.url).content.decode()
        assert "Signalen per geobserveerde schooldag" in page
        assert "19 oktober – 13 november 2026" in page
        assert "14 september – 9 oktober 2026" in page
        assert "zonder de herfstvakantie (10–18 oktober 2026)" in page
        assert "1,0 (5)" in page and "1,0 (11)" in page
        assert "ongeveer gelijk" in page
        assert "5 van 20 ervoor, 11 van 20 tijdens het plan" in page

    def test_too_few_observed_days_says_so_instead_of_a_direction(self):
        figures = dict(self.evaluation.figures, comparable=False)
        figures["groups"] = {code: dict(v, direction=None) for code, v in figures["groups"].items()}
        figures["direction"] = None
        Evaluation.objects.filter(pk=self.evaluation.pk).update(figures=figures)
        page = self.client.get(self.url).content.decode()
        assert "Te weinig geobserveerde dagen om te vergelijken" in page
        assert "ongeveer gelijk" not in page

    def test_figures_stored_in_the_old_shape_are_still_shown(self):
        old = {
            "period": ["2026-10-19", "2026-11-13"],
            "before_period": ["2026-09-23", "2026-10-18"],
            "groups": {"behaviour": {"before": 1, "during": 11}},
            "before": 1,
            "during": 11,
        }
        Evaluation.objects.filter(pk=self.evaluation.pk).update(figures=old)
        response = self.client.get(self.url)
        page = response.content.decode()
        assert "Signalen in de planperiode (19 oktober – 13 november 2026)" in page
        assert "aantallen, geen aantallen per geobserveerde dag" in page
        assert ">Totaal</th><td>1</td><td>11</td>" in page
        pdf = self.client.get(f"{self.url}evaluation.pdf")
        assert pdf.status_code == 200
        assert "aantallen, geen aantallen per geobserveerde dag" in " ".join(
            text_of(pdf.content).split()
        )

    def test_the_report_prints_the_rates(self):
        response = self.client.get(f"{self.url}evaluation.pdf")
        assert response.status_code == 200
        text = " ".join(text_of(response.content).split())
        assert "per geobserveerde dag" in text
        assert "1,0 (5)" in text and "1,0 (11)" in text
        assert "zonder de herfstvakantie (10–18 oktober 2026)" in text

    def test_the_evaluation_page_computes_rates_in_a_fixed_number_of_queries(self):
        card = FocusCard.objects.get(pupil=self.w.piet, number=2)
        FocusCard.objects.filter(pk=card.pk).update(evaluation_due=D(2026, 11, 13))
        url = f"/pupils/{self.w.piet.public_id}/focuskaart/evaluate/"

        def count():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            assert response.status_code == 200
            assert "Signalen per geobserveerde schooldag" in response.content.decode()
            return len(queries)

        few = count()
        for day in weekdays(D(2026, 11, 16), 15):
            observation_actions.log_observation(
                actor=self.w.anna, pupil=self.w.piet, signals=["quick_anger"], observed_on=day
            )
        assert count() == few
        assert few <= 30

    def test_another_school_and_another_group_get_404(self):
        for name in ("bram", "erik"):
            self.client.logout()
            self.client.login(username=name, password=PASSWORD)
            assert self.client.get(self.url).status_code == 404
            assert self.client.get(f"{self.url}evaluation.pdf").status_code == 404


class HolidayRegionSettingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_the_school_administrator_sets_the_region_and_it_is_audited(self):
        school_actions.update_school(actor=self.w.dirk, school=self.w.noord, holiday_region="south")
        self.w.noord.refresh_from_db()
        assert self.w.noord.holiday_region == "south"
        entry = AuditEntry.objects.filter(action="school.change").latest("id")
        assert entry.details == {"fields": ["holiday_region"]}
        calendar = holidays.for_school(self.w.noord.country, self.w.noord.holiday_region)
        assert ("spring", D(2027, 2, 6), D(2027, 2, 14)) in calendar
