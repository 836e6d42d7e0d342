"""The pupil's voice: what the pupil says helps or makes it hard, in the pupil's own words, per
focus-card version; offered from 8, encrypted, audited, locked on edit, asked at the evaluation,
and only for who may see the card."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.plans import actions
from hechtwijzer.plans.documents import card_document
from hechtwijzer.plans.models import FocusCard, PupilVoice
from hechtwijzer.plans.pdf import CARD_PAGES, page_count, render_card_fitting
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world

from .test_pdf import text_of

WORDS = "Als ik naast de juf mag zitten, gaat het beter."


def today():
    return timezone.localdate()


class PupilVoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        # Piet is 9 (group 5 age); Lara stays 7.
        Pupil.objects.filter(pk=cls.w.piet.pk).update(date_of_birth=datetime.date(2017, 5, 1))
        cls.w.piet.refresh_from_db()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.url = f"/pupils/{self.w.piet.public_id}/focuskaart/"

    def add(self, text=WORDS, kind="helps", said_on=None, pupil=None):
        pupil = pupil or self.w.piet
        return self.client.post(
            f"/pupils/{pupil.public_id}/focuskaart/voice/",
            {"kind": kind, "text": text, "said_on": (said_on or today()).isoformat()},
        )

    def test_the_card_offers_it_from_8_and_writes_it_down_encrypted_and_audited(self):
        page = self.client.get(self.url).content.decode()
        assert "Stem van de leerling" in page and 'name="said_on"' in page
        response = self.add()
        assert response.status_code == 302 and response["Location"].endswith("#voice")
        voice = PupilVoice.objects.get()
        assert voice.text == WORDS and voice.recorded_by == self.w.anna
        assert voice.card == FocusCard.objects.get(pupil=self.w.piet)  # the card was opened
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM plans_pupilvoice")
            (stored,) = cursor.fetchone()
        assert WORDS not in stored
        entry = AuditEntry.objects.get(action="focuscard.voice.add")
        assert entry.pupil_public_id == self.w.piet.public_id
        assert WORDS not in str(entry.details) and entry.details["kind"] == "helps"
        page = self.client.get(self.url).content.decode()
        assert "Wat helpt mij:</strong> “Als ik naast de juf mag zitten" in page
        assert "opgeschreven door" in page

    def test_a_younger_pupil_is_not_asked(self):
        page = self.client.get(f"/pupils/{self.w.lara.public_id}/focuskaart/").content.decode()
        assert "Stem van de leerling" not in page
        self.add(pupil=self.w.lara)
        assert not PupilVoice.objects.exists()
        assert not AuditEntry.objects.filter(action="focuscard.voice.add").exists()

    def test_empty_words_or_a_day_ahead_are_refused(self):
        self.add(text="   ")
        self.add(said_on=today() + datetime.timedelta(days=2))
        assert not PupilVoice.objects.exists()

    def test_a_correction_based_on_an_older_version_is_refused_and_the_text_kept(self):
        self.add()
        voice = PupilVoice.objects.get()
        url = f"{self.url}voice/{voice.uid}/"
        page = self.client.get(url).content.decode()
        assert WORDS in page
        assert AuditEntry.objects.filter(action="focuscard.voice.view").exists()
        data = {"kind": "hinders", "text": "Lawaai in de klas.", "said_on": today().isoformat()}
        assert self.client.post(url, {**data, "version": 1}).status_code == 302
        voice.refresh_from_db()
        assert (voice.kind, voice.text, voice.version) == ("hinders", "Lawaai in de klas.", 2)
        stale = self.client.post(url, {**data, "text": "Iets anders.", "version": 1})
        page = stale.content.decode()
        assert stale.status_code == 200 and "Iemand anders heeft dit intussen gewijzigd" in page
        assert "Iets anders." in page and "Lawaai in de klas." in page
        voice.refresh_from_db()
        assert voice.text == "Lawaai in de klas."
        assert AuditEntry.objects.filter(action="focuscard.voice.edit").count() == 1
        self.client.post(url, {"version": 2, "remove": "1"})
        assert not PupilVoice.objects.exists()
        assert AuditEntry.objects.filter(action="focuscard.voice.remove").exists()

    def test_the_evaluation_asks_what_the_pupil_says_now(self):
        self.add()
        card = FocusCard.objects.get(pupil=self.w.piet)
        FocusCard.objects.filter(pk=card.pk).update(evaluation_due=today())
        page = self.client.get(f"{self.url}evaluate/").content.decode()
        assert "Wat zegt de leerling nu?" in page and WORDS in page
        response = self.client.post(
            f"{self.url}evaluate/",
            {
                "decision": "continue",
                "next_evaluation": (today() + datetime.timedelta(weeks=6)).isoformat(),
                "voice_helps": "Een eigen plekje.",
                "voice_hinders": "",
            },
        )
        assert response.status_code == 302
        said = PupilVoice.objects.get(at_evaluation=True)
        assert said.card == card and said.text == "Een eigen plekje." and said.kind == "helps"
        # The next version starts from what the pupil said at the evaluation.
        page = self.client.get(self.url).content.decode()
        assert "Een eigen plekje." in page and "bij de vorige evaluatie" in page
        report = self.client.get(f"{self.url}v1/evaluation.pdf")
        text = " ".join(text_of(report.content).split())
        assert "Stem van de leerling" in text and "Een eigen plekje." in text and WORDS in text

    def test_the_card_pdf_prints_the_voice_when_it_fits_its_three_pages(self):
        self.add()
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/focuskaart.pdf")
        assert response.status_code == 200
        assert page_count(response.content) == CARD_PAGES
        text = " ".join(text_of(response.content).split())
        assert "Stem van de leerling" in text and WORDS in text
        # A card that would need another page for it is printed without it.
        card = FocusCard.objects.get(pupil=self.w.piet)
        document = card_document(self.w.piet, card, "nl")
        squeezed = render_card_fitting(document, max_pages=1)
        assert WORDS not in " ".join(text_of(squeezed).split())
        assert page_count(squeezed) == page_count(render_card_fitting(document)) == 3

    def test_the_card_page_runs_the_same_queries_for_one_or_many_statements(self):
        self.add()

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(self.url).status_code == 200
            return len(queries)

        one = count()
        for n in range(5):
            self.add(text=f"Zin {n}.", kind="hinders")
        assert count() == one

    def test_only_who_keeps_the_card_writes_and_others_get_404(self):
        self.add()
        voice = PupilVoice.objects.get()
        for name in ("bram", "erik"):
            self.client.logout()
            self.client.login(username=name, password=PASSWORD)
            assert self.add(text="Niet van mij.").status_code == 404
            assert self.client.get(f"{self.url}voice/{voice.uid}/").status_code == 404
            assert self.client.get(self.url).status_code == 404
        assert PupilVoice.objects.count() == 1
        assert AuditEntry.objects.filter(action="access.denied").count() >= 6

    def test_a_closed_version_cannot_be_corrected(self):
        self.add()
        voice = PupilVoice.objects.get()
        card = voice.card
        FocusCard.objects.filter(pk=card.pk).update(evaluation_due=today())
        actions.evaluate(
            actor=self.w.anna,
            card=FocusCard.objects.get(pk=card.pk),
            outcomes={},
            decision="continue",
            referrals=[],
            next_evaluation=today() + datetime.timedelta(weeks=6),
        )
        assert self.client.get(f"{self.url}voice/{voice.uid}/").status_code == 404
        page = self.client.get(f"{self.url}v1/").content.decode()
        assert WORDS in page
