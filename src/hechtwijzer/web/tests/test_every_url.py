"""Every URL of the project, with malformed path values, odd headers and odd charsets, for
several personas: a 4xx or a normal page, never a 500, and no row written anywhere.

test_malformed_posts.py posts malformed form values to every form; this walk works on what
comes before the form: the path, the headers and the body's encoding.

- The URL configuration is the list (the admin's too): each route's converters are filled
  with a valid value from a world where every kind of record exists (privacy.tests.seed),
  then each argument in turn with malformed values: numbers past the database's integer
  range, digits of other scripts, well-formed ids of nothing or of another school's pupil,
  days at the ends of the calendar, impossible dates, huge strings, a NUL, a path escape.
  GET and POST.
- The valid URL with odd requests: a Host outside ALLOWED_HOSTS (400), an odd
  Accept-Language, an htmx request, a junk language cookie and query string, form bodies in a
  charset other than UTF-8 or a broken multipart body (400).
- Personas: a malformed path value is sent by the one who may use the page (the care
  coordinator, or the school administrator for the admin, the erasure and the export), so it
  reaches the view, and once more by the next persona in turn; the odd requests go in turn
  to anonymous, a teacher, the care coordinator, the school administrator and a teacher of
  the other school. Deterministic, so a failure repeats. Every malformed value reaches every
  converter kind on the first route that has it; the other routes get, per argument, one of
  the values their kind is most likely to mishandle and one more in turn, and one odd
  request in turn besides the foreign Host, which keeps the walk to a few seconds.
- No row is written: after each route, every table's content (every model's rows, many-to-
  many tables included) is compared with before. Left out, each with its reason: the audit
  trail (it records reads and refused lookups, by design), the sessions (the idle clock and
  the messages live there) and django-axes' records of failed log-ins.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from urllib.parse import quote

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, TestCase
from django.utils import timezone

from hechtwijzer.accounts.twofactor import unconfirmed_device
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.behaviour.models import BehaviourCard
from hechtwijzer.care.models import SafeguardingConcern
from hechtwijzer.meetings import actions as meeting_actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.privacy.tests.seed import fill_pupil
from hechtwijzer.schools.models import Pupil
from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.web.tests.test_url_policies import walk

PERSONAS = (None, "anna", "carla", "dirk", "erik")  # None: not logged in

# Path values, each malformed for some converter: a number past the database's integer range
# (and the largest it holds), digits of other scripts, a wrong id of the right shape, the
# ends of the calendar, an impossible date, huge and odd strings.
MALFORMED_PATH = [
    "9" * 30,
    str(2**63),
    str(2**63 - 1),
    "\u0663",  # ٣, int() reads it as 3
    "\uff11",  # １, int() reads it as 1
    "-1",
    "0",
    "aaaaaaaaaaaaaaaa",  # a public id of nobody
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "00000000-0000-0000-0000-000000000000",
    "x" * 3000,
    "a\x00b",
    "../../etc/passwd",
    "ÿ%",
]
OTHER_SCHOOL = "<the public id of a pupil of the other school>"
# The values each converter kind is most likely to mishandle: every route of the kind gets
# them, plus one more from MALFORMED_PATH in turn.
KIND_VALUES = {
    "int64": ["9" * 30, str(2**63)],
    "int": ["9" * 30, str(2**63)],
    "isoday": ["0001-01-01", "9999-12-31"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
    "public_id": ["aaaaaaaaaaaaaaaa", OTHER_SCHOOL],
    "slug": ["x" * 3000],
    "str": ["x" * 3000, "a\x00b"],
    "path": ["9" * 30, "\u0663"],
}

# A form body for the malformed POSTs: the names forms use, with values no form accepts.
JUNK_FORM = {
    "version": "\u0663",
    "lock_version": "9" * 30,
    "observed_on": "0001-01-01",
    "period_start": "0001-01-01",
    "evaluation_due": "9999-12-31",
    "user": "\uff11",
    "revoke": "9" * 30,
    "measure": "urn:uuid:00000000-0000-0000-0000-000000000000",
    "signals": "x" * 3000,
    "note": "a\x00b",
}

ODD_GETS = [
    {"HTTP_ACCEPT_LANGUAGE": "xx-ÿÿ;q=abc, *;q=2, " + "a" * 500},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "\x00"},
    # Sent by a client of its own: the answer's cookies must not replace a persona's session.
    {"HTTP_COOKIE": "django_language=../../x; sessionid=%00", "client": "fresh"},
    # Percent-encoded as a server passes it on (a WSGI environ holds latin-1 strings only).
    {"QUERY_STRING": "week=0001-01-01&weeks=%D9%A3&q=%FF" + "x" * 3000 + "&next=//evil.example/"},
]
# Form bodies that are not UTF-8, or do not parse: refused before any view (400).
ODD_BODIES = [
    ("application/x-www-form-urlencoded; charset=unknown-8bit", b"note=caf\xe9"),
    ("application/x-www-form-urlencoded; charset=latin-1", b"note=caf\xe9"),
    ("application/x-www-form-urlencoded", b"note=%ff%fe"),
    ("multipart/form-data", b"--xx\r\nno boundary given"),
]

# Tables whose rows requests write by design, each with the reason.
WRITTEN_BY_DESIGN = {
    # Every change also writes its own table, which is watched.
    "audit.auditentry": "the audit trail records reads and refused lookups",
    "sessions.session": "the idle clock and the messages live in the session",
    "axes.accessattempt": "django-axes records failed log-ins",
    "axes.accesslog": "django-axes records log-ins",
    "axes.accessfailurelog": "django-axes records failed log-ins",
}

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def watched_models():
    """Every model (automatic many-to-many tables included) but those written by design."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in WRITTEN_BY_DESIGN
    ]


