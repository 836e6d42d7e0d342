"""The day programme: time blocks with a label and a pictogram, edited in one form, printed in
large print for the desk; errors at their field, stale saves refused, access and audit."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions
from hechtwijzer.behaviour.models import DayProgramme, ProgrammeBlock
from hechtwijzer.testing import PASSWORD, build_world

from .test_behaviour_card import CONCERN_WORDS, visible_text

ROWS = [("08:30", "Binnenkomen", "arrive"), ("08:45", "Kring", "circle"), ("09:15", "Rekenen", "")]


def post_data(rows, title="Mijn dag", version=0, total=None):
    data = {
        "title": title,
        "version": version,
        "blocks-TOTAL_FORMS": total if total is not None else max(len(rows), 6),
        "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0,
        "blocks-MAX_NUM_FORMS": 12,
    }
    for n, row in enumerate(rows):
        starts_at, label, pictogram, *delete = row
        data[f"blocks-{n}-starts_at"] = starts_at
        data[f"blocks-{n}-label"] = label
        data[f"blocks-{n}-pictogram"] = pictogram
        if delete:
            data[f"blocks-{n}-DELETE"] = "on"
    return data


class DayProgrammeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read English
        self.base = f"/pupils/{self.w.piet.public_id}/day-programme"

    def blocks(self):
        return [
            (b.starts_at.strftime("%H:%M"), b.label, b.pictogram)
            for b in ProgrammeBlock.objects.order_by("position")
        ]

    def test_it_makes_a_programme_through_the_form(self):
        page = self.client.get(f"{self.base}/").content.decode()
        assert "There is no day programme for this pupil yet." in page
        assert "/knowledge/measures/sticordi_13/" in page
        assert "/knowledge/measures/sticordi_21/" in page
        form = self.client.get(f"{self.base}/edit/")
        assert form.context["formset"].total_form_count() == 6
        assert 'value="My day"' in form.content.decode()
        response = self.client.post(f"{self.base}/edit/", post_data(ROWS))
        assert response.status_code == 302 and response["Location"] == f"{self.base}/"
        programme = DayProgramme.objects.get()
        assert programme.title == "Mijn dag" and programme.version == 1
        assert self.blocks() == ROWS
        page = self.client.get(f"{self.base}/").content.decode()
        assert "Binnenkomen" in page and "08:45" in page and "bh-picto" in page
        created = AuditEntry.objects.get(action="day_programme.create")
        assert created.username == "anna" and created.details == {"blocks": 3}

    def test_it_edits_removes_and_skips_empty_rows(self):
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        form = self.client.get(f"{self.base}/edit/")
        assert form.context["formset"].total_form_count() == 6  # 3 blocks and 3 empty rows
        rows = [
            ("08:30", "Binnenkomen", "arrive"),
            ("08:45", "Kring", "circle", "remove"),
            ("", "", ""),
            ("9.15", "Rekenen", "maths"),  # a Dutch way of writing the time is fine
            ("10:00", "Buitenspelen", "play"),
        ]
        response = self.client.post(f"{self.base}/edit/", post_data(rows, version=1))
        assert response.status_code == 302
        assert self.blocks() == [
            ("08:30", "Binnenkomen", "arrive"),
            ("09:15", "Rekenen", "maths"),
            ("10:00", "Buitenspelen", "play"),
        ]
        assert DayProgramme.objects.get().version == 2
        assert AuditEntry.objects.get(action="day_programme.change").details == {"blocks": 3}

    def test_bad_input_gets_a_message_at_the_field_and_stores_nothing(self):
        cases = [
            # the times go down from row 1 to row 2
            ([("09:00", "Lezen", ""), ("08:30", "Kring", "")], 1, "starts_at", "later than 09:00"),
            # two blocks at the same time
            ([("09:00", "Lezen", ""), ("09:00", "Kring", "")], 1, "starts_at", "later than 09:00"),
            ([("9 uur", "Lezen", "")], 0, "starts_at", "Enter a time as HH:MM"),
            ([("25:00", "Lezen", "")], 0, "starts_at", "Enter a time as HH:MM"),
            ([("", "Lezen", "")], 0, "starts_at", "Enter a start time"),
            ([("09:00", "", "read")], 0, "label", "Write what happens"),
            ([("09:00", "x" * 41, "")], 0, "label", "Keep it to 40 characters"),
            ([("09:00", "Lezen", "rocket")], 0, "pictogram", "Select a valid choice"),
        ]
        for rows, row, field, message in cases:
            response = self.client.post(f"{self.base}/edit/", post_data(rows))
            assert response.status_code == 200, rows
            errors = response.context["formset"].forms[row].errors
            assert field in errors and message in " ".join(errors[field]), (rows, errors)
            page = response.content.decode()
            assert 'role="alert"' in page and f'id="id_blocks-{row}-{field}_error"' in page
        for data, field, message in [
            (post_data([]), None, "Add at least one block"),
            (post_data(ROWS, title=" "), "title", "Give the programme a title"),
            (post_data(ROWS, title="x" * 41), "title", "Keep the title to 40 characters"),
        ]:
            response = self.client.post(f"{self.base}/edit/", data)
            errors = response.context["form"].errors
            key = field or "__all__"
            assert message in " ".join(errors[key]), errors
            assert message in response.content.decode()
        assert not DayProgramme.objects.exists() and not ProgrammeBlock.objects.exists()
        assert not AuditEntry.objects.filter(action__startswith="day_programme.c").exists()

    def test_no_more_than_twelve_blocks(self):
        rows = [(f"{8 + n // 2:02d}:{30 * (n % 2):02d}", f"Blok {n}", "") for n in range(13)]
        response = self.client.post(f"{self.base}/edit/", post_data(rows))
        assert response.status_code == 200
        assert "12" in " ".join(response.context["formset"].non_form_errors())
        with pytest.raises(ValidationError) as error:
            actions.save_programme(
                actor=self.w.anna,
                pupil=self.w.piet,
                expected_version=0,
                title="Mijn dag",
                blocks=[actions.BlockInput(datetime.time(8, n), f"Blok {n}") for n in range(13)],
            )
        assert "at most 12 blocks" in error.value.message_dict["blocks"][0]
        assert not DayProgramme.objects.exists()

    def test_put_in_order_of_time_sorts_the_rows_without_saving(self):
        rows = [("09:00", "Lezen", "read"), ("", "", ""), ("08:30", "Kring", "circle")]
        response = self.client.post(f"{self.base}/edit/", {**post_data(rows), "sort": "1"})
        assert response.status_code == 200
        initial = [form.initial for form in response.context["formset"].forms]
        assert [row.get("label") for row in initial[:3]] == ["Kring", "Lezen", None]
        assert "The rows are in order of time." in response.content.decode()
        assert not DayProgramme.objects.exists()

    def test_a_stale_save_is_refused_and_the_current_state_shown(self):
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        # A second teacher still had the empty form open (version 0).
        response = self.client.post(
            f"{self.base}/edit/", post_data([("10:00", "Gym", "gym")], title="Dinsdag")
        )
        page = response.content.decode()
        assert response.status_code == 200 and "changed in the meantime" in page
        assert 'value="Mijn dag"' in page and 'value="Binnenkomen"' in page  # the current state
        assert 'name="version" value="1"' in page
        assert self.blocks() == ROWS and DayProgramme.objects.get().version == 1

    def test_the_desk_sheet_is_large_print_with_the_blocks_only(self):
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        for language in ("en", "nl"):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = self.client.get(f"{self.base}/print/")
            assert response.status_code == 200
            html = response.content.decode()
            text = visible_text(html)
            assert "mijn dag" in text and "piet" in text
            assert all(time in text for time in ("08:30", "08:45", "09:15"))
            assert "binnenkomen" in text and "rekenen" in text
            assert "bh-blocks--large" in html and html.count('class="bh-picto"') == 2
            found = [word for word in CONCERN_WORDS if word in text]
            assert found == [], found
            assert "<script" not in html and "site-header" not in html
        assert AuditEntry.objects.filter(action="day_programme.print").count() == 2
        # Without a programme there is nothing to print: back to the programme page.
        self.client.login(username="anna", password=PASSWORD)
        lara = f"/pupils/{self.w.lara.public_id}/day-programme"
        assert self.client.get(f"{lara}/print/")["Location"] == f"{lara}/"

    def test_another_groups_teacher_gets_404_on_every_url(self):
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        for username in ("bram", "fien"):
            self.client.login(username=username, password=PASSWORD)
            for path in ("/", "/edit/", "/print/"):
                assert self.client.get(f"{self.base}{path}").status_code == 404, (username, path)
            data = post_data([("10:00", "Gym", "gym")], version=1)
            assert self.client.post(f"{self.base}/edit/", data).status_code == 404
            denied = AuditEntry.objects.filter(action="access.denied", username=username)
            assert denied.count() == 4
        assert self.blocks() == ROWS
        # The care coordinator of the school may keep it as well.
        self.client.login(username="carla", password=PASSWORD)
        assert self.client.get(f"{self.base}/edit/").status_code == 200

    def test_every_read_and_write_is_on_the_audit_trail(self):
        self.client.get(f"{self.base}/")
        self.client.get(f"{self.base}/edit/")
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        self.client.post(f"{self.base}/edit/", post_data(ROWS[:2], version=1))
        self.client.get(f"{self.base}/print/")
        logged = list(
            AuditEntry.objects.filter(pupil_public_id=self.w.piet.public_id)
            .filter(action__startswith="day_programme.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert logged == [
            "day_programme.view",
            "day_programme.form",
            "day_programme.form",
            "day_programme.create",
            "day_programme.form",
            "day_programme.change",
            "day_programme.print",
        ]

    def test_the_title_and_labels_are_encrypted_in_the_database(self):
        self.client.post(f"{self.base}/edit/", post_data(ROWS))
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM behaviour_dayprogramme")
            (title,) = cursor.fetchone()
            cursor.execute("SELECT label FROM behaviour_programmeblock")
            labels = [row[0] for row in cursor.fetchall()]
        assert title.startswith("hw1:") and "Mijn dag" not in title
        assert len(labels) == 3 and all(label.startswith("hw1:") for label in labels)
        assert not any(word in "".join(labels) for word in ("Binnenkomen", "Kring", "Rekenen"))
