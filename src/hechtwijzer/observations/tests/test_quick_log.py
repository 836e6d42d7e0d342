"""The quick log: one signal for one pupil in three taps, clear errors, same-day corrections."""

import datetime

from django.test import TestCase
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Informant, Observation
from hechtwijzer.testing import PASSWORD, build_world


class QuickLogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.observe_url = f"/pupils/{self.w.piet.public_id}/observe/"

    def test_it_logs_one_signal_in_three_taps_from_the_group_page(self):
        group_url = f"/groups/{self.w.group3.pk}/"
        page = self.client.get(group_url).content.decode()  # the teacher's group page
        link = f"{self.observe_url}?next={group_url}"
        assert link in page  # tap 1: the pupil
        form = self.client.get(link)
        assert 'value="withdrawn"' in form.content.decode()  # tap 2: the signal's checkbox
        response = self.client.post(  # tap 3: save (the day defaults to today)
            self.observe_url,
            {
                "signals": ["withdrawn"],
                "observed_on": timezone.localdate().isoformat(),
                "next": group_url,
            },
        )
        assert response.status_code == 302 and response["Location"] == group_url
        observation = Observation.objects.get()
        assert observation.signal_codes == ["withdrawn"]
        assert observation.informant == Informant.GROUP_TEACHER
        follow = self.client.get(group_url).content.decode()
        assert "Opgeslagen: 1 signaal voor Piet." in follow

    def test_it_shows_each_error_at_its_field_and_stores_nothing(self):
        future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
        response = self.client.post(self.observe_url, {"signals": [], "observed_on": future})
        assert response.status_code == 200
        form = response.context["form"]
        assert {"signals", "observed_on"} <= set(form.errors)
        page = response.content.decode()
        assert 'id="signals-error"' in page and 'role="alert"' in page
        assert not Observation.objects.exists()

    def test_it_keeps_the_ticked_signals_when_the_form_comes_back(self):
        response = self.client.post(
            self.observe_url, {"signals": ["impulsive"], "observed_on": "not a date"}
        )
        assert "observed_on" in response.context["form"].errors
        assert 'value="impulsive" id="sig-impulsive" checked' in response.content.decode()

    def test_it_suggests_signals_from_the_note_without_ticking_them(self):
        note = "Hij sloeg een klasgenoot en was woedend"
        response = self.client.post(
            self.observe_url,
            {"note": note, "suggest": "1", "observed_on": timezone.localdate().isoformat()},
        )
        page = response.content.decode()
        assert "sloeg, woedend" in page or "woedend, sloeg" in page
        # The suggestion points at the signal's one checkbox, which is left unticked.
        assert '<a href="#sig-quick_anger">' in page
        assert page.count('name="signals" value="quick_anger"') == 1
        assert 'value="quick_anger" id="sig-quick_anger">' in page
        assert not Observation.objects.exists()
        fragment = self.client.post("/observations/suggest/", {"note": note}).content.decode()
        assert 'data-ticks="sig-quick_anger" aria-pressed="false"' in fragment
        assert 'name="signals"' not in fragment  # a button for that checkbox, not a second one
        assert "<html" not in fragment

    def test_a_teacher_of_another_group_gets_404(self):
        self.client.login(username="bram", password=PASSWORD)
        assert self.client.get(self.observe_url).status_code == 404
        response = self.client.post(
            self.observe_url,
            {"signals": ["withdrawn"], "observed_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 404
        assert not Observation.objects.exists()
        assert AuditEntry.objects.filter(action="access.denied", username="bram").count() == 2

    def test_only_the_care_coordinator_may_record_a_parent_report(self):
        assert "informant" not in self.client.get(self.observe_url).context["form"].fields
        self.client.login(username="carla", password=PASSWORD)
        form = self.client.get(self.observe_url).context["form"]
        assert "informant" in form.fields
        self.client.post(
            self.observe_url,
            {
                "signals": ["two_faces"],
                "observed_on": timezone.localdate().isoformat(),
                "informant": "parent",
            },
        )
        assert Observation.objects.get().informant == Informant.PARENT

    def test_the_author_corrects_and_a_stale_correction_is_refused(self):
        obs = actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        url = f"/pupils/{self.w.piet.public_id}/observations/{obs.uid}/correct/"
        assert self.client.get(url).status_code == 200
        ok = self.client.post(url, {"signals": ["withdrawn", "impulsive"], "version": 1})
        assert ok.status_code == 302
        stale = self.client.post(url, {"signals": ["tense_nervous"], "version": 1}, follow=True)
        page = stale.content.decode()
        assert "intussen gewijzigd" in page
        assert 'value="impulsive" id="sig-impulsive" checked' in page  # the current state
        assert sorted(Observation.objects.get().signal_codes) == ["impulsive", "withdrawn"]

    def test_another_user_cannot_correct_or_withdraw(self):
        obs = actions.log_observation(actor=self.w.carla, pupil=self.w.piet, signals=["withdrawn"])
        base = f"/pupils/{self.w.piet.public_id}/observations/{obs.uid}"
        assert self.client.get(f"{base}/correct/").status_code == 404
        withdraw = {"version": 1, "reason": "mistake"}
        assert self.client.post(f"{base}/withdraw/", withdraw).status_code == 404
        assert not Observation.objects.get().is_withdrawn

    def test_the_author_withdraws_and_the_row_is_kept(self):
        obs = actions.log_observation(actor=self.w.anna, pupil=self.w.piet, signals=["withdrawn"])
        url = f"/pupils/{self.w.piet.public_id}/observations/{obs.uid}/withdraw/"
        response = self.client.post(url, {"version": 1, "reason": "duplicate"}, follow=True)
        assert "ingetrokken" in response.content.decode()
        assert Observation.objects.get().is_withdrawn