def table_digests() -> dict[str, str]:
    """A digest of every watched table's rows: any insert, update or delete changes it."""
    return {
        model._meta.label_lower: hashlib.sha256(
            repr(list(model._base_manager.order_by("pk").values_list())).encode()
        ).hexdigest()
        for model in watched_models()
    }


def table_counts() -> tuple:
    """Rows and highest primary key of every watched table, in one query: cheap enough to
    take after every route (the digests, which also see updates, are taken around the walk)."""
    quote = connection.ops.quote_name
    models = watched_models()
    parts = []
    for model in models:
        # Names from the models' metadata, quoted by the backend; no input reaches the query.
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX({pk}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    labels = [m._meta.label_lower for m in models]
    return tuple(zip(labels, zip(row[0::2], row[1::2], strict=True), strict=True))


class EveryUrlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        fill_pupil(w.piet, author=w.anna, coordinator=w.carla, other=w.bram)
        # The two-step page keeps the secret being set up from its first visit on: made here,
        # so the walk's visits find it and write nothing.
        for persona in PERSONAS[1:]:
            unconfirmed_device(getattr(w, persona))
        cls.observation = Observation.objects.filter(pupil=w.piet).first()
        cls.concern = SafeguardingConcern.objects.filter(pupil=w.piet).first()
        cls.behaviour_card = BehaviourCard.objects.filter(pupil=w.piet).first()
        # A care-team meeting with Piet on the agenda and a decision about him.
        cls.meeting = meeting_actions.create_meeting(
            actor=w.carla, school=w.noord, starts_at=timezone.now(), title="Zorgteam"
        )
        cls.agenda_item = meeting_actions.add_to_agenda(
            actor=w.carla, meeting=cls.meeting, pupil=w.piet
        )
        cls.meeting_decision = meeting_actions.add_decision(
            actor=w.carla,
            item=cls.agenda_item,
            what="Bellen",
            owner=w.carla,
            due_on=timezone.localdate(),
        )

    def setUp(self):
        self.clients = {}
        for persona in PERSONAS:
            client = Client()
            client.raise_request_exception = False  # a 500 is an answer here, as in a browser
            if persona:
                assert client.login(username=persona, password=PASSWORD)
            self.clients[persona] = client
        self.turn = 0

    def client_in_turn(self) -> Client:
        self.turn += 1
        return self.clients[PERSONAS[self.turn % len(PERSONAS)]]

    @staticmethod
    def reaching(route: str) -> str:
        """The persona who may use the route's page, so a malformed value reaches its view:
        the school administrator for the admin, the erasure and the export, else the care
        coordinator (every other permission on every pupil of the school)."""
        if route.startswith("admin") or "erase" in route or "export" in route:
            return "dirk"
        return "carla"

    def valid_value(self, route: str, converter: str | None, name: str) -> str:
        w = self.w
        school_day = timezone.localdate()
        while school_day.weekday() >= 5:
            school_day -= datetime.timedelta(days=1)
        if name == "uid":
            if "meetings/items/" in route:
                return str(self.agenda_item.uid)
            if "meetings/decisions/" in route:
                return str(self.meeting_decision.uid)
            if "meetings/" in route:
                return str(self.meeting.uid)
            if "safeguarding/" in route:
                return str(self.concern.uid)
            if "behaviour-card" in route:
                return str(self.behaviour_card.uid)
            return str(self.observation.uid)
        if name == "object_id":
            match = re.match(r"admin/(\w+)/(\w+)/", route)
            model = apps.get_model(match[1], match[2]) if match else Pupil
            first = model._base_manager.order_by("pk").first()
            return str(first.pk if first else 1)
        return {
            "public_id": w.piet.public_id,
            "day": school_day.isoformat(),
            "part": "morning",
            "goal": "1",
            "number": "1",
            "school_id": str(w.noord.pk),
            "group_id": str(w.group3.pk),
            "kind": "signals",
            "code": "quick_anger",
            "content_type_id": str(ContentType.objects.get_for_model(Pupil).pk),
            "app_label": "schools",
            "token": "an-invitation-nobody-was-sent",
            "notice_id": "1",
            "provider_id": "1",  # a school's log-in service (single sign-on)
            "token_id": "1",  # an API token (api/urls.py): nobody's here
            "url": "nothing-here/",
        }[name]

    def fill(self, route: str, values: dict[int, str]) -> str:
        """The route with argument i set to values[i] (percent-encoded), the rest valid."""
        counter = iter(range(1000))

        def substitute(match):
            i = next(counter)
            if i in values:
                value = self.w.zoe.public_id if values[i] == OTHER_SCHOOL else values[i]
                return quote(value, safe="")
            name = match["name"] or match["group"]
            return quote(self.valid_value(route, match["converter"], name), safe="")

        # A regular-expression route (the admin's app index) is anchored inside its prefix.
        path = _PLACEHOLDER.sub(substitute, route).replace("^", "").rstrip("$")
        assert not re.search(r"[<>()^$]", path), f"could not fill {route}: {path}"
        return "/" + path

    def request(self, method: str, url: str, client: Client | str | None = None, **extra):
        if client == "fresh":
            client = Client()
            client.raise_request_exception = False
        client = client or self.client_in_turn()
        if method == "post":
            return client.post(url, JUNK_FORM, **extra)
        return client.get(url, **extra)

    def test_no_url_answers_odd_input_with_a_server_error_or_a_write(self):
        failures, written, walked = [], [], 0
        seen_kinds: set[str] = set()
        audit_before = AuditEntry.objects.count()
        digests = table_digests()
        counts = table_counts()
        for index, view in enumerate(walk()):
            route = view.route
            if view.name == "logout":
                continue  # it would end the personas' sessions; test_login covers it
            slots = list(_PLACEHOLDER.finditer(route))
            cases: list[tuple[str, str, dict]] = []
            # Malformed path values, one argument at a time, by the persona who may use the
            # page (so the value reaches the view), and once by the next persona in turn.
            capable = self.clients[self.reaching(route)]
            for i, slot in enumerate(slots):
                kind = slot["converter"] or slot["group"]
                if kind in KIND_VALUES and kind not in seen_kinds:
                    seen_kinds.add(kind)
                    chosen = KIND_VALUES[kind] + MALFORMED_PATH
                else:
                    at = index + i
                    chosen = (KIND_VALUES.get(kind) or MALFORMED_PATH)[at % 2 :][:1]
                    chosen.append(MALFORMED_PATH[at % len(MALFORMED_PATH)])
                for value in chosen:
                    url = self.fill(route, {i: value})
                    cases += [("get", url, {"client": capable}), ("post", url, {"client": capable})]
                cases.append(("get", self.fill(route, {i: chosen[-1]}), {}))
            # The valid URL with a Host outside ALLOWED_HOSTS, and in turn odd headers, a junk
            # query string or a body in another charset.
            url = self.fill(route, {})
            cases.append(("get", url, {"HTTP_HOST": "evil.example", "expect": 400}))
            odd = (ODD_GETS + ODD_BODIES)[index % (len(ODD_GETS) + len(ODD_BODIES))]
            if isinstance(odd, dict):
                cases.append(("get", url, odd))
            else:
                cases.append(("body", url, {"content_type": odd[0], "body": odd[1]}))
            for method, target, extra in cases:
                extra = dict(extra)
                expect = extra.pop("expect", None)
                # Each request in a savepoint, as a request of its own would be: a database
                # error in one (a 500) does not break the ones after it. What a request writes
                # stays, for the count below.
                with transaction.atomic():
                    if method == "body":
                        client = self.client_in_turn()
                        response = client.generic(
                            "POST", target, extra["body"], extra["content_type"]
                        )
                        expect = 400
                    else:
                        response = self.request(method, target, **extra)
                walked += 1
                status = response.status_code
                if status >= 500 or (expect is not None and status != expect):
                    extra.pop("client", None)
                    failures.append(f"{status} {method.upper()} {target[:120]} {extra}"[:300])
            # The walk itself: every persona is still logged in, or the rest would test less.
            for persona in PERSONAS[1:]:
                assert "_auth_user_id" in self.clients[persona].session, (persona, route)
            now = table_counts()
            if now != counts:
                written.append(f"{route}: {sorted(set(now) - set(counts))}")  # (rows, top pk)
                counts = now
        assert walked > 700, walked  # the walk reached the whole URL configuration
        assert {"public_id", "int64", "uuid", "isoday", "slug", "path"} <= seen_kinds
        assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:40])
        assert not written, "rows written by malformed requests:\n" + "\n".join(written)
        now = table_digests()
        changed = sorted(label for label in now if now[label] != digests[label])
        assert not changed, f"rows changed by malformed requests: {changed}"
        assert AuditEntry.objects.count() > audit_before  # refusals were recorded


def test_the_project_routes_take_ids_as_int64_not_int():
    # Django's `int` matches any run of digits; `int64` (web/converters.py) only what the
    # database holds, so an overlong id is a 404 before any query or audit entry.
    plain = [view.route for view in walk() if view.admin_site is None and "<int:" in view.route]
    assert not plain, plain
