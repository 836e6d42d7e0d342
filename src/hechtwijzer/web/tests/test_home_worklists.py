"""The home page's work lists (hechtwijzer.worklists, web/worklist_sources.py): per role what
appears and what does not, where each item leads, the registry, empty states, the audit and a
fixed number of queries whatever the number of pupils, cards, observations and decisions."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hechtwijzer import worklists
from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care import actions as care_actions
from hechtwijzer.demo.schools import load
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.meetings.tests.world import evaluated_card
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import Decision, FocusCard
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.worklists import SOURCES, Item, register

TEACHER_LISTS = ["evaluations_due", "cards_without_plan", "observations_to_check", "my_decisions"]
COORDINATOR_LISTS = [
    "awaiting_decision",
    "to_discuss",
    "evaluations_overdue",
    "decisions_waiting",
    "referrals_unanswered",  # registered by the referrals app (referrals/worklist.py)
]
DECISION_TEXT = "Gesprek met moeder over het slapen"
User = get_user_model()


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def card(teacher, pupil, due: datetime.date):
    return plan_actions.start_card(
        actor=teacher, pupil=pupil, period_start=day(-40), evaluation_due=due
    )


def tick(teacher, pupil):
    code = plan_actions.card_rows()[0].code
    plan_actions.set_column(
        actor=teacher, pupil=pupil, measure_code=code, column="doing", value=True, seen=False
    )


def lists_of(page: str) -> dict[str, str]:
    """code -> the HTML of that work list's section."""
    found = {}
    for match in re.finditer(r'data-work-list="([a-z_]+)" data-count="(\d+)"', page):
        end = page.index("</section>", match.end())
        found[match.group(1)] = page[match.start() : end]
    return found


def count_of(section: str) -> int:
    return int(re.search(r'data-count="(\d+)"', section).group(1))


class WorldMixin:
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        # anna (group 3: Piet, Lara): Piet's card is due in three days and has no plan yet;
        # Lara's was due two days ago and has a measure ticked.
        cls.piet_card = card(w.anna, w.piet, day(3))
        cls.lara_card = card(w.anna, w.lara, day(-2))
        tick(w.anna, w.lara)
        # bram (group 5: Mo): overdue, no plan.
        cls.mo_card = card(w.bram, w.mo, day(-5))
        # Observations: a disclosure about Lara and an ordinary one about Piet (anna, today);
        # a disclosure about Mo (bram).
        cls.lara_concern = observation_actions.log_observation(
            actor=w.anna, pupil=w.lara, signals=["discloses_harm"], observed_on=day(0)
        )
        cls.piet_today = observation_actions.log_observation(
            actor=w.anna, pupil=w.piet, signals=["quick_anger"], observed_on=day(0)
        )
        cls.mo_concern = observation_actions.log_observation(
            actor=w.bram, pupil=w.mo, signals=["discloses_harm"], observed_on=day(0)
        )
        # A care-team meeting last week with decisions for anna (Piet) and bram (Mo).
        cls.meeting = meeting_actions.create_meeting(
            actor=w.carla,
            school=w.noord,
            starts_at=timezone.now() - datetime.timedelta(days=7),
            title="Leerlingbespreking",
        )
        cls.piet_item = meeting_actions.add_to_agenda(
            actor=w.carla, meeting=cls.meeting, pupil=w.piet
        )
        cls.mo_item = meeting_actions.add_to_agenda(actor=w.carla, meeting=cls.meeting, pupil=w.mo)
        cls.anna_decision = meeting_actions.add_decision(
            actor=w.carla, item=cls.piet_item, what=DECISION_TEXT, owner=w.anna, due_on=day(2)
        )
        cls.bram_decision = meeting_actions.add_decision(
            actor=w.carla, item=cls.mo_item, what="Vader bellen", owner=w.bram, due_on=day(-1)
        )

    def home(self, username: str) -> str:
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get("/")
        assert response.status_code == 200
        return response.content.decode()

    def count_queries(self, username: str) -> int:
        self.client.login(username=username, password=PASSWORD)
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get("/").status_code == 200
        return len(queries)

    def grow(self, n: int = 12) -> None:
        """n more pupils in group 3 and group 5, each with a card (overdue, without a plan),
        an observation of today with a disclosure, a decision and an evaluation asking for
        the care team: everything on both roles' lists grows."""
        w = self.w
        for number in range(n):
            group, teacher = ((w.group3, w.anna), (w.group5, w.bram))[number % 2]
            pupil = school_actions.create_pupil(
                actor=None,
                school=w.noord,
                group=group,
                first_name=f"Kind{number}",
                last_name="Extra",
                date_of_birth=datetime.date(2018, 1, 1),
            )
            if number % 3 == 0:
                evaluated_card(w, pupil, Decision.CARE_TEAM)
            else:
                card(teacher, pupil, day(-1 - number % 4))
            observation_actions.log_observation(
                actor=teacher, pupil=pupil, signals=["discloses_harm"], observed_on=day(0)
            )
            item = meeting_actions.add_to_agenda(actor=w.carla, meeting=self.meeting, pupil=pupil)
            meeting_actions.add_decision(
                actor=w.carla, item=item, what="Iets", owner=teacher, due_on=day(number % 5)
            )


