"""The behaviour card: goals agreed with the pupil, a score per day part, the week, the trend,
the sheet for the pupil's desk; errors at their field, stale saves refused, access and audit."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions
from hechtwijzer.behaviour.models import BehaviourCard, Score
from hechtwijzer.behaviour.trend import trend
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.weeks import monday_of, next_school_day, school_days

GOALS = ["Ik blijf op mijn plek tijdens de instructie", "Ik vraag om hulp als ik vastloop"]
# Nothing on the desk sheet may speak of the school's concerns about the pupil.
CONCERN_WORDS = [
    "signal",
    "signaal",
    "observ",
    "hecht",
    "attach",
    "zorg",
    "care",
    "concern",
    "focus",
    "diagnos",
    "risk",
    "risico",
    "factor",
    "testkind",  # the last name: the sheet shows the first name only
    "groep 3",
    "noord",
]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()).lower()


class BehaviourCardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.today = timezone.localdate()
        cls.monday = monday_of(cls.today)
        cls.last_monday = cls.monday - datetime.timedelta(weeks=1)
        cls.start = cls.monday - datetime.timedelta(weeks=3)

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read English
        self.base = f"/pupils/{self.w.piet.public_id}/behaviour-card"

    def start_card(self, goals=GOALS, starts_on=None, **kwargs):
        return actions.start_card(
            actor=self.w.anna,
            pupil=self.w.piet,
            goals=goals,
            starts_on=starts_on or self.start,
            **kwargs,
        )

    def score(self, card, day, cells, actor=None):
        return actions.set_scores(actor=actor or self.w.anna, card=card, day=day, scores=cells)

    # --- starting and scoring ----------------------------------------------------------------

    def test_it_starts_a_card_with_goals_through_the_form(self):
        page = self.client.get(f"{self.base}/").content.decode()
        assert "There is no behaviour card for this pupil yet." in page
        form = self.client.get(f"{self.base}/new/")
        assert form.status_code == 200
        assert 'value="morning"' in form.content.decode()
        response = self.client.post(
            f"{self.base}/new/",
            {
                "goal_1": "  Ik blijf op mijn plek   tijdens de instructie ",
                "goal_2": GOALS[1],
                "goal_3": "",
                "day_parts": ["morning", "before_break", "afternoon"],
                "starts_on": self.start.isoformat(),
                "replaces": "",
            },
        )
        assert response.status_code == 302 and response["Location"] == f"{self.base}/"
        card = BehaviourCard.objects.get()
        assert [text for _slot, text in card.goal_slots()] == GOALS  # spaces tidied
        assert card.part_codes == ["morning", "before_break", "afternoon"]
        assert card.starts_on == self.start and card.version == 1
        page = self.client.get(f"{self.base}/").content.decode()
        assert GOALS[0] in page and GOALS[1] in page
        assert "/knowledge/measures/sticordi_29/" in page
        assert AuditEntry.objects.filter(action="behaviour_card.create", username="anna").exists()

    def test_it_points_out_a_goal_that_says_what_not_to_do(self):
        response = self.client.post(
            f"{self.base}/new/",
            {
                "goal_1": "Ik loop niet rond",
                "day_parts": ["morning", "afternoon"],
                "starts_on": self.today.isoformat(),
            },
            follow=True,
        )
        assert "Tip: goal 1 contains" in response.content.decode()
        assert BehaviourCard.objects.count() == 1  # a hint, never a refusal

    def test_it_scores_a_whole_day_with_the_plain_form(self):
        card = self.start_card()
        url = f"{self.base}/days/{self.last_monday.isoformat()}/"
        page = self.client.get(url).content.decode()
        assert page.count('type="radio"') == 2 * 2 * 4  # goals x day parts x choices
        assert "hx-post" in page  # the same form saves one tap at a time with htmx
        response = self.client.post(
            url,
            {"s-1-morning": "2", "s-1-afternoon": "1", "s-2-morning": "0", "s-2-afternoon": ""},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{self.base}/?week={self.last_monday.isoformat()}"
        stored = {(s.goal, s.day_part): s.value for s in Score.objects.filter(card=card)}
        assert stored == {(1, "morning"): 2, (1, "afternoon"): 1, (2, "morning"): 0}
        entry = AuditEntry.objects.get(action="behaviour_card.score")
        assert entry.details == {"day": self.last_monday.isoformat(), "set": 3, "cleared": 0}
        # The form comes back with the stored faces chosen; clearing one removes its row.
        page = self.client.get(url).content.decode()
        assert 'value="2" id="s-1-morning-2" checked' in page
        self.client.post(url, {"s-1-morning": "2", "s-1-afternoon": "", "s-2-morning": "0"})
        assert Score.objects.filter(card=card).count() == 2

    def test_one_tap_saves_one_score_with_htmx(self):
        card = self.start_card()
        url = f"{self.base}/days/{self.last_monday.isoformat()}/afternoon/2/"
        response = self.client.post(
            url, {"s-2-afternoon": "1", "s-1-morning": "2"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        fragment = response.content.decode()
        assert "<html" not in fragment
        assert 'id="cell-s-2-afternoon"' in fragment
        assert 'value="1" id="s-2-afternoon-1" checked' in fragment
        assert 'hx-swap-oob="innerHTML"' in fragment and "Saved: " in fragment
        # Only the tapped cell is saved, not the rest of the form that htmx sends along.
        assert list(Score.objects.values_list("goal", "day_part", "value")) == [(2, "afternoon", 1)]
        # Tapping "no score" clears it; without htmx the post returns to the day page.
        response = self.client.post(url, {"s-2-afternoon": ""})
        assert response.status_code == 302
        assert response["Location"] == f"{self.base}/days/{self.last_monday.isoformat()}/"
        assert not Score.objects.filter(card=card).exists()

    def test_a_tap_on_a_day_that_cannot_be_scored_answers_with_the_reason(self):
        self.start_card()
        saturday = self.last_monday + datetime.timedelta(days=5)
        future = next_school_day(self.today)
        before = self.start - datetime.timedelta(days=7)
        for day, reason in [
            (saturday, "Scores are given for school days, Monday to Friday."),
            (future, "This day lies in the future."),
            (before, "The card starts on"),
        ]:
            url = f"{self.base}/days/{day.isoformat()}/morning/1/"
            response = self.client.post(url, {"s-1-morning": "2"}, HTTP_HX_REQUEST="true")
            assert reason in response.content.decode()
            page = self.client.get(f"{self.base}/days/{day.isoformat()}/").content.decode()
            assert reason in page
        assert not Score.objects.exists()
        # A goal or day part that is not on the card, and a malformed day, are not found.
        day = f"{self.base}/days/{self.last_monday}"
        assert self.client.post(f"{day}/morning/3/").status_code == 404
        assert self.client.post(f"{day}/evening/1/").status_code == 404
        assert self.client.get(f"{self.base}/days/2026-02-30/").status_code == 404

    # --- the week and the trend --------------------------------------------------------------

    def test_the_week_shows_the_scores_with_faces_and_labels(self):
        card = self.start_card()
        tuesday = self.last_monday + datetime.timedelta(days=1)
        self.score(card, tuesday, {(1, "morning"): 2, (2, "afternoon"): 0})
        response = self.client.get(f"{self.base}/?week={tuesday.isoformat()}")
        assert response.context["week"]["monday"] == self.last_monday
        grid = response.context["grid"]
        assert grid[0]["rows"][0]["cells"][1]["value"] == 2  # goal 1, morning, Tuesday
        assert grid[1]["rows"][1]["cells"][1]["value"] == 0  # goal 2, afternoon, Tuesday
        page = response.content.decode()
        assert page.count('class="bh-score__label">succeeded<') == 1
        assert page.count('class="bh-score__label">not yet<') == 1
        assert page.count("bh-face bh-face--2") == 2  # the score and the key to the faces
        assert f"?week={(self.last_monday - datetime.timedelta(weeks=1)).isoformat()}" in page
        assert f"?week={self.monday.isoformat()}" in page
        # A week before the card's start is shown as its first week.
        early = self.client.get(f"{self.base}/?week=2020-01-06")
        assert early.context["week"]["monday"] == monday_of(self.start)
        assert early.context["prev_week"] is None

    def test_the_trend_is_the_share_succeeded_per_week_and_goal(self):
        card = self.start_card()
        days = school_days(self.last_monday)
        self.score(card, days[0], {(1, "morning"): 2, (1, "afternoon"): 2, (2, "morning"): 2})
        self.score(card, days[1], {(1, "morning"): 1, (1, "afternoon"): 0})
        earlier = self.last_monday - datetime.timedelta(weeks=1)
        self.score(card, earlier, {(1, "morning"): 0, (2, "morning"): 1})
        response = self.client.get(f"{self.base}/?week={self.last_monday.isoformat()}")
        rows = {row.monday: row for row in response.context["trend"]}
        assert list(rows) == [monday_of(self.start), earlier, self.last_monday]
        last = rows[self.last_monday].cells
        assert (last[0].scored, last[0].succeeded, last[0].percent, last[0].width) == (4, 2, 50, 10)
        assert (last[1].scored, last[1].succeeded, last[1].percent) == (1, 1, 100)
        assert rows[earlier].cells[0].percent == 0 and rows[earlier].cells[1].percent == 0
        assert rows[monday_of(self.start)].cells[0].percent is None  # nothing scored
        page = response.content.decode()
        assert "50%" in page and "(2 of 4)" in page and "bh-bar__fill w10" in page
        assert "no scores" in page

    def test_trend_counts_only_scores_of_the_weeks_and_goals_asked(self):
        monday = datetime.date(2026, 11, 2)
        scores = [
            (monday, 1, 2),
            (monday + datetime.timedelta(days=4), 1, 1),
            (monday + datetime.timedelta(days=7), 1, 2),  # the next week
            (monday, 3, 2),  # a goal not asked for
        ]
        (week,) = trend(scores, [1, 2], [monday])
        assert week.number == 45 and week.friday == datetime.date(2026, 11, 6)
        assert [(c.goal, c.scored, c.succeeded, c.percent) for c in week.cells] == [
            (1, 2, 1, 50),
            (2, 0, 0, None),
        ]

    def test_the_weekly_view_runs_the_same_queries_for_1_and_20_weeks_of_scores(self):
        first = self.monday - datetime.timedelta(weeks=19)
        card = self.start_card(starts_on=first)

        def fill(weeks):
            Score.objects.bulk_create(
                Score(card=card, goal=goal, day=day, day_part=part, value=2, scored_by=self.w.anna)
                for monday in weeks
                for day in school_days(monday)
                for goal in (1, 2)
                for part in ("morning", "afternoon")
            )

        def count():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(f"{self.base}/?week={self.last_monday.isoformat()}")
            assert response.status_code == 200
            return len(queries), response

        fill([self.last_monday])
        few, response = count()
        assert sum(c.scored for row in response.context["trend"] for c in row.cells) == 20
        fill([first + datetime.timedelta(weeks=n) for n in range(18)])
        many, response = count()
        assert Score.objects.count() == 19 * 20
        assert sum(c.scored for row in response.context["trend"] for c in row.cells) == 8 * 20
        assert few == many

    # --- the sheet for the pupil's desk -------------------------------------------------------

    def test_the_desk_sheet_shows_goals_and_scores_only(self):
        card = self.start_card()
        self.score(card, self.last_monday, {(1, "morning"): 2, (2, "afternoon"): 1})
        observation_actions.log_observation(
            actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"], note="Zat alleen"
        )
        for language in ("en", "nl"):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = self.client.get(f"{self.base}/print/?week={self.last_monday}")
            assert response.status_code == 200
            html = response.content.decode()
            text = visible_text(html)
            assert "piet" in text
            assert GOALS[0].lower() in text and GOALS[1].lower() in text
            assert html.count("bh-face bh-face--2") == 2  # the score and the key
            assert "bh-face bh-face--1" in html
            found = [word for word in CONCERN_WORDS if word in text]
            assert found == [], found
            assert "<script" not in html and "site-header" not in html
            assert "@media print" not in html  # the print rules live in app.css
        assert AuditEntry.objects.filter(action="behaviour_card.print").count() == 2

    # --- bad input, stale saves, archive ------------------------------------------------------

    def test_bad_input_gets_a_message_at_the_field_and_stores_nothing(self):
        cases = [
            ({"goal_1": "", "goal_2": "", "goal_3": ""}, "goal_1", "Write at least one goal."),
            ({"goal_1": GOALS[0], "goal_2": "ok"}, "goal_2", "at least 3 characters"),
            ({"goal_1": "x" * 121}, "goal_1", "Keep a goal to 120 characters"),
            ({"goal_1": GOALS[0], "day_parts": ["morning"]}, "day_parts", "two to four"),
            ({"goal_1": GOALS[0], "day_parts": ["evening", "morning"]}, "day_parts", "offered"),
            ({"goal_1": GOALS[0], "starts_on": ""}, "starts_on", "Enter the start date."),
            ({"goal_1": GOALS[0], "starts_on": "2020-01-01"}, "starts_on", "a year back"),
        ]
        for changes, field, message in cases:
            data = {"day_parts": ["morning", "afternoon"], "starts_on": self.today.isoformat()}
            data.update(changes)
            response = self.client.post(f"{self.base}/new/", data)
            assert response.status_code == 200, changes
            errors = response.context["form"].errors
            assert field in errors and message in " ".join(errors[field]), (changes, errors)
            page = response.content.decode()
            assert 'role="alert"' in page and message.split("“")[0] in page
        assert not BehaviourCard.objects.exists()
        assert not AuditEntry.objects.filter(action="behaviour_card.create").exists()
        # The form has three goal fields; the domain function refuses a fourth as well.
        with pytest.raises(ValidationError) as error:
            self.start_card(goals=[*GOALS, "Ik ruim mijn tafel op", "Ik wacht op mijn beurt"])
        assert "goals" in error.value.message_dict
        assert not BehaviourCard.objects.exists()

    def test_a_stale_save_is_refused_and_the_current_state_shown(self):
        card = self.start_card()
        url = f"{self.base}/edit/"
        data = {
            "goal_1": "Ik blijf op mijn stoel tijdens de instructie",
            "goal_2": GOALS[1],
            "day_parts": ["morning", "afternoon"],
            "starts_on": self.start.isoformat(),
            "version": 1,
        }
        assert self.client.post(url, data).status_code == 302
        stale = self.client.post(url, {**data, "goal_1": "Ik werk rustig door"}, follow=True)
        page = stale.content.decode()
        assert "changed in the meantime" in page
        assert 'value="Ik blijf op mijn stoel tijdens de instructie"' in page  # current state
        assert 'name="version" value="2"' in page
        card.refresh_from_db()
        assert card.goal_1 == "Ik blijf op mijn stoel tijdens de instructie"
        assert card.version == 2
        change = AuditEntry.objects.get(action="behaviour_card.change")
        assert change.details == {"fields": ["goal_1"]}  # names the field, never the text

    def test_a_goal_or_day_part_with_scores_cannot_be_removed(self):
        card = self.start_card()
        self.score(card, self.last_monday, {(2, "afternoon"): 2})
        response = self.client.post(
            f"{self.base}/edit/",
            {
                "goal_1": GOALS[0],
                "goal_2": "",
                "day_parts": ["morning", "before_break"],
                "starts_on": self.today.isoformat(),
                "version": 1,
            },
        )
        errors = response.context["form"].errors
        assert "This goal has scores" in errors["goal_2"][0]
        assert "stays on the card" in errors["day_parts"][0]
        assert "There are scores from" in errors["starts_on"][0]
        card.refresh_from_db()
        assert card.goal_2 == GOALS[1] and card.version == 1

    def test_a_new_card_archives_the_current_one_and_keeps_it(self):
        old = self.start_card()
        self.score(old, self.last_monday, {(1, "morning"): 2})
        data = {
            "goal_1": "Ik ruim mijn tafel op",
            "day_parts": ["morning", "afternoon"],
            "starts_on": self.today.isoformat(),
            "replaces": str(old.uid),
        }
        assert self.client.post(f"{self.base}/new/", data).status_code == 302
        old.refresh_from_db()
        assert old.is_archived and Score.objects.filter(card=old).count() == 1
        current = BehaviourCard.objects.get(archived_at__isnull=True)
        assert current.goal_1 == "Ik ruim mijn tafel op"
        page = self.client.get(f"{self.base}/").content.decode()
        archived_url = f"{self.base}/archived/{old.uid}/"
        assert archived_url in page
        archived = self.client.get(f"{archived_url}?week={self.last_monday}")
        assert archived.status_code == 200 and GOALS[0] in archived.content.decode()
        assert archived.context["read_only"]
        # A second post that still names the old card is stale: nothing changes.
        again = self.client.post(f"{self.base}/new/", data, follow=True)
        assert "in the meantime" in again.content.decode()
        assert BehaviourCard.objects.count() == 2
        # Stopping the current card keeps it too.
        self.client.post(f"{self.base}/archive/", {"version": current.version})
        assert not BehaviourCard.objects.filter(archived_at__isnull=True).exists()
        assert BehaviourCard.objects.count() == 2

    # --- access, audit, encryption ------------------------------------------------------------

    def test_another_groups_teacher_gets_404_on_every_url(self):
        card = self.start_card()
        self.score(card, self.last_monday, {(1, "morning"): 2})
        day = self.last_monday.isoformat()
        gets = ["/", "/new/", "/edit/", f"/days/{day}/", "/print/", f"/archived/{card.uid}/"]
        posts = {
            "/new/": {"goal_1": "Ik wacht op mijn beurt", "day_parts": ["morning", "afternoon"]},
            "/edit/": {"goal_1": "Ik wacht", "version": 1},
            "/archive/": {"version": 1},
            f"/days/{day}/": {"s-1-morning": "0"},
            f"/days/{day}/morning/1/": {"s-1-morning": "0"},
        }
        for username in ("bram", "fien"):
            self.client.login(username=username, password=PASSWORD)
            for path in gets:
                assert self.client.get(f"{self.base}{path}").status_code == 404, (username, path)
            for path, data in posts.items():
                response = self.client.post(f"{self.base}{path}", data)
                assert response.status_code == 404, (username, path)
            denied = AuditEntry.objects.filter(action="access.denied", username=username)
            assert denied.count() == len(gets) + len(posts)
        card.refresh_from_db()
        assert card.version == 1 and not card.is_archived
        assert list(Score.objects.values_list("value", flat=True)) == [2]
        # The care coordinator of the school keeps the card too.
        self.client.login(username="carla", password=PASSWORD)
        assert self.client.get(f"{self.base}/").status_code == 200

    def test_every_read_and_write_is_on_the_audit_trail(self):
        card = self.start_card()
        day = self.last_monday.isoformat()
        self.client.get(f"{self.base}/")
        self.client.get(f"{self.base}/days/{day}/")
        self.client.post(f"{self.base}/days/{day}/", {"s-1-morning": "2"})
        self.client.post(
            f"{self.base}/days/{day}/afternoon/1/", {"s-1-afternoon": "1"}, HTTP_HX_REQUEST="1"
        )
        self.client.get(f"{self.base}/print/")
        self.client.get(f"{self.base}/edit/")
        self.client.post(f"{self.base}/archive/", {"version": card.version})
        actions_logged = list(
            AuditEntry.objects.filter(
                pupil_public_id=self.w.piet.public_id, action__startswith="behaviour_card."
            )
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions_logged == [
            "behaviour_card.create",
            "behaviour_card.view",
            "behaviour_card.day_form",
            "behaviour_card.day_form",
            "behaviour_card.score",
            "behaviour_card.cell",
            "behaviour_card.score",
            "behaviour_card.print",
            "behaviour_card.form",
            "behaviour_card.form",
            "behaviour_card.archive",
        ]
        entries = AuditEntry.objects.filter(action__startswith="behaviour_card.")
        assert all(GOALS[0] not in str(entry.details) for entry in entries)

    def test_goals_are_encrypted_in_the_database(self):
        card = self.start_card()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT goal_1, goal_2, goal_3 FROM behaviour_behaviourcard WHERE id = %s",
                [card.pk],
            )
            goal_1, goal_2, goal_3 = cursor.fetchone()
        assert goal_1.startswith("hw1:") and goal_2.startswith("hw1:") and goal_3 == ""
        assert "plek" not in goal_1 and "hulp" not in goal_2
        assert BehaviourCard.objects.get().goal_1 == GOALS[0]
        with pytest.raises(ValueError, match="encrypted"):
            BehaviourCard.objects.filter(pk=card.pk).update(goal_1="plain")


def test_the_pages_work_without_javascript_and_have_no_inline_code():
    """Every template of the app: no inline scripts, styles or event handlers (the CSP)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "templates" / "behaviour"
    for template in folder.glob("*.html"):
        source = template.read_text()
        assert "<script" not in source, template.name
        assert "<style" not in source and " style=" not in source, template.name
        assert not re.search(r"\son[a-z]+=", source), template.name
