"""The focus card: the empty card, ticking (htmx and plain form), own measures, versions,
evaluation, the stale-save refusal, overdue lists and access."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.catalog import get_catalog
from hechtwijzer.plans import actions
from hechtwijzer.plans.models import CardEntry, Evaluation, FocusCard, OwnMeasure
from hechtwijzer.testing import PASSWORD, build_world


def today():
    return timezone.localdate()


class FocusCardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.url = f"/pupils/{self.w.piet.public_id}/focuskaart/"

    def tick(self, code, column, seen):
        return self.client.post(
            f"{self.url}tick/",
            {"measure": code, "column": column, "seen": "1" if seen else "0"},
            HTTP_HX_REQUEST="true",
        )

    def test_a_pupil_without_a_card_has_the_empty_card(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Focuskaart voor Piet" in page
        assert page.count('class="card-number"') == len(actions.card_rows())
        assert not FocusCard.objects.exists()

    def test_it_lists_the_29_card_measures_in_order_then_the_tips_that_are_no_measure(self):
        rows = actions.card_rows()
        assert [m.code for m in rows[:29]] == [f"sticordi_{n:02d}" for n in range(1, 30)]
        assert all(m.type == "tip" and m.matches is None for m in rows[29:])

    def test_one_tap_ticks_a_column_and_starts_the_card(self):
        response = self.tick("sticordi_07", "trying", seen=False)
        assert response.status_code == 200
        fragment = response.content.decode()
        assert 'id="row-sticordi_07"' in fragment and "<html" not in fragment
        assert 'name="trying_sticordi_07" checked' in fragment
        assert 'hx-swap-oob="true"' in fragment  # the card form learns the new version
        card = FocusCard.objects.get()
        assert card.number == 1 and card.author == self.w.anna
        entry = CardEntry.objects.get()
        assert (entry.measure_code, entry.doing, entry.trying) == ("sticordi_07", False, True)
        assert AuditEntry.objects.filter(action="focuscard.tick").count() == 1

    def test_a_tap_on_a_cell_that_changed_meanwhile_is_refused(self):
        self.tick("sticordi_07", "doing", seen=False)  # anna ticks
        self.client.login(username="carla", password=PASSWORD)
        response = self.tick("sticordi_07", "doing", seen=False)  # carla saw it empty
        fragment = response.content.decode()
        assert "intussen" in fragment
        assert 'name="doing_sticordi_07" checked' in fragment  # the current state is shown
        assert CardEntry.objects.get().doing is True

    def note(self, code, text, seen="", **extra):
        data = {"measure": code, f"note_{code}": text, f"seen_note_{code}": seen, **extra}
        return self.client.post(f"{self.url}note/", data, HTTP_HX_REQUEST="true")

    def test_a_note_saves_on_its_own_as_a_tick_does(self):
        response = self.note("sticordi_03", "  elke ochtend bij de deur ")
        assert response.status_code == 200
        answer = response.content.decode()
        # The page learns the note as saved (its next `seen`) and the card's version, out of
        # band; the row is not swapped, so the field keeps the focus while typing.
        assert (
            'id="seen_note_sticordi_03"' in answer and 'value="elke ochtend bij de deur"' in answer
        )
        assert 'id="row-sticordi_03"' not in answer
        card = FocusCard.objects.get()
        assert f'id="card-lock-version" value="{card.lock_version}"' in answer
        assert "Opgeslagen" in answer
        assert CardEntry.objects.get().note == "elke ochtend bij de deur"
        audit = AuditEntry.objects.get(action="focuscard.note")
        assert audit.details["measure"] == "sticordi_03"
        assert "ochtend" not in str(audit.details)  # free text stays out of the audit trail
        # The same text again (the field's second trigger) changes nothing and is no conflict.
        again = self.note("sticordi_03", "elke ochtend bij de deur", seen="")
        assert again.status_code == 200 and "HX-Retarget" not in again
        assert AuditEntry.objects.filter(action="focuscard.note").count() == 1
        page = self.client.get(self.url).content.decode()
        assert 'name="seen_note_sticordi_03" value="elke ochtend bij de deur"' in page

    def test_a_note_changed_by_someone_else_meanwhile_is_not_overwritten(self):
        self.note("sticordi_03", "anna's notitie")
        self.client.login(username="carla", password=PASSWORD)
        response = self.note("sticordi_03", "carla's notitie", seen="")  # carla saw it empty
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#row-sticordi_03"
        assert response["HX-Reswap"] == "outerHTML"
        row = response.content.decode()
        assert 'value="anna&#x27;s notitie"' in row  # the row as it now is
        assert "carla&#x27;s notitie" in row and "niet opgeslagen" in row  # her text, to copy
        assert CardEntry.objects.get().note == "anna's notitie"
        assert AuditEntry.objects.filter(action="focuscard.note").count() == 1

    def test_a_malformed_note_is_refused_with_400_and_nothing_is_written(self):
        too_long = "x" * (actions.MAX_NOTE + 1)
        for data in (
            {"measure": "sticordi_03"},  # no note field at all
            {"measure": "sticordi_03", "note_sticordi_03": "a"},  # no seen
            {"measure": "no_such_row", "note_no_such_row": "a", "seen_note_no_such_row": ""},
            {"note_sticordi_03": "a", "seen_note_sticordi_03": ""},  # no row named
            {"measure": "sticordi_03", "note_sticordi_03": "a\x00", "seen_note_sticordi_03": ""},
            {"measure": "sticordi_03", "note_sticordi_03": too_long, "seen_note_sticordi_03": ""},
        ):
            response = self.client.post(f"{self.url}note/", data, HTTP_HX_REQUEST="true")
            assert response.status_code == 400, data
            assert response.content.decode().strip(), data  # says what is wrong
        assert not CardEntry.objects.exists() and not FocusCard.objects.exists()

    def test_a_note_on_a_card_someone_may_only_read_is_refused(self):
        for username in ("bram", "fien"):
            self.client.login(username=username, password=PASSWORD)
            assert self.note("sticordi_03", "x").status_code == 404
        assert not FocusCard.objects.exists()

    def test_the_plain_form_saves_the_whole_card_and_a_stale_save_is_refused(self):
        self.tick("sticordi_01", "doing", seen=False)
        card = FocusCard.objects.get()
        data = {
            "lock_version": card.lock_version,
            "trying_sticordi_03": "on",
            "note_sticordi_03": "elke ochtend bij de deur",
        }
        assert self.client.post(self.url, data).status_code == 302
        states = {e.measure_code: (e.doing, e.trying, e.note) for e in CardEntry.objects.all()}
        assert states["sticordi_03"] == (False, True, "elke ochtend bij de deur")
        assert states["sticordi_01"] == (False, False, "")  # unticked in the form
        stale = self.client.post(self.url, {**data, "doing_sticordi_05": "on"}, follow=True)
        assert "intussen" in stale.content.decode()
        assert not CardEntry.objects.filter(measure_code="sticordi_05").exists()

    def test_own_measures_are_added_ticked_and_removed(self):
        self.client.post(f"{self.url}own/", {"text": "Samen de dag doornemen om 8.25 uur"})
        measure = OwnMeasure.objects.get()
        assert measure.text == "Samen de dag doornemen om 8.25 uur" and measure.trying
        card = FocusCard.objects.get()
        self.client.post(
            self.url, {"lock_version": card.lock_version, f"own_doing_{measure.uid}": "on"}
        )
        measure.refresh_from_db()
        assert measure.doing and not measure.trying
        empty = self.client.post(f"{self.url}own/", {"text": "  "}, follow=True)
        assert "Beschrijf de maatregel" in empty.content.decode()
        self.client.post(f"{self.url}own/remove/", {"measure": measure.uid})
        assert not OwnMeasure.objects.exists()

    def test_recommended_rows_carry_the_signals_that_led_to_them(self):
        from hechtwijzer.observations import actions as observe

        observe.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["restless_chaotic"])
        once = self.client.get(self.url).content.decode()
        assert 'class="recommended"' not in once  # one moment recommends nothing (issue 12)
        for days_back in (4, 11):
            observe.log_observation(
                actor=self.w.anna,
                pupil=self.w.piet,
                signals=["restless_chaotic"],
                observed_on=today() - datetime.timedelta(days=days_back),
            )
        page = self.client.get(self.url).content.decode()
        assert 'class="recommended"' in page
        # The mark names the signal and how often it was seen (issue 15).
        label = get_catalog().get("signals", "restless_chaotic").label.nl
        assert f"aanbevolen bij: {label[0].lower()}{label[1:]} (3×)" in page
        assert page.count('class="recommended"') == page.count("aanbevolen bij: ")

    def evaluate_card(self, card, **changes):
        data = {
            "outcomes": {"sticordi_07": ("worked", "hielp bij de start")},
            "decision": "continue",
            "referrals": [],
            "next_evaluation": today() + datetime.timedelta(weeks=6),
            **changes,
        }
        return actions.evaluate(actor=self.w.anna, card=card, **data)

    def test_evaluating_closes_the_card_and_starts_the_next_version(self):
        self.tick("sticordi_07", "trying", seen=False)
        card = FocusCard.objects.get()
        FocusCard.objects.filter(pk=card.pk).update(evaluation_due=today())
        card.refresh_from_db()
        evaluation, following = self.evaluate_card(card)
        card.refresh_from_db()
        assert not card.is_open and following.number == 2 and following.is_open
        assert following.entries.get().trying is True  # the plan lives on
        assert evaluation.outcomes.get().outcome == "worked"
        assert {"before", "during", "groups"} <= set(evaluation.figures)
        old = self.client.get(f"{self.url}v1/").content.decode()
        assert "hielp bij de start" in old  # the earlier version stays readable
        assert "Evaluatie van" in old

    def test_evaluation_waits_for_its_date_and_names_missing_answers(self):
        self.tick("sticordi_07", "trying", seen=False)
        card = FocusCard.objects.get()
        with pytest.raises(ValidationError) as early:
            self.evaluate_card(card)
        assert "__all__" in early.value.message_dict
        FocusCard.objects.filter(pk=card.pk).update(evaluation_due=today())
        card.refresh_from_db()
        with pytest.raises(ValidationError) as missing:
            self.evaluate_card(card, outcomes={}, decision="refer")
        assert {"outcome_sticordi_07", "decision", "referrals"} & set(missing.value.message_dict)
        assert not Evaluation.objects.exists() and FocusCard.objects.count() == 1

    def test_the_evaluation_page_offers_referrals_that_fit_the_age(self):
        self.tick("sticordi_07", "trying", seen=False)
        FocusCard.objects.update(evaluation_due=today())
        page = self.client.get(f"{self.url}evaluate/").content.decode()
        assert 'value="baby_therapy"' not in page  # 0–1 years; Piet is older
        assert 'name="decision" value="refer"' in page
        response = self.client.post(
            f"{self.url}evaluate/",
            {
                "outcome_sticordi_07": "partly",
                "decision": "refer",
                "referrals": ["gp_referral"],
                "next_evaluation": (today() + datetime.timedelta(days=30)).isoformat(),
            },
        )
        assert response.status_code == 302
        assert Evaluation.objects.get().referrals == ["gp_referral"]

    def test_overdue_evaluations_show_on_the_overviews(self):
        self.tick("sticordi_07", "trying", seen=False)
        FocusCard.objects.update(evaluation_due=today() - datetime.timedelta(days=3))
        group_page = self.client.get(f"/groups/{self.w.group3.pk}/").content.decode()
        assert "Evaluatiedatum verstreken" in group_page and "Piet" in group_page
        self.client.login(username="carla", password=PASSWORD)
        school = self.client.get(f"/schools/{self.w.noord.pk}/overview/").content.decode()
        assert "Evaluatiedatum verstreken" in school

    def test_a_save_by_someone_who_may_only_read_is_refused_and_recorded(self):
        # carla keeps the card; a school admin may not even read it, a teacher of another
        # group neither: their whole-card save is a refusal on the audit trail.
        self.client.login(username="bram", password=PASSWORD)
        assert self.client.post(self.url, {"lock_version": 0}).status_code == 404
        assert AuditEntry.objects.filter(action="access.denied", username="bram").exists()
        assert not AuditEntry.objects.filter(action="focuscard.view", username="bram").exists()
        assert not FocusCard.objects.exists()

    def test_another_groups_teacher_and_another_school_get_404(self):
        for username in ("bram", "fien"):
            self.client.login(username=username, password=PASSWORD)
            assert self.client.get(self.url).status_code == 404
            assert self.tick("sticordi_07", "doing", seen=False).status_code == 404
            assert self.client.get(f"{self.url}evaluate/").status_code == 404
        assert not FocusCard.objects.exists()

    def test_the_page_runs_the_same_queries_however_much_is_ticked_and_kept(self):
        def count():
            cache.clear()  # the page as computed, not as kept (audit.kept)
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(self.url).status_code == 200
            return len(queries)

        self.tick("sticordi_01", "doing", seen=False)
        few = count()
        card = FocusCard.objects.get()
        for row in actions.card_rows()[1:]:
            CardEntry.objects.create(card=card, measure_code=row.code, doing=True, note="x")
        for n in range(5):  # five earlier versions
            FocusCard.objects.create(
                pupil=self.w.piet,
                number=10 + n,
                period_start=today(),
                evaluation_due=today(),
                author=self.w.anna,
                closed_at=timezone.now(),
            )
        assert count() == few