class TeacherWorkListTests(WorldMixin, TestCase):
    def test_the_teacher_has_her_four_lists_in_order_above_her_groups(self):
        page = self.home("anna")
        assert list(lists_of(page)) == TEACHER_LISTS
        assert "{#" not in page and "comment" not in page
        assert page.index('data-work-list="my_decisions"') < page.index("Uw groepen")
        assert page.index("Uw groepen") < page.index("Piet Testkind</a></li>")

    def test_evaluations_due_this_week_or_overdue_of_her_own_cards(self):
        section = lists_of(self.home("anna"))["evaluations_due"]
        assert count_of(section) == 2
        # Overdue first, each linking to the evaluation.
        assert section.index("Lara Testkind") < section.index("Piet Testkind")
        for pupil in (self.w.lara, self.w.piet):
            assert reverse("plans:evaluate", args=[pupil.public_id]) in section
        assert 'class="overdue"' in section
        assert "Mo Testkind" not in section  # bram's group

    def test_a_card_due_later_or_kept_by_a_co_teacher(self):
        w = self.w
        self.piet_card.evaluation_due = day(9)
        self.piet_card.save(update_fields=["evaluation_due"])
        section = lists_of(self.home("anna"))["evaluations_due"]
        assert "Piet" not in section and count_of(section) == 1
        # bram co-teaches Lara's card but does not teach group 3: not his.
        self.lara_card.co_teachers.add(w.bram)
        assert "Lara" not in lists_of(self.home("bram"))["evaluations_due"]

    def test_cards_without_a_plan_until_a_measure_is_ticked_or_added(self):
        section = lists_of(self.home("anna"))["cards_without_plan"]
        assert count_of(section) == 1 and "Piet Testkind" in section and "Lara" not in section
        assert reverse("plans:card", args=[self.w.piet.public_id]) in section
        plan_actions.add_own_measure(actor=self.w.anna, pupil=self.w.piet, text="Vaste plek")
        section = lists_of(self.home("anna"))["cards_without_plan"]
        assert count_of(section) == 0
        assert "Elke focuskaart van u heeft een aangevinkte maatregel." in section

    def test_observations_to_look_at_again(self):
        w = self.w
        section = lists_of(self.home("anna"))["observations_to_check"]
        assert count_of(section) == 2
        concern_link = reverse("care:concern", args=[w.lara.public_id, self.lara_concern.uid])
        correct_link = reverse("observations:correct", args=[w.piet.public_id, self.piet_today.uid])
        assert concern_link in section and correct_link in section
        assert section.index(concern_link) < section.index(correct_link)  # safety first
        assert "Mo Testkind" not in section  # bram's observation
        # Passed on: no longer a concern to pass on, but like Piet's logged today, so still
        # one to check and correct until tomorrow.
        care_actions.pass_on_concern(actor=w.anna, observation=self.lara_concern)
        section = lists_of(self.home("anna"))["observations_to_check"]
        assert concern_link not in section and correct_link in section
        assert (
            reverse("observations:correct", args=[w.lara.public_id, self.lara_concern.uid])
            in section
        )
        # Yesterday's observations are no longer "today".
        Observation.objects.filter(author=w.anna).update(
            created_at=timezone.now() - datetime.timedelta(days=1)
        )
        assert count_of(lists_of(self.home("anna"))["observations_to_check"]) == 0

    def test_a_withdrawn_concern_is_not_listed(self):
        observation_actions.withdraw_observation(
            actor=self.w.anna, observation=self.lara_concern, expected_version=1, reason="mistake"
        )
        section = lists_of(self.home("anna"))["observations_to_check"]
        assert str(self.lara_concern.uid) not in section

    def test_her_own_decisions_with_a_done_button(self):
        section = lists_of(self.home("anna"))["my_decisions"]
        assert count_of(section) == 1
        assert "Piet Testkind" in section and DECISION_TEXT in section
        assert "Vader bellen" not in section and "Mo Testkind" not in section
        done = reverse("meetings:decision_done", args=[self.anna_decision.uid])
        assert f'action="{done}"' in section and 'name="next" value="home"' in section
        response = self.client.post(done, {"next": "home"})
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert count_of(lists_of(self.home("anna"))["my_decisions"]) == 0

    def test_no_safeguarding_and_no_other_groups_for_teachers(self):
        page = self.home("anna")
        assert "/safeguarding/" not in page
        assert "Wacht op uw besluit" not in page
        for code in COORDINATOR_LISTS:
            assert f'data-work-list="{code}"' not in page
        assert "Mo Testkind" not in page

    def test_fixed_number_of_queries_for_few_and_many(self):
        few = self.count_queries("anna")
        self.grow()
        many = self.count_queries("anna")
        page = self.home("anna")
        assert count_of(lists_of(page)["my_decisions"]) > 1
        assert few == many
        # Eight for the page before the work lists (session, user, memberships, their groups,
        # notices, groups with pupils, audit) and five for the lists: evaluations, plans,
        # observations (concerns, today's), decisions.
        assert many == 13


