"""Referrals: who drafts and who sends, the consent before anything leaves the school, the
safeguarding record only deliberately, the read link (works until revoked, every view
audited), the answer, and `open_referrals`."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.readlinks.models import ReadLink
from hechtwijzer.referrals import actions, partners
from hechtwijzer.referrals.models import Referral, Status
from hechtwijzer.referrals.queries import open_referrals
from hechtwijzer.testing import PASSWORD, build_world

from .helpers import (
    CHOSEN_NOTE,
    ORGANISATION,
    PROFESSIONAL,
    QUESTION,
    consented,
    draft,
    situation,
    today,
)


class PartnerTests(TestCase):
    def test_partners_fit_the_country_and_the_age(self):
        dutch = {p.code for p in partners.partners_for("NL", 9)}
        assert dutch == {
            "parents_gp",
            "jeugdarts",
            "wijkteam",
            "school_social_work",
            "samenwerkingsverband",
        }
        assert {p.code for p in partners.partners_for("BE", 9)} == {"clb", "cgg"}
        # A toddler is not yet at school: no youth doctor of the school, no partnership.
        assert "jeugdarts" not in {p.code for p in partners.partners_for("NL", 3)}
        assert "cgg" not in {p.code for p in partners.partners_for("BE", 19)}


class ActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.chosen, cls.unchosen = situation(w.piet, w.anna, w.carla)

    def test_the_teacher_drafts_and_records_consent_but_does_not_send(self):
        referral = draft(self.w.piet, self.w.anna)
        assert referral.status == Status.DRAFT
        assert referral.include_plan and referral.include_figures
        assert not referral.include_safeguarding and not referral.observations.exists()
        referral = consented(referral, self.w.anna)
        assert referral.consent_by == self.w.anna and referral.consent_on == today()
        with self.assertRaises(PermissionDenied):
            actions.send(actor=self.w.anna, referral=referral, expected_version=referral.version)
        with self.assertRaises(PermissionDenied):
            actions.set_safeguarding(
                actor=self.w.anna,
                referral=referral,
                expected_version=referral.version,
                include=True,
                reason="x",
            )
        # Another group's teacher and the other school's coordinator do not even draft.
        for outsider in (self.w.bram, self.w.fien):
            with self.assertRaises(PermissionDenied):
                draft(self.w.piet, outsider)

    def test_a_partner_of_the_other_country_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            draft(self.w.piet, self.w.carla, partner="clb")
        assert "partner" in caught.exception.message_dict

    def test_nothing_leaves_the_school_without_consent_or_the_routes_exception(self):
        referral = draft(self.w.piet, self.w.carla)
        with self.assertRaises(ValidationError):
            actions.send(actor=self.w.carla, referral=referral, expected_version=referral.version)
        assert not ReadLink.objects.exists()
        with self.assertRaises(ValidationError):  # the exception needs a reason
            actions.allow_without_consent(
                actor=self.w.carla, referral=referral, expected_version=referral.version, allow=True
            )
        with self.assertRaises(PermissionDenied):  # and the care coordinator
            actions.allow_without_consent(
                actor=self.w.anna,
                referral=referral,
                expected_version=referral.version,
                allow=True,
                reason="Meldcode stap 5.",
            )
        referral = actions.allow_without_consent(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            allow=True,
            reason="Meldcode stap 5: ouders vragen brengt het kind in gevaar.",
        )
        referral, token = actions.send(
            actor=self.w.carla, referral=referral, expected_version=referral.version
        )
        assert referral.status == Status.SENT and referral.sent_on == today()
        assert len(token) == 43 and referral.link.kind == "referral_summary"
        entry = AuditEntry.objects.get(action="referral.consent_exception")
        assert entry.details == {"referral": str(referral.uid), "allowed": True}

    def test_safeguarding_only_deliberately_with_a_reason_audited_without_it(self):
        referral = draft(self.w.piet, self.w.carla)
        with self.assertRaises(ValidationError):
            actions.set_safeguarding(
                actor=self.w.carla,
                referral=referral,
                expected_version=referral.version,
                include=True,
            )
        referral = actions.set_safeguarding(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            include=True,
            reason="Het wijkteam neemt de hulp over (stap 5).",
        )
        assert referral.include_safeguarding and referral.safeguarding_by == self.w.carla
        entry = AuditEntry.objects.get(action="referral.safeguarding")
        assert entry.pupil_public_id == self.w.piet.public_id
        assert "stap 5" not in str(entry.details)

    def test_observations_are_chosen_explicitly_and_safety_ones_are_not_choosable(self):
        referral = draft(self.w.piet, self.w.anna)
        safety = self.w.piet.observations.get(signal_rows__code="afraid_to_go_home")
        with self.assertRaises(ValidationError):
            actions.choose_observations(
                actor=self.w.anna,
                referral=referral,
                expected_version=referral.version,
                uids=[safety.uid],
                include_notes=True,
            )
        referral = actions.choose_observations(
            actor=self.w.anna,
            referral=referral,
            expected_version=referral.version,
            uids=[self.chosen.uid],
            include_notes=False,
        )
        assert list(referral.observations.all()) == [self.chosen]

    def test_a_sent_referral_is_fixed_answered_and_closed_by_the_coordinator(self):
        referral = consented(draft(self.w.piet, self.w.anna), self.w.anna)
        referral, _token = actions.send(
            actor=self.w.carla, referral=referral, expected_version=referral.version, days=7
        )
        with self.assertRaises(actions.StaleVersion):
            actions.update_referral(
                actor=self.w.anna,
                referral=referral,
                expected_version=referral.version,
                partner="jeugdarts",
                professional="x",
                question="y",
            )
        with self.assertRaises(ValidationError):  # an answer before it was sent
            actions.record_answer(
                actor=self.w.carla,
                referral=referral,
                expected_version=referral.version,
                answered_on=today() - datetime.timedelta(days=3),
                answer="Aangemeld.",
            )
        referral = actions.record_answer(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            answered_on=today(),
            answer="Intake gepland; gezinsgesprek volgt.",
        )
        assert referral.status == Status.ANSWERED
        link = referral.link
        referral = actions.close(
            actor=self.w.carla, referral=referral, expected_version=referral.version
        )
        link.refresh_from_db()
        assert referral.status == Status.CLOSED and link.revoked_at is not None
        assert list(
            AuditEntry.objects.filter(action__startswith="referral.")
            .order_by("id")
            .values_list("action", flat=True)
        ) == [
            "referral.create",
            "referral.consent",
            "referral.send",
            "referral.answer",
            "referral.close",
        ]


class OpenReferralsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.made = []
        for pupil, coordinator, partner, days_ago in [
            (w.piet, w.carla, "wijkteam", 3),
            (w.mo, w.carla, "jeugdarts", 10),
            (w.zoe, w.fien, "clb", 5),
            (w.lara, w.carla, "wijkteam", 1),
        ]:
            referral = consented(draft(pupil, coordinator, partner=partner), coordinator)
            referral, _token = actions.send(
                actor=coordinator, referral=referral, expected_version=referral.version
            )
            Referral.objects.filter(pk=referral.pk).update(
                sent_on=today() - datetime.timedelta(days=days_ago)
            )
            cls.made.append(referral)
        # Lara's was answered: no longer open. A draft is not open either.
        lara = Referral.objects.get(pupil=w.lara)
        actions.record_answer(
            actor=w.carla,
            referral=lara,
            expected_version=lara.version,
            answered_on=today(),
            answer="Klaar.",
        )
        draft(w.piet, w.carla)

    def test_sent_without_answer_oldest_first_in_one_query(self):
        with CaptureQueriesContext(connection) as queries:
            found = list(open_referrals())
            names = [(r.pupil.first_name, r.pupil.school.name, r.sent_by.username) for r in found]
        assert len(queries) == 1
        assert names == [
            ("Mo", "Noord", "carla"),
            ("Zoe", "Zuid", "fien"),
            ("Piet", "Noord", "carla"),
        ]

    def test_by_school_and_by_user(self):
        assert [r.pupil.first_name for r in open_referrals(school=self.w.noord)] == ["Mo", "Piet"]
        assert [r.pupil.first_name for r in open_referrals(school=self.w.zuid.pk)] == ["Zoe"]
        assert [r.pupil.first_name for r in open_referrals(user=self.w.fien)] == ["Zoe"]
        assert list(open_referrals(user=self.w.anna)) == []

    def test_the_care_coordinators_work_list_shows_them_and_a_teacher_does_not_see_it(self):
        client = self.client_class()
        client.login(username="carla", password=PASSWORD)
        page = client.get("/").content.decode()
        part = page[page.index('data-work-list="referrals_unanswered"') :]
        part = part[: part.index("</section>")]
        assert 'data-count="2"' in part
        # Mo's waited longest and comes first, linking to the referral where the answer goes.
        mo = Referral.objects.get(pupil=self.w.mo, status=Status.SENT)
        assert part.index("Mo ") < part.index("Piet ")
        assert reverse("referrals:detail", args=[self.w.mo.public_id, mo.uid]) in part
        assert "Zoe" not in part and "Lara" not in part  # another school; answered
        client.login(username="anna", password=PASSWORD)
        assert 'data-work-list="referrals_unanswered"' not in client.get("/").content.decode()


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.chosen, cls.unchosen = situation(w.piet, w.anna, w.carla)

    def login(self, name):
        self.client.login(username=name, password=PASSWORD)

    def url(self, name, *args):
        return reverse(f"referrals:{name}", args=[self.w.piet.public_id, *args])

    def test_the_pupil_page_links_to_the_referrals_for_who_may_draft(self):
        self.login("anna")
        page = self.client.get(reverse("pupil", args=[self.w.piet.public_id])).content.decode()
        assert self.url("list") in page
        self.client.logout()
        self.login("dirk")  # the school administrator has no pupil page at all
        assert self.client.get(self.url("list")).status_code == 404

    def test_a_teacher_drafts_through_the_pages_and_the_coordinator_sends(self):
        self.login("anna")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url("new"))
        assert len(queries) <= 7, len(queries)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'value="wijkteam"' in body and 'value="clb"' not in body
        response = self.client.post(
            self.url("new"),
            {
                "partner": "wijkteam",
                "professional": PROFESSIONAL,
                "organisation": ORGANISATION,
                "question": QUESTION,
                "include_plan": "on",
                "include_figures": "on",
            },
        )
        referral = Referral.objects.get(pupil=self.w.piet)
        assert response.status_code == 302
        assert response["Location"] == self.url("detail", referral.uid)
        response = self.client.post(
            self.url("observations", referral.uid),
            {"observations": [str(self.chosen.uid)], "version": referral.version},
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        response = self.client.post(
            self.url("consent", referral.uid),
            {"consent": "given", "consent_on": today().isoformat(), "version": referral.version},
        )
        assert response.status_code == 302
        # The teacher cannot send, nor reach the coordinator's pages (404: not in scope).
        referral.refresh_from_db()
        assert (
            self.client.post(
                self.url("send", referral.uid), {"days": 14, "version": referral.version}
            ).status_code
            == 404
        )
        assert self.client.get(self.url("safeguarding", referral.uid)).status_code == 404
        page = self.client.get(self.url("detail", referral.uid)).content.decode()
        assert self.url("safeguarding", referral.uid) not in page
        assert self.url("send", referral.uid) not in page
        self.client.logout()
        self.login("carla")
        response = self.client.post(
            self.url("send", referral.uid), {"days": 14, "version": referral.version}
        )
        assert response.status_code == 200
        referral.refresh_from_db()
        assert referral.status == Status.SENT
        body = response.content.decode()
        assert "/l/" in body
        token = body.split("/l/")[1].split("/")[0]
        # The professional opens the summary without an account; every view is audited.
        holder = self.client_class()
        opened = holder.get(f"/l/{token}/")
        assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
        assert (
            AuditEntry.objects.filter(
                action="readlink.view", pupil_public_id=self.w.piet.public_id
            ).count()
            == 1
        )
        # Revoked: 404, like an unknown token.
        assert self.client.post(self.url("revoke", referral.uid)).status_code == 302
        assert holder.get(f"/l/{token}/").status_code == 404

    def test_a_form_from_a_second_tab_saves_nothing_and_says_so(self):
        """Each form page carries the referral's version: a post from a page shown before the
        last change is refused with the same message and leads to the referral as it is."""
        self.login("anna")
        referral = actions.create_referral(
            actor=self.w.anna,
            pupil=self.w.piet,
            partner="wijkteam",
            professional=PROFESSIONAL,
            organisation=ORGANISATION,
            question="Hoe helpen we thuis?",
        )
        uid = referral.uid
        posts = [
            ("edit", {"partner": "wijkteam", "professional": "Ander", "question": "Anders?"}),
            ("observations", {"observations": [str(self.chosen.uid)]}),
            ("consent", {"consent": "given", "consent_on": today().isoformat()}),
        ]
        for name, form in posts:
            before = Referral.objects.get(pk=referral.pk)
            response = self.client.post(self.url(name, uid), {**form, "version": "0"}, follow=True)
            assert response.redirect_chain == [(self.url("detail", uid), 302)], name
            assert "Iemand anders heeft deze verwijzing" in response.content.decode(), name
            after = Referral.objects.get(pk=referral.pk)
            assert (after.version, after.professional, after.consent) == (
                before.version,
                before.professional,
                before.consent,
            ), name
        # With the version shown, the same posts save, each with its own message.
        for name, form in posts:
            version = Referral.objects.get(pk=referral.pk).version
            response = self.client.post(self.url(name, uid), {**form, "version": version})
            assert response.status_code == 302 and response["Location"] == self.url("detail", uid)
        after = Referral.objects.get(pk=referral.pk)
        assert after.professional == "Ander" and after.consent == "given"

    def test_every_page_answers_within_its_query_budget_and_is_audited(self):
        referral = consented(draft(self.w.piet, self.w.carla), self.w.carla)
        referral, _token = actions.send(
            actor=self.w.carla, referral=referral, expected_version=referral.version
        )
        self.login("carla")
        for name, args, budget in [
            ("list", (), 8),
            ("detail", (referral.uid,), 9),
            ("answer", (referral.uid,), 7),
            ("summary_pdf", (referral.uid,), 15),
        ]:
            before = AuditEntry.objects.count()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.url(name, *args))
            assert len(queries) <= budget, (name, len(queries))
            assert response.status_code == 200, name
            assert AuditEntry.objects.count() == before + 1, name

    def test_outside_scope_is_404_and_audited(self):
        referral = draft(self.w.piet, self.w.carla)
        for user in ("bram", "fien", "dirk"):
            self.client.logout()
            self.login(user)
            for name, args in [("list", ()), ("detail", (referral.uid,)), ("new", ())]:
                response = self.client.get(self.url(name, *args))
                assert response.status_code == 404, (user, name)
            assert AuditEntry.objects.filter(action="access.denied", username=user).exists()

    def test_the_staff_pdf_leaves_the_safeguarding_section_out_for_a_teacher(self):
        from .helpers import CONCERN, pdf_text

        referral = consented(draft(self.w.piet, self.w.carla), self.w.carla)
        actions.set_safeguarding(
            actor=self.w.carla,
            referral=referral,
            expected_version=referral.version,
            include=True,
            reason="Nodig voor de hulp.",
        )
        self.login("anna")
        text = pdf_text(self.client.get(self.url("summary_pdf", referral.uid)).content)
        assert CONCERN not in " ".join(text.split())
        self.client.logout()
        self.login("carla")
        text = pdf_text(self.client.get(self.url("summary_pdf", referral.uid)).content)
        assert CONCERN in " ".join(text.split())
        assert CHOSEN_NOTE not in text  # no observation was chosen


class CoordinatorPageTests(TestCase):
    """The care coordinator's pages: each within its query budget and audited; the pupil's
    teacher does not reach them (404, audited as a refusal)."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.chosen, cls.unchosen = situation(w.piet, w.anna, w.carla)
        cls.referral = draft(w.piet, w.anna)

    def url(self, name, *args):
        return reverse(f"referrals:{name}", args=[self.w.piet.public_id, *args])

    def test_every_form_page_within_budget_and_audited(self):
        self.client.force_login(self.w.carla)
        uid = self.referral.uid
        for name, args, budget in [
            ("new", (), 7),
            ("edit", (uid,), 8),
            ("observations", (uid,), 10),
            ("consent", (uid,), 9),  # + the current card and its parents' consent
            ("exception", (uid,), 7),
            ("safeguarding", (uid,), 7),
        ]:
            before = AuditEntry.objects.count()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.url(name, *args))
            assert response.status_code == 200, name
            assert len(queries) <= budget, (name, len(queries))
            assert AuditEntry.objects.count() == before + 1, name

    def test_the_teacher_does_not_reach_the_coordinators_pages(self):
        self.client.force_login(self.w.anna)
        uid = self.referral.uid
        for name in ("exception", "safeguarding", "answer"):
            assert self.client.get(self.url(name, uid)).status_code == 404, name
        for name in ("send", "close", "revoke"):
            assert self.client.post(self.url(name, uid), {"days": 14}).status_code == 404, name
        assert AuditEntry.objects.filter(action="access.denied", username="anna").count() == 6
        self.referral.refresh_from_db()
        assert self.referral.status == Status.DRAFT

    def test_the_meldcode_exception_and_the_safeguarding_choice_through_the_pages(self):
        self.client.force_login(self.w.carla)
        uid = self.referral.uid
        # Without a reason: refused on the form, nothing saved.
        response = self.client.post(
            self.url("exception", uid), {"on": "on", "reason": "", "version": 1}
        )
        assert response.status_code == 200 and 'id="reason-error"' in response.content.decode()
        response = self.client.post(
            self.url("exception", uid),
            {
                "on": "on",
                "reason": "Meldcode stap 5: vragen brengt het kind in gevaar.",
                "version": 1,
            },
        )
        assert response.status_code == 302
        response = self.client.post(
            self.url("safeguarding", uid),
            {"on": "on", "reason": "Het wijkteam neemt de hulp over.", "version": 2},
        )
        assert response.status_code == 302
        referral = Referral.objects.get(pk=self.referral.pk)
        assert referral.consent_exception and referral.include_safeguarding
        response = self.client.post(self.url("send", uid), {"days": 3, "version": referral.version})
        assert response.status_code == 200
        referral.refresh_from_db()
        assert referral.status == Status.SENT
        assert (referral.link.expires_at - referral.link.created_at).days == 3
        # A stale form changes nothing.
        response = self.client.post(self.url("close", uid), {"version": 1})
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.SENT
        response = self.client.post(
            self.url("answer", uid),
            {
                "answered_on": today().isoformat(),
                "answer": "Aangemeld.",
                "version": referral.version,
            },
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.ANSWERED and referral.answer == "Aangemeld."
        self.client.post(self.url("close", uid), {"version": referral.version})
        referral.refresh_from_db()
        assert referral.status == Status.CLOSED and referral.link.revoked_at is not None

    def test_the_consent_page_shows_the_parents_answer_on_the_plan(self):
        from hechtwijzer.parents import actions as parent_actions

        card = plan_actions.current_card(self.w.piet)
        parent_actions.record_consent(
            actor=self.w.anna,
            card=card,
            expected_version=0,
            status="given",
            decided_on=today(),
        )
        self.client.force_login(self.w.anna)
        page = self.client.get(self.url("consent", self.referral.uid)).content.decode()
        assert f"focuskaart, versie {card.number}): instemming gegeven" in page
