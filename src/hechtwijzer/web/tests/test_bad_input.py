"""Bad input never becomes a server error: each request a fuzz run answered with a 500, as a
named test. Each answers a 4xx or a form error naming the problem, and writes nothing.

test_every_url.py walks every URL with such values; this file pins each case found, with the
reason it failed, so a regression names its cause.
"""

from __future__ import annotations

import datetime

from django.test import Client, TestCase
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions as behaviour_actions
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import FocusCard, OwnMeasure
from hechtwijzer.schools.models import PupilAccessGrant, Role
from hechtwijzer.testing import PASSWORD, build_world

ARABIC_THREE = "\u0663"  # int("٣") == 3 in Python; an id must be ASCII digits
FULLWIDTH_ONE = "\uff11"  # int("１") == 1
OVERLONG = "9" * 30  # beyond any database integer
OUT_OF_RANGE = "Vul een datum in tussen 1 augustus 2000 en 31 juli 2100."
OTHER_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # Arabic-Indic digits


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.gym = school_actions.create_staff_member(
            actor=None,
            school=cls.w.noord,
            username="gym",
            first_name="Gym",
            last_name="Test",
            email="",
            role=Role.TEACHER,
            password=PASSWORD,
            groups=[],
        ).user

    def setUp(self):
        # A server error is a response here (status 500), as a browser would see it.
        self.client.raise_request_exception = False

    def log_in(self, username: str) -> None:
        assert self.client.login(username=username, password=PASSWORD)

    # --- ids on the access page (administration) ---------------------------------------------

    def test_a_staff_id_in_other_digits_gives_no_access(self):
        # Before: IntegerField took "１" as 1 and "٣" as 3 and gave that account access.
        self.log_in("carla")
        url = f"/pupils/{self.w.piet.public_id}/access/"
        for value in (FULLWIDTH_ONE, str(self.gym.pk).translate(OTHER_DIGITS), OVERLONG):
            response = self.client.post(url, {"user": value, "capacity": "gym"})
            assert response.status_code == 200, value
            self.assertContains(response, "Kies een actieve medewerker van deze school.")
        assert not PupilAccessGrant.objects.exists()

    def test_a_revoke_id_in_other_digits_or_too_long_is_a_bad_request(self):
        grant = school_actions.grant_pupil_access(
            actor=self.w.carla, pupil=self.w.piet, user=self.gym, capacity="gym"
        )
        self.log_in("carla")
        url = f"/pupils/{self.w.piet.public_id}/access/"
        for value in (str(grant.pk).translate(OTHER_DIGITS), FULLWIDTH_ONE, OVERLONG, "1.0", "-1"):
            assert self.client.post(url, {"revoke": value}).status_code == 400, value
        assert PupilAccessGrant.objects.filter(pk=grant.pk).exists()

    # --- an own measure's id (plans) ---------------------------------------------------------

    def test_removing_an_own_measure_takes_only_its_id_as_the_page_writes_it(self):
        measure = plan_actions.add_own_measure(
            actor=self.w.anna, pupil=self.w.piet, text="Vaste plek bij de deur"
        )
        self.log_in("anna")
        url = f"/pupils/{self.w.piet.public_id}/focuskaart/own/remove/"
        uid = str(measure.uid)
        # Python's UUID() reads each of these as the measure's uid; none is what the page sent.
        for value in (
            uid.translate(OTHER_DIGITS),
            f"urn:uuid:{uid}",
            "{" + uid + "}",
            uid.replace("-", "_"),
            "x" * 5000,
            OVERLONG,
        ):
            assert self.client.post(url, {"measure": value}).status_code == 400, value
        assert OwnMeasure.objects.filter(pk=measure.pk).exists()
        assert self.client.post(url, {"measure": uid}).status_code == 302
        assert not OwnMeasure.objects.filter(pk=measure.pk).exists()

    # --- the focus card's settings: validated before anything is written ---------------------

    def settings(self, **data):
        start = timezone.localdate()
        posted = {
            "period_start": start.isoformat(),
            "evaluation_due": (start + datetime.timedelta(weeks=6)).isoformat(),
            **data,
        }
        return self.client.post(f"/pupils/{self.w.piet.public_id}/focuskaart/settings/", posted)

    def test_a_malformed_lock_version_is_a_bad_request_and_opens_no_card(self):
        self.log_in("anna")
        for value in ("abc", ARABIC_THREE, OVERLONG, "-1", "1e3"):
            assert self.settings(lock_version=value).status_code == 400, value
        assert not FocusCard.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="focuscard.create").exists()

    def test_a_refused_first_save_leaves_no_half_made_card(self):
        # Before: the view opened version 1, then the settings were refused (a note too long,
        # a stale version): the card stayed behind, half made.
        self.log_in("anna")
        response = self.settings(reason="x" * 600)
        assert response.status_code == 200
        self.assertContains(response, "Houd de notitie korter dan 500 tekens.")
        response = self.settings(lock_version="7")
        assert response.status_code == 302
        assert not FocusCard.objects.exists()
        assert not AuditEntry.objects.filter(action="focuscard.create").exists()
        # The same save with a sound version opens the card with its settings.
        assert self.settings(reason="Onrustig na de herfstvakantie").status_code == 302
        card = FocusCard.objects.get()
        assert card.number == 1 and card.reason == "Onrustig na de herfstvakantie"

    def test_a_period_in_year_one_or_9999_is_a_form_error(self):
        # Before: a card starting in year 1 was saved; its evaluation compares the period with
        # as many days before it, which leaves the calendar: every evaluation failed.
        self.log_in("anna")
        for start, due in (("0001-01-01", "0001-03-01"), ("9999-01-01", "9999-12-31")):
            response = self.settings(period_start=start, evaluation_due=due)
            assert response.status_code == 200
            self.assertContains(response, OUT_OF_RANGE)
        assert not FocusCard.objects.exists()
        with self.assertRaises(Exception) as refused:
            plan_actions.start_card(
                actor=self.w.anna,
                pupil=self.w.piet,
                period_start=datetime.date(1, 1, 1),
                evaluation_due=datetime.date(1, 3, 1),
            )
        assert "period_start" in refused.exception.message_dict

    # --- behaviour-card days (behaviour) -----------------------------------------------------

    def test_a_behaviour_day_at_the_ends_of_the_calendar_is_not_found(self):
        # Before: the day page works out the school days around the day: OverflowError.
        behaviour_actions.start_card(actor=self.w.anna, pupil=self.w.piet, goals=["Ik wacht"])
        self.log_in("anna")
        base = f"/pupils/{self.w.piet.public_id}/behaviour-card/days"
        for day in ("0001-01-01", "9999-12-31", "1999-12-31", "2026-02-30"):
            assert self.client.get(f"{base}/{day}/").status_code == 404, day
            assert self.client.post(f"{base}/{day}/", {}).status_code == 404, day
            assert self.client.post(f"{base}/{day}/morning/1/", {}).status_code == 404, day

    def test_a_behaviour_card_starting_in_year_one_is_a_form_error(self):
        self.log_in("anna")
        response = self.client.post(
            f"/pupils/{self.w.piet.public_id}/behaviour-card/new/",
            {
                "goal_1": "Ik wacht",
                "day_parts": ["morning", "afternoon"],
                "starts_on": "0001-01-01",
            },
        )
        assert response.status_code == 200
        self.assertContains(response, OUT_OF_RANGE)

    # --- ids in paths beyond the database's integer range ------------------------------------

    def test_an_overlong_id_in_a_path_is_not_found(self):
        # Before: `int` matched any run of digits; the audit entry recording the refused
        # lookup then overflowed SQLite's integer: OverflowError.
        self.log_in("carla")
        for value in (OVERLONG, str(2**63), "9" * 19):
            for url in (
                f"/schools/{value}/overview/",
                f"/groups/{value}/",
                f"/pupils/{self.w.piet.public_id}/focuskaart/v{value}/",
                f"/pupils/{self.w.piet.public_id}/focuskaart/v{value}/evaluation.pdf",
            ):
                assert self.client.get(url).status_code == 404, url
        # The largest id the database holds is a lookup like any other (no such school).
        assert self.client.get(f"/schools/{2**63 - 1}/overview/").status_code == 404

    # --- the Host header -------------------------------------------------------------------

    def test_a_host_outside_allowed_hosts_is_a_bad_request(self):
        # Before: Django's DisallowedHost became a 400 whose page (the layout) asked for the
        # user, who is not attached yet at that point: a 500.
        for client in (Client(), self.client):
            client.raise_request_exception = False
            for method in ("get", "post"):
                response = getattr(client, method)("/", HTTP_HOST="evil.example")
                assert response.status_code == 400
                assert b"Bad request" in response.content
                assert b"Ongeldig verzoek" in response.content
        self.log_in("carla")
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert b"Piet" not in response.content

    # --- the PDF's file name ---------------------------------------------------------------

    def test_a_line_break_or_quote_in_a_first_name_stays_inside_the_file_name(self):
        # Before: the name went into `filename="…"` as it was: a line break raised
        # BadHeaderError (a 500), a quote ended the name early.
        school_actions.update_pupil(actor=None, pupil=self.w.piet, first_name='Pi"et\r\nX: 1;')
        self.log_in("anna")
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/focuskaart.pdf")
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition == (
            'inline; filename="focuskaart-Pi-etX-1.pdf"; '
            "filename*=utf-8''focuskaart-Pi%22etX%3A%201%3B.pdf"
        )

    def test_a_first_name_outside_ascii_keeps_its_letters_in_the_encoded_name(self):
        school_actions.update_pupil(actor=None, pupil=self.w.piet, first_name="Zoë")
        self.log_in("anna")
        disposition = self.client.get(f"/pupils/{self.w.piet.public_id}/focuskaart.pdf")[
            "Content-Disposition"
        ]
        assert disposition == (
            "inline; filename=\"focuskaart-Zoe.pdf\"; filename*=utf-8''focuskaart-Zo%C3%AB.pdf"
        )

    # --- a form body that is not UTF-8 ---------------------------------------------------------

    def test_a_form_in_another_charset_is_a_bad_request_or_a_form_error(self):
        self.log_in("anna")
        url = f"/pupils/{self.w.piet.public_id}/observe/"
        before = AuditEntry.objects.count()
        form = "application/x-www-form-urlencoded"
        latin1 = b"signals=quick_anger&note=caf\xe9"
        for content_type, body in (
            (f"{form}; charset=latin-1", latin1),
            # Before: Django ignores a charset it does not know and decodes the bytes as UTF-8,
            # replacing the é: the observation was saved with a damaged note.
            (f"{form}; charset=unknown-8bit", latin1),
            (f"{form}; charset=utf-16", "signals=quick_anger".encode("utf-16")),
            (form, b"signals=quick_anger&note=%ff%fe"),
            ("multipart/form-data; boundary=xx; charset=unknown-8bit", b"--xx\r\nbroken"),
            ("multipart/form-data", b"no boundary"),
        ):
            response = self.client.generic("POST", url, body, content_type=content_type)
            assert response.status_code == 400, (content_type, response.status_code)
        assert not self.w.piet.observations.exists()
        assert AuditEntry.objects.count() == before
