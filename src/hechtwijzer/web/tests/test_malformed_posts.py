"""Every POST endpoint answers malformed input with a form error, a redirect or a 4xx: never 500.

The walk takes every routed view of the project that accepts POST (the URL configuration is the
list, so a new endpoint is walked without anyone adding it here), fills its URL arguments from
a small world in which each kind of record exists, reads the field names from the page's own
forms and from the view's source, and posts:

- every field at once set to each malformed value (text where a number or date is expected,
  an impossible date, a huge number, an overlong string, a NUL byte, nothing at all);
- the form as the page offers it, with one field at a time made malformed, so that the values
  reach the code behind the form's first checks.

Each request runs in a savepoint that is rolled back, so every request sees the same world.
"""

from __future__ import annotations

import datetime
import inspect
import re
from html.parser import HTMLParser

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.administration import actions as school_actions
from hechtwijzer.administration import invitations
from hechtwijzer.administration.models import RoleNotice
from hechtwijzer.behaviour import actions as behaviour_actions
from hechtwijzer.care import actions as care_actions
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.schools.models import Role
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.web.tests.test_url_policies import walk

MALFORMED = [
    "abc",
    "",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "x" * 5000,
    "a\x00b",
    "../../etc/passwd",
]

# Views the walk does not post to, each with the reason.
SKIPPED = {
    # Django's language switch: its own view, it only sets a cookie.
    "set_language",
    # The log-in steps after the password need the half-logged-in session of a real log-in;
    # test_login posts malformed codes to them.
    "login_code",
    "login_setup",
}


NOT_THE_PAGES = {"/accounts/logout/", "/i18n/setlang/"}