class LinkTests(WorldMixin, TestCase):
    def test_every_item_opens_where_it_is_done(self):
        """Each link of each list answers 200 for the user who sees it (no 404 from a scope
        the list and the page disagree on)."""
        evaluated_card(self.w, self.w.lara, Decision.CARE_TEAM)
        for username, expected in (("anna", 5), ("carla", 6)):
            page = self.home(username)
            links = [
                link.replace("&amp;", "&")
                for section in lists_of(page).values()
                for link in re.findall(r'<li[^>]*><a href="([^"]+)"', section)
            ]
            assert len(links) >= expected, (username, links)
            for link in links:
                assert self.client.get(link).status_code == 200, (username, link)


class CoordinatorWorkListTests(WorldMixin, TestCase):
    def test_the_coordinator_has_the_schools_lists(self):
        page = self.home("carla")
        assert list(lists_of(page)) == COORDINATOR_LISTS
        for code in TEACHER_LISTS:
            assert f'data-work-list="{code}"' not in page

    def test_pupils_awaiting_a_safeguarding_decision_come_first(self):
        w = self.w
        care_actions.pass_on_concern(actor=w.anna, observation=self.lara_concern)
        section = lists_of(self.home("carla"))["awaiting_decision"]
        assert "worklist-items--urgent" in section
        assert count_of(section) == 2
        for pupil in (w.lara, w.mo):
            assert reverse("care:safeguarding", args=[pupil.public_id]) in section
        assert "doorgegeven door Anna Test" in section

    def test_pupils_to_discuss_until_they_are_on_an_agenda(self):
        w = self.w
        evaluation = evaluated_card(w, w.lara, Decision.CARE_TEAM)
        evaluated_card(w, w.mo, Decision.CONTINUE)
        section = lists_of(self.home("carla"))["to_discuss"]
        assert count_of(section) == 1 and "Lara Testkind" in section
        link = reverse("meetings:put_on_agenda", args=[w.lara.public_id])
        assert f"{link}?evaluation={evaluation.uid}" in section
        planned = meeting_actions.create_meeting(
            actor=w.carla,
            school=w.noord,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            title="Volgende leerlingbespreking",
        )
        meeting_actions.add_to_agenda(actor=w.carla, meeting=planned, pupil=w.lara)
        section = lists_of(self.home("carla"))["to_discuss"]
        assert count_of(section) == 0 and "Geen evaluatie vraagt om het zorgteam." in section

    def test_an_older_evaluation_is_not_a_question_any_more(self):
        """Lara's care-team evaluation was followed by another evaluation: nothing to
        discuss."""
        w = self.w
        evaluated_card(w, w.lara, Decision.CARE_TEAM)
        assert count_of(lists_of(self.home("carla"))["to_discuss"]) == 1
        following = plan_actions.current_card(w.lara)
        FocusCard.objects.filter(pk=following.pk).update(
            period_start=day(-14), evaluation_due=day(0)
        )
        plan_actions.evaluate(
            actor=w.carla,
            card=plan_actions.current_card(w.lara),
            outcomes={plan_actions.card_rows()[0].code: ("worked", "")},
            decision=Decision.CONTINUE,
            referrals=[],
            next_evaluation=day(42),
        )
        assert count_of(lists_of(self.home("carla"))["to_discuss"]) == 0

    def test_evaluations_overdue_across_the_school(self):
        w = self.w
        section = lists_of(self.home("carla"))["evaluations_overdue"]
        assert count_of(section) == 2
        assert section.index("Mo Testkind") < section.index("Lara Testkind")  # oldest first
        assert reverse("plans:card", args=[w.mo.public_id]) in section
        assert "Piet" not in section  # due in three days

    def test_decisions_waiting_with_their_owner(self):
        section = lists_of(self.home("carla"))["decisions_waiting"]
        assert count_of(section) == 2
        assert "Bram Test" in section and "Anna Test" in section
        assert reverse("meetings:meeting", args=[self.meeting.uid]) in section
        assert reverse("meetings:decision_done", args=[self.bram_decision.uid]) in section

    def test_the_engine_lists_are_on_the_school_overview_only(self):
        page = self.home("carla")
        assert "Overweeg de signalen in kaart te brengen" not in page
        assert reverse("school_overview", args=[self.w.noord.pk]) in page

    def test_the_other_school_sees_none_of_it(self):
        page = self.home("fien")
        for name in ("Piet", "Lara", "Mo"):
            assert name not in page
        assert all(count_of(section) == 0 for section in lists_of(page).values())

    def test_fixed_number_of_queries_for_few_and_many(self):
        few = self.count_queries("carla")
        self.grow()
        many = self.count_queries("carla")
        page = self.home("carla")
        assert count_of(lists_of(page)["to_discuss"]) >= 4
        assert count_of(lists_of(page)["evaluations_overdue"]) > worklists.SHOWN - 4
        assert few == many
        # Nine for the page before the work lists (with the pupils without a group) and ten for
        # the lists: safeguarding (six when something waits, two otherwise), to discuss,
        # overdue, decisions, referrals without an answer.
        assert many == 19

    def test_a_long_list_shows_the_first_items_and_a_link_to_the_rest(self):
        self.grow(30)
        section = lists_of(self.home("carla"))["evaluations_overdue"]
        total = count_of(section)
        assert total > worklists.SHOWN
        assert section.count("<li") == worklists.SHOWN
        assert f"en nog {total - worklists.SHOWN}" in section
        assert reverse("school_overview", args=[self.w.noord.pk]) in section


class EmptyAndOtherRolesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def home(self, username: str) -> str:
        self.client.login(username=username, password=PASSWORD)
        return self.client.get("/").content.decode()

    def test_every_list_says_when_nothing_waits(self):
        page = self.home("anna")
        sections = lists_of(page)
        assert list(sections) == TEACHER_LISTS
        assert all(count_of(section) == 0 for section in sections.values())
        assert "Geen focuskaart van u hoeft deze week geëvalueerd te worden." in page
        page = self.home("carla")
        assert "Er wacht geen zorg over veiligheid op een besluit." in page
        assert "Elke afspraak van het zorgteam is uitgevoerd." in page

    def test_the_school_administrator_has_no_work_lists(self):
        page = self.home("dirk")
        assert "data-work-list" not in page and "Piet Testkind" in page

    def test_a_flemish_teacher_reads_her_schools_words(self):
        page = self.home("erik")
        assert "Uw klassen" in page and "Uw groepen" not in page
        assert list(lists_of(page)) == TEACHER_LISTS

    def test_the_audit_entry_says_which_lists_were_shown(self):
        self.home("anna")
        entry = AuditEntry.objects.get(action="pupil.list", username="anna")
        assert entry.details == {"work_lists": dict.fromkeys(TEACHER_LISTS, 0)}


