"""The parents' view and consent, recorded per version of the focus card and shown on the card
page and beside each version in "All versions"."""

import datetime

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.parents.models import Consent, PlanConsent
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.testing import PASSWORD, build_world

from .helpers import today

VIEW = "Wij zien thuis hetzelfde en doen graag mee."


class ConsentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        cls.card = plan_actions.start_card(actor=cls.w.anna, pupil=cls.w.piet)

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)

    def url(self, number=1):
        return reverse("parents:consent", args=[self.w.piet.public_id, number])

    def post(self, number=1, **data):
        form = {
            "status": Consent.GIVEN,
            "decided_on": (today() - datetime.timedelta(days=1)).isoformat(),
            "parents_view": VIEW,
            "version": "0",
        }
        form.update(data)
        return self.client.post(self.url(number), form)

    def test_a_teacher_records_consent_shown_on_the_card_encrypted_and_audited(self):
        self.login("anna")
        assert self.client.get(self.url()).status_code == 200
        response = self.post()
        assert response.status_code == 302
        consent = PlanConsent.objects.get(card=self.card)
        assert consent.status == Consent.GIVEN and consent.parents_view == VIEW
        with connection.cursor() as cursor:
            cursor.execute("SELECT parents_view FROM parents_planconsent")
            assert "thuis" not in cursor.fetchone()[0]
        entry = AuditEntry.objects.get(action="parents.consent")
        assert entry.details == {
            "card": 1,
            "status": "given",
            "decided_on": consent.decided_on.isoformat(),
            "version": 1,
        }
        card_page = self.client.get(reverse("plans:card", args=[self.w.piet.public_id]))
        body = card_page.content.decode()
        assert 'id="consent-heading"' in body
        assert VIEW in body

    def test_consent_needs_a_date_and_not_asked_clears_it(self):
        self.login("carla")
        response = self.post(decided_on="")
        assert response.status_code == 200 and response.context["errors"]["decided_on"]
        assert not PlanConsent.objects.exists()
        assert self.post(status=Consent.NOT_ASKED, decided_on="").status_code == 302
        consent = PlanConsent.objects.get()
        assert consent.status == Consent.NOT_ASKED and consent.decided_on is None

    def test_a_stale_save_is_refused(self):
        self.login("anna")
        assert self.post().status_code == 302
        response = self.post(status=Consent.NOT_GIVEN, version="0")  # a second tab
        assert response.status_code == 302 and response["Location"] == self.url()
        assert PlanConsent.objects.get().status == Consent.GIVEN
        assert self.post(status=Consent.NOT_GIVEN, version="1").status_code == 302
        assert PlanConsent.objects.get().status == Consent.NOT_GIVEN

    def test_each_version_keeps_its_own_consent_in_the_version_history(self):
        self.login("anna")
        assert self.post().status_code == 302
        card = self.card
        card.refresh_from_db()
        _evaluation, following = plan_actions.evaluate(
            actor=self.w.anna,
            card=card,
            outcomes={},
            decision="continue",
            referrals=[],
            next_evaluation=card.evaluation_due + datetime.timedelta(days=42),
            today=card.evaluation_due,
        )
        assert following.number == 2
        assert self.post(number=2, status=Consent.NOT_GIVEN).status_code == 302
        page = self.client.get(reverse("plans:card", args=[self.w.piet.public_id]))
        body = page.content.decode()
        assert 'id="versions-heading"' in body
        history = body[body.index('id="versions-heading"') :]
        assert "ouders: instemming gegeven" in history
        assert "ouders: geen instemming gegeven" in history
        old = self.client.get(reverse("plans:version", args=[self.w.piet.public_id, 1]))
        assert VIEW in old.content.decode()

    def test_outside_the_pupils_teachers_and_coordinator_it_is_404_and_hidden(self):
        for name in ("bram", "dirk", "fien"):
            self.login(name)
            assert self.client.get(self.url()).status_code == 404, name
            assert self.post().status_code == 404, name
            self.client.logout()
        assert not PlanConsent.objects.exists()
        assert AuditEntry.objects.filter(action="access.denied").count() == 6

    def test_the_consent_page_and_the_card_page_run_few_queries(self):
        self.login("anna")
        self.post()
        self.client.get(self.url())  # shows (and clears) the message of the save
        with self.assertNumQueries(8):
            assert self.client.get(self.url()).status_code == 200
        card_url = reverse("plans:card", args=[self.w.piet.public_id])
        # The card page, with one query each for the consents and the pupil's voice, and the
        # school's version and the pupil read after it (audit.kept; the save above moved it).
        with self.assertNumQueries(16):
            assert self.client.get(card_url).status_code == 200
