"""The registry of reminder kinds and each kind: who gets what, about which pupil, and what a
mail says (and never says)."""

import datetime

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.care import actions as care_actions
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.plans.models import FocusCard
from hechtwijzer.reminders import kinds, sending
from hechtwijzer.reminders.kinds import KINDS, Entry, register
from hechtwijzer.schools.models import Role

from .helpers import SECRET_NOTE, TODAY, card, days, world


def planned(today=TODAY):
    return {(m.user.username, m.kind.code): m for m in sending.plan(today)}


class RegistryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = world()

    def test_the_three_kinds_are_registered_in_order(self):
        assert list(KINDS) == [
            "evaluation_due",
            "evaluation_overdue",
            "decision_due",
            "weekly_digest",
        ]
        assert KINDS["weekly_digest"].roles == {Role.CARE_COORDINATOR}

    def test_a_new_kind_is_one_function(self):
        w = self.w

        @register(
            "test_decision_due",
            label="Decision due",
            help="help",
            roles=(Role.TEACHER,),
            subject="Decisions due",
            intro="These decisions are due:",
        )
        def decision_due(today):
            yield Entry(
                user=w.anna,
                school=w.noord,
                key=f"decision-1:{today}",
                line=lambda: "Piet T.: decide about the reading plan",
                link="/",
                pupils=[w.piet],
            )

        try:
            mails = planned()
            found = mails[("anna", "test_decision_due")]
            assert found.public_ids == [w.piet.public_id]
            subject, body = sending.render(found)
            assert subject == "Decisions due"
            assert "Piet T.: decide about the reading plan" in body
            assert "test_decision_due" in {k.code for k in kinds.kinds_for(w.anna)}
            assert "test_decision_due" not in {k.code for k in kinds.kinds_for(w.carla)}
            with self.assertRaises(ValueError):
                register("test_decision_due", label="", help="", roles=(), subject="", intro="")(
                    decision_due
                )
        finally:
            del KINDS["test_decision_due"]


class EvaluationKindsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        cls.due_soon = card(w.piet, w.anna, days(3), co_teachers=[w.bram])
        cls.overdue = card(w.mo, w.bram, days(-2))
        cls.later = card(w.lara, w.anna, days(8))

    def test_a_card_due_within_a_week_reminds_its_author_and_co_teachers(self):
        mails = planned()
        due = mails[("anna", "evaluation_due")]
        assert due.public_ids == [self.w.piet.public_id]  # not Lara: 8 days ahead
        assert [e.key for e in due.entries] == [f"{self.due_soon.uid}:{days(3).isoformat()}"]
        # Bram co-teaches Piet's card but may not see Piet (group 3 is not his): not told.
        assert ("bram", "evaluation_due") not in mails

    def test_due_today_is_due_and_yesterday_is_overdue(self):
        mails = planned(days(3))  # Piet's card today, Lara's in 5 days: one mail for both
        assert mails[("anna", "evaluation_due")].public_ids == [
            self.w.piet.public_id,
            self.w.lara.public_id,
        ]
        assert ("anna", "evaluation_overdue") not in mails
        mails = planned(days(4))
        assert mails[("anna", "evaluation_due")].public_ids == [self.w.lara.public_id]
        assert mails[("anna", "evaluation_overdue")].public_ids == [self.w.piet.public_id]

    def test_an_overdue_card_reminds_its_author(self):
        mails = planned()
        overdue = mails[("bram", "evaluation_overdue")]
        assert overdue.public_ids == [self.w.mo.public_id]
        _subject, body = sending.render(overdue)
        assert "Mo T.: de evaluatie stond gepland op maandag 7 december 2026" in body
        assert f"/pupils/{self.w.mo.public_id}/focuskaart/" in body
        assert "/accounts/reminders/" in body

    def test_a_co_teacher_in_scope_is_reminded_too(self):
        w = self.w
        FocusCard.objects.get(pk=self.overdue.pk).co_teachers.set([w.carla])
        assert planned()[("carla", "evaluation_overdue")].public_ids == [w.mo.public_id]

    def test_closed_cards_left_pupils_and_inactive_or_addressless_users_get_nothing(self):
        w = self.w
        FocusCard.objects.filter(pk=self.overdue.pk).update(closed_at=timezone.now())
        card(w.sem, w.carla, days(-1))  # Sem left the school
        assert ("bram", "evaluation_overdue") not in planned()
        assert ("carla", "evaluation_overdue") not in planned()
        w.anna.email = ""
        w.anna.save(update_fields=["email"])
        assert ("anna", "evaluation_due") not in planned()

    def test_names_can_be_left_out_of_mails(self):
        with override_settings(REMINDER_PUPIL_NAMES="none"):
            _subject, body = sending.render(planned()[("bram", "evaluation_overdue")])
        assert "Mo" not in body
        assert "Een focuskaart: de evaluatie stond gepland op maandag 7 december 2026" in body

    def test_a_pupil_is_named_by_first_name_and_the_initial_of_the_last_name(self):
        pupil = self.w.piet
        pupil.last_name = "de Vries"
        pupil.save()
        assert kinds.pupil_name(pupil) == "Piet V."

    def test_a_flemish_school_reads_its_own_words(self):
        w = self.w
        card(w.zoe, w.erik, days(-1))
        _subject, body = sending.render(planned()[("erik", "evaluation_overdue")])
        assert "Zoe T." in body
        assert "Zuid" in body


class WeeklyDigestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        card(w.mo, w.bram, days(-2))
        card(w.piet, w.anna, days(-9))
        card(w.lara, w.anna, days(3))  # not overdue: not counted
        observation = observation_actions.log_observation(
            actor=w.anna, pupil=w.piet, signals=["discloses_harm"], note=SECRET_NOTE
        )
        care_actions.pass_on_concern(actor=w.anna, observation=observation, note=SECRET_NOTE)

    def test_the_care_coordinator_gets_counts_and_links_only(self):
        w = self.w
        digest = planned()[("carla", "weekly_digest")]
        assert digest.public_ids == sorted([w.piet.public_id, w.mo.public_id])
        assert [e.key for e in digest.entries] == [f"{w.noord.pk}:2026-W50"]
        subject, body = sending.render(digest)
        assert "2 focuskaarten waarvan de evaluatiedatum is verstreken" in body
        assert "1 leerling wacht op een besluit over de veiligheid" in body
        assert "1 open veiligheidsdossier" in body
        assert f"/schools/{w.noord.pk}/overview/" in body
        for secret in ("Piet", "Mo", SECRET_NOTE, "discloses", w.piet.public_id, "Testkind"):
            assert secret not in body, secret
            assert secret not in subject, secret

    def test_teachers_and_other_schools_get_no_digest(self):
        mails = planned()
        assert not any(kind == "weekly_digest" and user != "carla" for user, kind in mails)

    def test_one_digest_a_week(self):
        # Keyed by ISO week: Monday to Sunday of week 50 share the key.
        keys = {
            planned(day)[("carla", "weekly_digest")].entries[0].key for day in (days(-2), days(4))
        }
        assert keys == {f"{self.w.noord.pk}:2026-W50"}
        assert planned(days(5))[("carla", "weekly_digest")].entries[0].key.endswith("2026-W51")

    def test_nothing_waiting_sends_no_digest(self):
        assert ("fien", "weekly_digest") not in planned()


class DecisionDueTests(TestCase):
    """A care-team decision's owner is reminded when it is due within two days, and once
    more when it is overdue; never of what was decided."""

    SECRET_DECISION = "Moeder bellen over de nachten bij vader"

    @classmethod
    def setUpTestData(cls):
        w = cls.w = world()
        cls.meeting = meeting_actions.create_meeting(
            actor=w.carla,
            school=w.noord,
            starts_at=timezone.now() - datetime.timedelta(days=7),
            title="Leerlingbespreking onderbouw",
            attendees=[w.anna],
        )
        cls.piet_item = meeting_actions.add_to_agenda(
            actor=w.carla, meeting=cls.meeting, pupil=w.piet
        )
        cls.mo_item = meeting_actions.add_to_agenda(actor=w.carla, meeting=cls.meeting, pupil=w.mo)

    def decide(self, item, owner, due):
        return meeting_actions.add_decision(
            actor=self.w.carla, item=item, what=self.SECRET_DECISION, owner=owner, due_on=due
        )

    def test_due_within_two_days_reminds_the_owner_without_the_decision_text(self):
        soon = self.decide(self.piet_item, self.w.anna, days(2))
        self.decide(self.piet_item, self.w.anna, days(3))  # not yet
        mails = planned()
        found = mails[("anna", "decision_due")]
        assert found.public_ids == [self.w.piet.public_id]
        assert [e.key for e in found.entries] == [f"{soon.uid}:{days(2).isoformat()}:soon"]
        subject, body = sending.render(found)
        assert "Piet T." in body and "11 december 2026" in body
        assert self.SECRET_DECISION not in body and self.SECRET_DECISION not in subject
        assert ("bram", "decision_due") not in mails and ("carla", "decision_due") not in mails

    def test_an_overdue_decision_is_a_second_reminder_and_done_is_none(self):
        late = self.decide(self.mo_item, self.w.bram, days(-1))
        found = planned()[("bram", "decision_due")]
        assert [e.key for e in found.entries] == [f"{late.uid}:{days(-1).isoformat()}:overdue"]
        assert "Mo T." in sending.render(found)[1]
        meeting_actions.complete_decision(actor=self.w.bram, decision=late)
        assert ("bram", "decision_due") not in planned()

    def test_an_owner_who_no_longer_sees_the_pupil_is_not_told(self):
        self.decide(self.mo_item, self.w.bram, days(1))
        self.w.bram.memberships.get().groups.clear()
        assert ("bram", "decision_due") not in planned()

    def test_the_care_coordinator_is_reminded_of_her_own_decisions(self):
        self.decide(self.piet_item, self.w.carla, days(0))
        assert ("carla", "decision_due") in planned()

    def test_the_kind_costs_the_same_for_one_and_many_decisions(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                list(kinds.decision_due(TODAY))
            return len(queries)

        self.decide(self.piet_item, self.w.anna, days(1))
        few = count()
        for n in range(8):
            self.decide(
                (self.piet_item, self.mo_item)[n % 2],
                (self.w.anna, self.w.bram)[n % 2],
                days(n % 3 - 1),
            )
        assert count() == few == 4  # decisions; memberships, groups, grants of the owners