class RegistryTests(WorldMixin, TestCase):
    """Another app adds a list with one function (the referrals app's open referrals)."""

    def test_a_registered_source_shows_for_its_role_only(self):
        w = self.w

        @register(
            "test_referrals",
            heading="Referrals without an answer",
            empty="Every referral has been answered.",
            roles=(Role.CARE_COORDINATOR,),
            order=60,
        )
        def referrals(user, membership, today):
            if membership.school_id == w.noord.pk:
                yield Item(link="/referrals/1/", title=w.piet.full_name, detail="sent to CLB")

        try:
            page = self.home("carla")
            assert list(lists_of(page)) == [*COORDINATOR_LISTS, "test_referrals"]
            section = lists_of(page)["test_referrals"]
            assert "Referrals without an answer" in section and count_of(section) == 1
            assert 'href="/referrals/1/"' in section and "sent to CLB" in section
            assert "test_referrals" not in self.home("anna")
            assert count_of(lists_of(self.home("fien"))["test_referrals"]) == 0
            with self.assertRaises(ValueError):
                register("test_referrals", heading="", empty="", roles=())(referrals)
        finally:
            del SOURCES["test_referrals"]

    def test_the_built_in_sources(self):
        assert [s.code for s in worklists.sources_for(Role.TEACHER)] == TEACHER_LISTS
        assert [s.code for s in worklists.sources_for(Role.CARE_COORDINATOR)] == COORDINATOR_LISTS
        assert worklists.sources_for(Role.SCHOOL_ADMIN) == []


@pytest.mark.django_db
def test_the_demo_fills_the_work_lists(client):
    """`hechtwijzer demo` shows the work lists at work: per school the care coordinator has a
    pupil awaiting a safety decision, an overdue evaluation and an open decision; the teacher
    of the card pupil an evaluation due and the decision of the held meeting."""
    load()
    for username in ("fluitekruid.ib", "klaproos.zoco"):
        client.force_login(User.objects.get(username=username))
        found = {
            code: count_of(s) for code, s in lists_of(client.get("/").content.decode()).items()
        }
        assert found["awaiting_decision"] >= 1 and found["evaluations_overdue"] >= 1
        assert found["decisions_waiting"] >= 1
    for username in ("fluitekruid.groep3", "klaproos.leerjaar2"):
        client.force_login(User.objects.get(username=username))
        found = {
            code: count_of(s) for code, s in lists_of(client.get("/").content.decode()).items()
        }
        assert found["evaluations_due"] >= 1 and found["my_decisions"] >= 1
