"""The authorization matrix: user kinds x record kinds x where x action, as real HTTP requests.

One declarative table, MATRIX, says for every record kind, place and action which user kinds
are in scope. The expected answer of every cell follows from one rule:

    in scope          -> the action's own answer (a page: 200; a saved form: 302 back; a tick: 200)
    outside scope     -> 404, as if the pupil did not exist, and "access.denied" on the trail
    anonymous         -> redirect to the log-in page (so is a deactivated account's old session)

and a refused request writes nothing. The safeguarding route is a section of the pupil page, so
its cells also say "hidden": the page is in scope, the route is not (200 without the section).
The access export says "plain" without a care coordinator's approval: 200 with the pupil record
only (no observation note); with the approval ("approved export") the notes are in it.

"Where" is seen from the teacher of group 3 at school Noord (see hechtwijzer.testing):
    own_group      Piet, group 3 of Noord
    own_school     Mo, group 5 of Noord
    other_school   Zoe, the Flemish school Zuid
Each pupil has a current focus card and an observation of a signal that switches on the
safeguarding route. Every cell runs in its own savepoint, rolled back afterwards, so every cell
starts from the same world.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour import actions as behaviour_actions
from hechtwijzer.behaviour.models import BehaviourCard, DayProgramme, Score
from hechtwijzer.care.models import PupilFactor, SafeguardingConcern
from hechtwijzer.catalog import get_catalog
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.meetings.models import AgendaItem, Meeting
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.parents.models import ParentConversation
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.plans.models import CardEntry, FocusCard, PupilVoice
from hechtwijzer.privacy.approvals import approve_export
from hechtwijzer.privacy.models import ExportApproval
from hechtwijzer.readlinks import actions as link_actions
from hechtwijzer.readlinks.models import ReadLink
from hechtwijzer.referrals import actions as referral_actions
from hechtwijzer.referrals.models import Referral
from hechtwijzer.schools.models import Pupil, Role
from hechtwijzer.testing import build_world
from hechtwijzer.transfer.models import Transfer
from hechtwijzer.weeks import latest_school_day

L = "login"  # redirect to the log-in page
OK = "ok"  # in scope: the action's own answer
NO = 404  # outside scope
HIDDEN = "hidden"  # the page is in scope, the section is not
PLAIN = "plain"  # the export is in scope, the care and safeguarding records are not

USERS = [
    "anonymous",
    "teacher",  # anna, teacher of group 3 of Noord
    "other_teacher",  # bram, teacher of group 5 of Noord
    "moved_teacher",  # tim, taught group 3, moved to group 5 (membership groups changed)
    "extra_staff",  # gym teacher at Noord without a group, given access to Piet only
    "care_coordinator",  # carla, Noord
    "other_care_coordinator",  # fien, Zuid
    "school_admin",  # dirk, Noord
    "deactivated",  # hugo, teacher of group 3 whose account was switched off after log-in
]

# fmt: off
MATRIX = {
    # (record kind, action, where):              anon teach other moved extra  cc  cc2 admin deact
    ("pupil", "read", "own_group"):              [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("pupil", "read", "own_school"):             [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("pupil", "read", "other_school"):           [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("observation", "write", "own_group"):       [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("observation", "write", "own_school"):      [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("observation", "write", "other_school"):    [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("factors", "read", "own_group"):            [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("factors", "read", "own_school"):           [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("factors", "read", "other_school"):         [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("factors", "write", "own_group"):           [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("factors", "write", "own_school"):          [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("factors", "write", "other_school"):        [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("focus card", "read", "own_group"):         [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("focus card", "read", "own_school"):        [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("focus card", "read", "other_school"):      [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Staff given access to one pupil log observations but do not keep the class plan.
    ("focus card", "write", "own_group"):        [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("focus card", "write", "own_school"):       [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("focus card", "write", "other_school"):     [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # The pupil's voice on the card: the card's own permission (who keeps the card writes).
    ("pupil voice", "write", "own_group"):       [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("pupil voice", "write", "own_school"):      [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("pupil voice", "write", "other_school"):    [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("evaluation", "read", "own_group"):         [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("evaluation", "read", "own_school"):        [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("evaluation", "read", "other_school"):      [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("behaviour card", "read", "own_group"):     [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("behaviour card", "read", "own_school"):    [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("behaviour card", "read", "other_school"):  [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Like the focus card, the behaviour card's goals and the day programme are the class's
    # agreements with the pupil: staff given access to one pupil see and score the card, but
    # do not stop it or change the programme.
    ("behaviour card", "write", "own_group"):    [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("behaviour card", "write", "own_school"):   [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("behaviour card", "write", "other_school"): [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("behaviour score", "write", "own_group"):   [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("behaviour score", "write", "own_school"):  [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("behaviour score", "write", "other_school"):[L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("day programme", "read", "own_group"):      [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("day programme", "read", "own_school"):     [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("day programme", "read", "other_school"):   [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("day programme", "write", "own_group"):     [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("day programme", "write", "own_school"):    [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("day programme", "write", "other_school"):  [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("safeguarding", "read", "own_group"):       [L,  HIDDEN, NO, NO,   HIDDEN, OK, NO, NO, L],
    ("safeguarding", "read", "own_school"):      [L,  NO, HIDDEN, HIDDEN, NO,  OK, NO, NO,  L],
    ("safeguarding", "read", "other_school"):    [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # The right of access: the school's administrator and the care coordinator export; without
    # a care coordinator's approval the export holds the pupil record only.
    ("export", "read", "own_group"):             [L,  NO,   NO,   NO,   NO,  PLAIN, NO, PLAIN, L],
    ("export", "read", "own_school"):            [L,  NO,   NO,   NO,   NO,  PLAIN, NO, PLAIN, L],
    ("export", "read", "other_school"):          [L,  NO,   NO,   NO,   NO,    NO, PLAIN, NO, L],
    ("approved export", "read", "own_group"):    [L,  NO,   NO,   NO,   NO,    OK, NO, OK,  L],
    ("approved export", "read", "own_school"):   [L,  NO,   NO,   NO,   NO,    OK, NO, OK,  L],
    ("approved export", "read", "other_school"): [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # What an export includes is the care coordinator's decision, not the administrator's.
    ("export approval", "write", "own_group"):   [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("export approval", "write", "own_school"):  [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("export approval", "write", "other_school"): [L, NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("audit trail", "read", "own_group"):        [L,  NO,   NO,   NO,   NO,    OK, NO, OK,  L],
    ("audit trail", "read", "own_school"):       [L,  NO,   NO,   NO,   NO,    OK, NO, OK,  L],
    ("audit trail", "read", "other_school"):     [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Passing a direct safety concern on: whoever may log for the pupil (issue 12).
    ("concern", "write", "own_group"):           [L,  OK,   NO,   NO,   OK,    OK, NO, NO,  L],
    ("concern", "write", "own_school"):          [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("concern", "write", "other_school"):        [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Putting a pupil on a care-team meeting's agenda: the care coordinator (issue 16). Who
    # sees which pupils of a meeting is meetings/tests/test_meetings.py.
    ("care-team agenda", "read", "own_group"):   [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("care-team agenda", "read", "own_school"):  [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("care-team agenda", "read", "other_school"): [L, NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("care-team agenda", "write", "own_group"):  [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("care-team agenda", "write", "own_school"): [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("care-team agenda", "write", "other_school"): [L, NO,  NO,   NO,   NO,    NO, OK, NO,  L],
    # Working with the parents (issue 16): the pupil's teachers and the care coordinator; the
    # gym teacher given access to one pupil does not read what the parents said.
    ("parents", "read", "own_group"):            [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("parents", "read", "own_school"):           [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("parents", "read", "other_school"):         [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("parents", "write", "own_group"):           [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("parents", "write", "own_school"):          [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("parents", "write", "other_school"):        [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # A read link to the plan for the parents (the link holder's side: LinkHolderTests).
    ("read link", "write", "own_group"):         [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("read link", "write", "own_school"):        [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("read link", "write", "other_school"):      [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Referrals to care partners (issue 16): the pupil's teachers and the care coordinator read
    # and draft; the gym teacher given access to one pupil does neither.
    ("referral", "read", "own_group"):           [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("referral", "read", "own_school"):          [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("referral", "read", "other_school"):        [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("referral", "write", "own_group"):          [L,  OK,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("referral", "write", "own_school"):         [L,  NO,   OK,   OK,   NO,    OK, NO, NO,  L],
    ("referral", "write", "other_school"):       [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # What leaves the school (the read link for the professional) is the care coordinator's.
    ("referral send", "write", "own_group"):     [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("referral send", "write", "own_school"):    [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("referral send", "write", "other_school"):  [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    # Transfer to another school (issue 17): the report and the parents' viewing are the care
    # coordinator's alone.
    ("transfer", "read", "own_group"):           [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("transfer", "read", "own_school"):          [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("transfer", "read", "other_school"):        [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
    ("transfer", "write", "own_group"):          [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("transfer", "write", "own_school"):         [L,  NO,   NO,   NO,   NO,    OK, NO, NO,  L],
    ("transfer", "write", "other_school"):       [L,  NO,   NO,   NO,   NO,    NO, OK, NO,  L],
}
# fmt: on

# The table as rows: (user kind, record kind, where, action, expected).
ROWS = [
    (user, record, where, action, expected)
    for (record, action, where), cells in MATRIX.items()
    for user, expected in zip(USERS, cells, strict=True)
]

WHERE = {"own_group": "piet", "own_school": "mo", "other_school": "zoe"}
PERSONA = {
    "teacher": "anna",
    "other_teacher": "bram",
    "moved_teacher": "tim",
    "extra_staff": "gym",
    "care_coordinator": "carla",
    "other_care_coordinator": "fien",
    "school_admin": "dirk",
    "deactivated": "hugo",
}
SAFEGUARDING_SECTION = 'id="safeguarding-heading"'
# Notes on each pupil's observations: the care record and the safeguarding record.
CARE_NOTE = "Matrix: verstijfde bij de deur."
SAFETY_NOTE = "Matrix: wilde niet naar huis."


def today():
    return timezone.localdate()


def _first_risk_factor():
    return get_catalog().risk_factors[0].code


def send(client, record, action, pupil):
    """The HTTP request for one cell, and the status it answers when in scope."""
    pid = pupil.public_id
    if (record, action) in {("pupil", "read"), ("safeguarding", "read")}:
        return client.get(reverse("pupil", args=[pid])), 200
    if (record, action) == ("observation", "write"):
        data = {"signals": ["withdrawn"], "observed_on": today().isoformat()}
        return client.post(reverse("observations:observe", args=[pid]), data), 302
    if record == "factors":
        url = reverse("care:factors", args=[pid])
        if action == "read":
            return client.get(url), 200
        return client.post(url, {"kind": "risk", "code": _first_risk_factor()}), 302
    if (record, action) == ("focus card", "read"):
        return client.get(reverse("plans:card", args=[pid])), 200
    if (record, action) == ("focus card", "write"):
        measure = plan_actions.card_rows()[0].code
        data = {"measure": measure, "column": "doing", "seen": "0"}
        return client.post(reverse("plans:tick", args=[pid]), data), 200
    if (record, action) == ("pupil voice", "write"):
        # Offered from 8: the cell's pupil is 9 (inside the cell's savepoint).
        Pupil.objects.filter(pk=pupil.pk).update(date_of_birth=datetime.date(2017, 5, 1))
        data = {"kind": "helps", "text": "Een eigen plek.", "said_on": today().isoformat()}
        return client.post(reverse("plans:voice_add", args=[pid]), data), 302
    if (record, action) == ("evaluation", "read"):
        return client.get(reverse("plans:evaluate", args=[pid])), 200
    if (record, action) == ("behaviour card", "read"):
        return client.get(reverse("behaviour:card", args=[pid])), 200
    if (record, action) == ("behaviour card", "write"):
        # Stop (archive) the current card: the most far-reaching change of the card.
        card = behaviour_actions.current_card(pupil)
        url = reverse("behaviour:card_archive", args=[pid])
        return client.post(url, {"version": card.version}), 302
    if (record, action) == ("behaviour score", "write"):
        day = latest_school_day(today())
        url = reverse("behaviour:day", args=[pid, day])
        return client.post(url, {"s-1-morning": "2"}), 302
    if (record, action) == ("day programme", "read"):
        return client.get(reverse("behaviour:programme", args=[pid])), 200
    if (record, action) == ("day programme", "write"):
        programme = DayProgramme.objects.get(pupil=pupil)
        data = {
            "title": "Mijn dag",
            "version": programme.version,
            "blocks-TOTAL_FORMS": 1,
            "blocks-INITIAL_FORMS": 0,
            "blocks-MIN_NUM_FORMS": 0,
            "blocks-MAX_NUM_FORMS": 12,
            "blocks-0-starts_at": "09:00",
            "blocks-0-label": "Gym",
            "blocks-0-pictogram": "",
        }
        return client.post(reverse("behaviour:programme_edit", args=[pid]), data), 302
    if (record, action) == ("export", "read"):
        return client.get(reverse("privacy:export", args=[pid])), 200
    if (record, action) == ("approved export", "read"):
        approval = ExportApproval.objects.get(pupil=pupil)
        data = {"approval": str(approval.uid), "format": "html"}
        return client.post(reverse("privacy:export", args=[pid]), data), 200
    if (record, action) == ("export approval", "write"):
        url = reverse("privacy:approve_export", args=[pid])
        data = {"include_care": "on", "safeguarding": "withhold", "reason": "Nog in gesprek."}
        return client.post(url, data), 302
    if (record, action) == ("audit trail", "read"):
        return client.get(reverse("privacy:audit", args=[pid])), 200
    if (record, action) == ("concern", "write"):
        concern = Observation.objects.get(pupil=pupil, signal_rows__code="afraid_to_go_home")
        url = reverse("care:concern", args=[pid, concern.uid])
        return client.post(url, {"note": "Wilde niet naar huis."}), 302
    if record == "care-team agenda":
        url = reverse("meetings:put_on_agenda", args=[pid])
        if action == "read":
            return client.get(url), 200
        meeting = Meeting.objects.get(school_id=pupil.school_id)
        return client.post(url, {"meeting": str(meeting.uid), "question": "Hoe verder?"}), 302
    if (record, action) == ("parents", "read"):
        return client.get(reverse("parents:page", args=[pid])), 200
    if (record, action) == ("parents", "write"):
        data = {"held_on": today().isoformat(), "attendees": "moeder", "agreements": "Afspraak."}
        return client.post(reverse("parents:conversation_new", args=[pid]), data), 302
    if (record, action) == ("read link", "write"):
        data = {"recipient": "ouders", "days": "14"}
        return client.post(reverse("parents:plan_link", args=[pid]), data), 200
    if (record, action) == ("referral", "read"):
        return client.get(reverse("referrals:list", args=[pid])), 200
    if (record, action) == ("referral", "write"):
        data = {
            "partner": "clb" if pupil.school.country == "BE" else "wijkteam",
            "professional": "mw. De Vries",
            "question": "Hoe verder?",
        }
        return client.post(reverse("referrals:new", args=[pid]), data), 302
    if (record, action) == ("referral send", "write"):
        referral = Referral.objects.get(pupil=pupil)
        url = reverse("referrals:send", args=[pid, referral.uid])
        return client.post(url, {"days": "14", "version": referral.version}), 200
    if (record, action) == ("transfer", "read"):
        return client.get(reverse("transfer:page", args=[pid])), 200
    if (record, action) == ("transfer", "write"):
        data = {"receiving_school": "De Linde", "version": "0"}
        return client.post(reverse("transfer:parents", args=[pid]), data), 302
    raise AssertionError(f"no request for {record} {action}")


def snapshot(pupil):
    """Everything a write in this matrix could change about the pupil."""
    return (
        Observation.objects.filter(pupil=pupil).count(),
        PupilFactor.objects.filter(pupil=pupil).count(),
        sorted(
            CardEntry.objects.filter(card__pupil=pupil).values_list(
                "measure_code", "doing", "trying"
            )
        ),
        sorted(FocusCard.objects.filter(pupil=pupil).values_list("number", "lock_version")),
        PupilVoice.objects.filter(card__pupil=pupil).count(),
        SafeguardingConcern.objects.filter(pupil=pupil).count(),
        ExportApproval.objects.filter(pupil=pupil).count(),
        sorted(BehaviourCard.objects.filter(pupil=pupil).values_list("version", "archived_at")),
        Score.objects.filter(card__pupil=pupil).count(),
        # The title is encrypted (bound to its row), so the version stands for the content.
        sorted(DayProgramme.objects.filter(pupil=pupil).values_list("version", flat=True)),
        AgendaItem.objects.filter(pupil=pupil).count(),
        ParentConversation.objects.filter(pupil=pupil).count(),
        ReadLink.objects.filter(pupil=pupil).count(),
        sorted(Referral.objects.filter(pupil=pupil).values_list("status", "version")),
        Transfer.objects.filter(pupil=pupil).count(),
    )


class _Rollback(Exception):
    pass


class AuthorizationMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        # A teacher who moved: taught group 3, now teaches group 5.
        w.tim = cls.staff("tim", [w.group3])
        school_actions.update_staff_member(
            actor=w.dirk,
            membership=w.tim.memberships.get(),
            first_name="Tim",
            last_name="Test",
            email="",
            role=Role.TEACHER,
            groups=[w.group5],
            is_active=True,
        )
        # Extra staff: a gym teacher without a group, given access to Piet only.
        w.gym = cls.staff("gym", [])
        school_actions.grant_pupil_access(
            actor=w.carla, pupil=w.piet, user=w.gym, capacity="gym teacher"
        )
        # A planned care-team meeting at each school, with nobody on its agenda yet.
        for school, coordinator in [(w.noord, w.carla), (w.zuid, w.fien)]:
            meeting_actions.create_meeting(
                actor=coordinator,
                school=school,
                starts_at=timezone.now() + datetime.timedelta(days=2),
                title="Zorgteam",
            )
        for pupil, coordinator in [(w.piet, w.carla), (w.mo, w.carla), (w.zoe, w.fien)]:
            # A signal specific to disorganised attachment switches the safeguarding route on.
            observation_actions.log_observation(
                actor=coordinator,
                pupil=pupil,
                signals=["freezes"],
                observed_on=today() - datetime.timedelta(days=1),
                note=CARE_NOTE,
            )
            # A direct safety concern that can be passed on to the care coordinator.
            observation_actions.log_observation(
                actor=coordinator,
                pupil=pupil,
                signals=["afraid_to_go_home"],
                observed_on=today() - datetime.timedelta(days=1),
                note=SAFETY_NOTE,
            )
            plan_actions.start_card(actor=coordinator, pupil=pupil)
            # The care coordinator approved an export with the care and safeguarding records.
            approve_export(
                actor=coordinator,
                pupil=pupil,
                include_care=True,
                safeguarding="include",
                reason="Gewogen met de aandachtsfunctionaris.",
            )
            # A behaviour card running since last week, and a day programme.
            behaviour_actions.start_card(
                actor=coordinator,
                pupil=pupil,
                goals=["Ik vraag om hulp"],
                starts_on=today() - datetime.timedelta(days=10),
            )
            behaviour_actions.save_programme(
                actor=coordinator,
                pupil=pupil,
                expected_version=0,
                title="Onze dag",
                blocks=[behaviour_actions.BlockInput(datetime.time(8, 30), "Kring", "")],
            )
            # A drafted referral with the parents' consent, ready to send.
            referral = referral_actions.create_referral(
                actor=coordinator,
                pupil=pupil,
                partner="clb" if pupil.school.country == "BE" else "wijkteam",
                professional="mw. De Vries",
                question="Hoe verder?",
            )
            referral_actions.record_consent(
                actor=coordinator,
                referral=referral,
                expected_version=referral.version,
                status="given",
                decided_on=today(),
            )

    @classmethod
    def staff(cls, username, groups):
        # No password (the administrator never sets one): the matrix logs in with force_login.
        return school_actions.create_staff_member(
            actor=cls.w.dirk,
            school=cls.w.noord,
            username=username,
            first_name=username.title(),
            last_name="Test",
            email="",
            role=Role.TEACHER,
            groups=groups,
        ).user

    def client_for(self, user_kind):
        client = self.client_class()
        if user_kind != "anonymous":
            # force_login also for the deactivated account: an old session must be worthless.
            client.force_login(getattr(self.w, PERSONA[user_kind]))
        return client

    def test_the_table_follows_the_rule(self):
        for user, record, where, action, expected in ROWS:
            if user in ("anonymous", "deactivated"):
                assert expected == L, (user, record, where, action)
            else:
                assert expected in (OK, NO, HIDDEN, PLAIN), (user, record, where, action)
            if expected == HIDDEN:
                assert record == "safeguarding", (user, record, where, action)
            if expected == PLAIN or record == "export":
                assert expected in (PLAIN, NO, L), (user, record, where, action)
        assert {user for user, *_rest in ROWS} == set(USERS)
        assert {where for _u, _r, where, *_rest in ROWS} == set(WHERE)

    def test_every_cell_answers_as_the_table_says(self):
        login_url = resolve_url(settings.LOGIN_URL)
        for user, record, where, action, expected in ROWS:
            pupil = getattr(self.w, WHERE[where])
            with self.subTest(user=user, record=record, where=where, action=action):
                try:
                    with transaction.atomic():
                        self.check_cell(user, record, action, pupil, expected, login_url)
                        raise _Rollback
                except _Rollback:
                    pass

    def check_cell(self, user, record, action, pupil, expected, login_url):
        context = (user, record, action, pupil.first_name, expected)
        client = self.client_for(user)
        before = snapshot(pupil)
        last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        response, ok_status = send(client, record, action, pupil)
        status = response.status_code
        if expected == L:
            assert status == 302, (context, status)
            assert response["Location"].startswith(f"{login_url}?next="), context
        elif expected == NO:
            assert status == 404, (context, status)
            refusal = AuditEntry.objects.filter(id__gt=last_entry or 0).order_by("-id").first()
            assert refusal is not None and refusal.action == "access.denied", context
            assert refusal.pupil_public_id == pupil.public_id, context
        elif expected == HIDDEN:
            assert status == 200, (context, status)
            assert SAFEGUARDING_SECTION not in response.content.decode(), context
        elif expected == PLAIN:
            assert status == ok_status, (context, status)
            body = response.content.decode()
            assert pupil.last_name in body, context  # the pupil record
            assert CARE_NOTE not in body and SAFETY_NOTE not in body, context
        else:
            assert status == ok_status, (context, status)
            if record == "safeguarding":
                assert SAFEGUARDING_SECTION in response.content.decode(), context
            if record == "approved export":
                body = response.content.decode()
                assert CARE_NOTE in body and SAFETY_NOTE in body, context
        changed = snapshot(pupil) != before
        if action == "write" and expected == OK:
            assert changed, ("the write did not happen", context)
        else:
            assert not changed, ("something was written", context)


# Requests whose data this smaller world does not hold (a behaviour card, a day programme, an
# approval, a safety observation); the matrix above sends them anonymously too.
NEEDS_RECORDS = {
    ("behaviour card", "write"),
    ("day programme", "write"),
    ("approved export", "read"),
    ("concern", "write"),
    ("referral send", "write"),
}


class LinkHolderTests(TestCase):
    """The link holder: no account, one token. The link opens one document (the plan for the
    parents of Piet) and nothing else: every page of the matrix sends the holder to log in, for
    every pupil; an expired or revoked link answers 404 like an unknown one."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        for pupil, keeper in [(w.piet, w.anna), (w.mo, w.bram), (w.zoe, w.erik)]:
            plan_actions.start_card(actor=keeper, pupil=pupil)
        for school, coordinator in [(w.noord, w.carla), (w.zuid, w.fien)]:
            meeting_actions.create_meeting(
                actor=coordinator,
                school=school,
                starts_at=timezone.now() + datetime.timedelta(days=2),
                title="Zorgteam",
            )
        card = plan_actions.current_card(w.piet)
        cls.link, cls.token = link_actions.create_link(
            actor=w.anna, pupil=w.piet, kind="parent_plan", target=str(card.uid), recipient="ouders"
        )
        # A referral summary sent to a named professional: a link of another kind.
        referral = referral_actions.create_referral(
            actor=w.carla,
            pupil=w.piet,
            partner="wijkteam",
            professional="mw. De Vries",
            question="Hoe verder?",
        )
        referral = referral_actions.record_consent(
            actor=w.carla,
            referral=referral,
            expected_version=referral.version,
            status="given",
            decided_on=today(),
        )
        cls.referral, cls.referral_token = referral_actions.send(
            actor=w.carla, referral=referral, expected_version=referral.version
        )

    def test_a_link_holder_sees_one_document_and_nothing_else(self):
        holder = self.client_class()
        response = holder.get(f"/l/{self.token}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        login_url = resolve_url(settings.LOGIN_URL)
        for (record, action, where), _cells in MATRIX.items():
            pupil = getattr(self.w, WHERE[where])
            if (record, action) in NEEDS_RECORDS:
                continue
            answer, _ok = send(holder, record, action, pupil)
            assert answer.status_code == 302, (record, action, where, answer.status_code)
            assert answer["Location"].startswith(f"{login_url}?next="), (record, action, where)
        # Another token of the same shape, or a path below the link, opens nothing.
        assert holder.get(f"/l/{'A' * 43}/").status_code == 404
        assert holder.get(f"/l/{self.token}/plan.pdf").status_code == 404

    def test_an_expired_or_revoked_link_answers_404(self):
        holder = self.client_class()
        ReadLink.objects.filter(pk=self.link.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        expired = holder.get(f"/l/{self.token}/")
        ReadLink.objects.filter(pk=self.link.pk).update(
            expires_at=timezone.now() + datetime.timedelta(days=1)
        )
        assert holder.get(f"/l/{self.token}/").status_code == 200
        link_actions.revoke_link(actor=self.w.carla, link=self.link)
        revoked = holder.get(f"/l/{self.token}/")
        unknown = holder.get(f"/l/{'A' * 43}/")
        assert expired.status_code == revoked.status_code == unknown.status_code == 404
        assert expired.content == revoked.content == unknown.content

    def test_a_referral_link_holder_sees_the_summary_and_nothing_else(self):
        holder = self.client_class()
        response = holder.get(f"/l/{self.referral_token}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        login_url = resolve_url(settings.LOGIN_URL)
        pid = self.w.piet.public_id
        for name, args in [
            ("list", [pid]),
            ("detail", [pid, self.referral.uid]),
            ("summary_pdf", [pid, self.referral.uid]),
            ("answer", [pid, self.referral.uid]),
        ]:
            answer = holder.get(reverse(f"referrals:{name}", args=args))
            assert answer.status_code == 302, name
            assert answer["Location"].startswith(f"{login_url}?next="), name
        referral_actions.revoke(actor=self.w.carla, referral=self.referral)
        assert holder.get(f"/l/{self.referral_token}/").status_code == 404