class _Forms(HTMLParser):
    """The POST forms of a page: their action and fields with the values the page offers."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            return
        fields = self._form["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, [])
                if "checked" in a:
                    fields[name].append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "file"):
                fields[name] = [a.get("value", "")]
        elif tag == "textarea":
            self._textarea = name
            fields[name] = [""]
        elif tag == "select":
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and ("selected" in a or not fields[self._select]):
            fields[self._select] = [a.get("value", "")]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] = [data]


_SOURCE_NAME = re.compile(r"""request\.POST(?:\.get|\.getlist|\[)\(?\s*["']([a-z_0-9]+)["']""")


def source_fields(callback) -> set[str]:
    """Field names the view reads from request.POST by name."""
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (OSError, TypeError):
        return set()
    return set(_SOURCE_NAME.findall(source))


class MalformedPostTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        today = timezone.localdate()
        cls.observation = observation_actions.log_observation(
            actor=w.carla, pupil=w.piet, signals=["quick_anger"], note="Boos bij de overgang."
        )
        cls.disclosure = observation_actions.log_observation(
            actor=w.carla, pupil=w.piet, signals=["discloses_harm"]
        )
        cls.concern = care_actions.raise_concern(
            actor=w.carla,
            pupil=w.piet,
            concern="Zorg om thuis.",
            observation_uids=[cls.observation.uid],
        )
        plan_actions.start_card(actor=w.carla, pupil=w.piet, period_start=today)
        plan_actions.add_own_measure(actor=w.carla, pupil=w.piet, text="Vaste plek bij de deur")
        cls.behaviour_card = behaviour_actions.start_card(
            actor=w.carla, pupil=w.piet, goals=["Ik wacht op mijn beurt"]
        )
        gym = school_actions.create_staff_member(
            actor=None,
            school=w.noord,
            username="gym",
            first_name="Gym",
            last_name="Test",
            email="",
            role=Role.TEACHER,
            password=PASSWORD,
            groups=[],
        ).user
        school_actions.grant_pupil_access(actor=w.carla, pupil=w.piet, user=gym, capacity="gym")
        # An open invitation link, and a role notice for carla (a second care coordinator).
        issued = invitations.reset_password(actor=w.dirk, membership=gym.memberships.get())
        cls.invitation_token = issued.link.rstrip("/").rsplit("/", 1)[1]
        school_actions.create_staff_member(
            actor=w.dirk,
            school=w.noord,
            username="ib2",
            first_name="Ib",
            last_name="Twee",
            email="",
            role=Role.CARE_COORDINATOR,
        )
        cls.notice = RoleNotice.objects.get(recipient=w.carla)
        cls.today = today
        # A care-team meeting with Piet on the agenda and a decision about him.
        cls.meeting = meeting_actions.create_meeting(
            actor=w.carla, school=w.noord, starts_at=timezone.now(), title="Zorgteam"
        )
        cls.agenda_item = meeting_actions.add_to_agenda(
            actor=w.carla, meeting=cls.meeting, pupil=w.piet
        )
        cls.meeting_decision = meeting_actions.add_decision(
            actor=w.carla, item=cls.agenda_item, what="Bellen", owner=w.carla, due_on=today
        )

    def url_for(self, route: str) -> str:
        """The route with every argument filled from the world."""
        w = self.w
        school_day = self.today
        while school_day.weekday() >= 5:  # the behaviour card is scored on school days
            school_day -= datetime.timedelta(days=1)
        if "meetings/items/" in route:
            uid = self.agenda_item.uid
        elif "meetings/decisions/" in route:
            uid = self.meeting_decision.uid
        elif "meetings/" in route:
            uid = self.meeting.uid
        elif "/concern/" in route:
            uid = self.disclosure.uid
        elif "safeguarding/" in route:
            uid = self.concern.uid
        elif "behaviour-card/archived" in route:
            uid = self.behaviour_card.uid
        else:
            uid = self.observation.uid
        values = {
            "<public_id:public_id>": w.piet.public_id,
            "<uuid:uid>": str(uid),
            "<isoday:day>": school_day.isoformat(),
            "<slug:part>": "morning",
            "<int64:goal>": "1",
            "<int64:number>": "1",
            "<int64:school_id>": str(w.noord.pk),
            "<int64:group_id>": str(w.group3.pk),
            "<slug:kind>": "signals",
            "<slug:code>": "quick_anger",
            "<str:token>": self.invitation_token,
            "<int64:notice_id>": str(self.notice.pk),
            "<int64:provider_id>": "1",  # a log-in service (single sign-on)
            "<int64:token_id>": "1",  # nobody's API token
            # The REST API's routes (django-ninja writes untyped placeholders; it validates
            # the values itself): a form post there answers 401 without a token.
            "<public_id>": w.piet.public_id,
            "<uid>": str(uid),
            "<group_id>": str(w.group3.pk),
            "<kind>": "signals",
        }
        path = route
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        assert "<" not in path, f"no value for an argument of {route}"
        return "/" + path

    def user_for(self, route: str) -> str:
        if "erase" in route or ("export" in route and "approve" not in route):
            return "dirk"  # the school administrator (the care coordinator approves exports)
        return "carla"  # the care coordinator: every other pupil permission

    def post(self, url, data):
        with transaction.atomic():
            response = self.client.post(url, data)
            transaction.set_rollback(True)
        return response

    def test_no_post_endpoint_answers_malformed_input_with_a_server_error(self):
        self.client.raise_request_exception = False
        walked, failures = [], []
        for view in walk():
            if view.admin_site is not None or view.name in SKIPPED:
                continue
            names = source_fields(view.callback)
            url = self.url_for(view.route)
            self.client.logout()
            assert self.client.login(username=self.user_for(view.route), password=PASSWORD)
            page = self.client.get(url)
            forms = _Forms()
            if page.status_code == 200 and "html" in page.get("Content-Type", ""):
                forms.feed(page.content.decode())
            if not names and not forms.forms:
                continue  # a page that takes no POST
            walked.append(view.name)
            # The page's own forms; the header's log-out and language forms are not its own
            # (posting to log-out would end the session the walk goes on with).
            own = [f for f in forms.forms if f["action"] not in NOT_THE_PAGES]
            for form in own or [{"action": "", "fields": {}}]:
                target = form["action"] or url
                fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
                every = sorted(names | set(fields))
                payloads = [dict.fromkeys(every, bad) for bad in MALFORMED]
                payloads += [{**fields, name: "abc"} for name in every]
                payloads += [{**fields, name: "99999999999999999999999"} for name in every]
                for data in payloads:
                    response = self.post(target, data)
                    if response.status_code >= 500:
                        failures.append(f"{view.name} {target} {sorted(data.items())[:6]}")
        assert len(walked) >= 20, walked  # the walk reached the project's forms
        by_view: dict[str, int] = {}
        for failure in failures:
            by_view[failure.split()[0]] = by_view.get(failure.split()[0], 0) + 1
        assert not failures, f"server errors {by_view}:\n" + "\n".join(failures[:40])
