"""`hechtwijzer generate`: a large fictional dataset for benchmarks (issue 8).

`scale` schools of `pupils_per_school` pupils with on average `observations_per_pupil`
observations each, plus staff, focus cards, care factors, safeguarding records and the audit
trail those would have left, written straight into the database with bulk inserts.

Design choices, and why:

- Each school comes from its own `random.Random(f"{seed}:{index}")` and nothing else (no
  database ids, no global state), so school 1 has the same shape at scale 1, 10 and 50 and a
  benchmark can compare its pages across scales.
- Speed: rows are built in memory per school and inserted with `bulk_create` in large
  batches; no `save()`, no `audit.record()`, one password hash for every account. Memory
  stays bounded because nothing of a school is kept once it is written.
- The whole run is one transaction: a failure leaves the database as it was.
- Rows mirror what the domain functions write (`observations.actions.log_observation`,
  `plans.actions.evaluate`, `care.actions.*`): the same copies on `ObservationSignal`, the same
  shape of evaluation `figures`, the same audit action names and details.
- Timestamps are those of the day the thing happened, not of the run: `auto_now(_add)` is
  switched off for the models whose dates pages depend on, while they are inserted.

Everything is fictional (names from `demo.schools`); schools are marked `is_demo`.
"""

from __future__ import annotations

import datetime
import itertools
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connections, models, router, transaction
from django.utils import timezone

from hechtwijzer import engine, holidays
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care.models import (
    ROUTE_STEPS,
    FactorKind,
    PupilFactor,
    SafeguardingConcern,
    SafeguardingRoute,
    SafeguardingStatus,
    SafeguardingStep,
)
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations.models import (
    Company,
    Informant,
    Moment,
    Observation,
    ObservationSignal,
    Setting,
)
from hechtwijzer.observations.profiles import counted_groups
from hechtwijzer.plans.models import (
    CardEntry,
    Decision,
    Evaluation,
    FocusCard,
    MeasureOutcome,
    Outcome,
    OwnMeasure,
)
from hechtwijzer.schools.models import (
    Group,
    Membership,
    Pupil,
    PupilAccessGrant,
    PupilStatus,
    Role,
    School,
    current_school_year,
    surname_sort_key,
)
from hechtwijzer.weeks import is_school_day

from .schools import FIRST_NAMES, LAST_NAMES, PASSWORD_ALPHABET

User = get_user_model()

BATCH_SIZE = 5000
DAYS = 365  # observations fall on the weekdays of the last year, up to today
MIN_PUPILS = 16  # one per group at least
DEFAULT_PUPILS = 400
DEFAULT_OBSERVATIONS = 50
# Where the pages' figures and the profile look; informants counted there (observations.charts).
SCHOOL_INFORMANTS = (Informant.GROUP_TEACHER, Informant.OTHER_STAFF, Informant.CARE_COORDINATOR)


# Enum values, once: `TextChoices.values` is rebuilt on every access, which shows at 1M rows.
SETTINGS = tuple(Setting.values)
COMPANIES = tuple(Company.values)
MOMENTS = tuple(Moment.values)
DECISIONS = tuple(Decision.values)
OUTCOMES = tuple(Outcome.values)

# The two largest tables go in through `insert_rows`, without model instances.
SIGNAL_COLUMNS = (
    "observation_id",
    "code",
    "pupil_id",
    "observed_on",
    "signal_group",
    "informant",
    "withdrawn",
)
AUDIT_COLUMNS = (
    "at",
    "user_id",
    "username",
    "role",
    "school_id",
    "action",
    "object_type",
    "object_id",
    "pupil_public_id",
    "details",
)


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain value tuples with multi-row INSERT statements.

    For the two tables with most rows (signal copies and audit entries: no encrypted fields,
    no keys needed back) this skips building a model instance and compiling SQL per row,
    which is most of bulk_create's cost. Values pass through each field's own
    `get_db_prep_save` where the backend needs it (dates, datetimes, JSON), so what lands in
    the database is what bulk_create would have written; rows per statement follow the
    backend's parameter limit, as in bulk_create.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    per_statement = max(1, min(1000, connection.ops.bulk_batch_size(fields, [None] * 1000)))
    quote = connection.ops.quote_name
    # Only identifiers from the model, quoted by the backend; values go as parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    simple = (models.CharField, models.IntegerField, models.BooleanField, models.ForeignKey)
    special = [(i, f.get_db_prep_save) for i, f in enumerate(fields) if not isinstance(f, simple)]
    full_sql = head + ", ".join([one] * per_statement)
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(iterator, per_statement)):
            params: list[Any] = []
            for row in batch:
                if special:
                    row = list(row)
                    for i, prep in special:
                        row[i] = prep(row[i], connection)
                params.extend(row)
            sql = full_sql if len(batch) == per_statement else head + ", ".join([one] * len(batch))
            cursor.execute(sql, params)


class GenerateError(Exception):
    """Bad options or a database that is not empty; the message is one line."""


# --- fictional texts --------------------------------------------------------------------------

SCHOOL_NAMES = [
    "De Linde",
    "De Regenboog",
    "De Wilgenhoek",
    "Het Kompas",
    "De Zonnebloem",
    "De Vlinder",
    "De Meidoorn",
    "De Kastanje",
    "De Springplank",
    "De Windroos",
    "Het Ooievaarsnest",
    "De Notenkraker",
    "De Boomgaard",
    "De Duinroos",
    "De Sterrenwacht",
    "De Toermalijn",
    "Het Klavertje",
    "De Wingerd",
    "De Vuurtoren",
    "Het Palet",
    "De Eikenhof",
    "De Waterlelie",
    "De Zeppelin",
    "De Bijenkorf",
    "De Horizon",
]
NL_PREFIX = "Basisschool"
BE_PREFIXES = ("Vrije Basisschool", "Gemeentelijke Basisschool", "Basisschool")

# Sixteen groups per school: (name, username part, age the pupils turn in the calendar year the
# school year ends). Dutch groups 1–8, two parallel classes each; Flemish 2nd and 3rd kleuterklas
# and the six leerjaren, two classes each.
NL_GROUPS = tuple(
    (f"Groep {grade}{letter}", f"groep{grade}{letter}", grade + 4)
    for grade in range(1, 9)
    for letter in "ab"
)
_BE_GRADES = [("2de kleuterklas", "kleuter2", 5), ("3de kleuterklas", "kleuter3", 6)] + [
    (f"{n}{'ste' if n == 1 else 'de'} leerjaar", f"leerjaar{n}", n + 6) for n in range(1, 7)
]
BE_GROUPS = tuple(
    (f"{name} {letter.upper()}", f"{user}{letter}", turns)
    for name, user, turns in _BE_GRADES
    for letter in "ab"
)

# Neutral, behaviour-only notes (no diagnoses, no names).
NOTES = [
    "Was bij het zelfstandig werken snel afgeleid door geluid op de gang.",
    "Kwam na de pauze moeilijk tot rust en liep twee keer naar de kapstok.",
    "Wilde niet voorlezen in de kring; keek vooral naar de grond.",
    "Zat de hele pauze alleen op het bankje bij de ingang.",
    "Werd boos toen de bal werd afgepakt; kwam zelf weer tot rust.",
    "Vroeg drie keer of de les bijna klaar was.",
    "Begon pas aan de taak na een tweede uitleg aan het tafeltje.",
    "Reageerde niet toen een klasgenoot vroeg om samen te werken.",
    "Zocht bij de invaller steeds lichamelijk contact.",
    "Had het werkblad na tien minuten nog niet aangeraakt.",
    "Gooide het potlood weg toen de eerste som niet lukte.",
    "Klampte zich bij het afscheid vast aan de ouder.",
    "Keek tijdens de instructie steeds naar de deur.",
    "Liep bij de overgang naar de gymles weg van de groep.",
    "Lachte niet mee met het kringspel en zei weinig.",
    "Was na het weekend stil en traag op gang.",
    "Pakte zonder te vragen spullen van een klasgenoot.",
    "Bleef bij het ophalen lang bij de deur staan.",
    "Had vandaag weinig zin in schrijven; kwam op gang na aanmoediging.",
    "Raakte in de war toen het rooster veranderde.",
]
REASONS = [
    "Veel onrust bij overgangen; we zoeken meer voorspelbaarheid.",
    "Trekt zich vaak terug; we willen het contact stap voor stap opbouwen.",
    "Zoekt veel bevestiging; we bieden vaste momenten van aandacht.",
    "",
]
SUMMARIES = [
    "Rustiger bij de start van de dag; overgangen blijven lastig.",
    "Weinig verandering; we passen twee maatregelen aan.",
    "Duidelijk minder signalen in de klas.",
    "Bespreken in het zorgoverleg.",
    "",
]
OWN_MEASURE_TEXTS = [
    "Vaste plek naast mij bij het in de rij staan.",
    "Elke ochtend een klein klusje samen met mij.",
    "Bij het afscheid van de ouder een vast ritueel.",
    "Een time-in hoek met een zandloper.",
    "Aan het eind van de dag samen terugkijken met een duim.",
]
OUTCOME_NOTES = ["Werkt vooral 's ochtends.", "Nog niet vaak genoeg gedaan.", ""]
FACTOR_NOTES = ["Uit het gesprek met de ouders.", "Gemeld door de vorige school.", ""]
CONCERNS = [
    "Blauwe plekken op de bovenarm gezien bij het omkleden voor de gymles.",
    "Vertelde in de kring dat er thuis vaak geschreeuwd wordt en dat het bang is.",
    "Verstijft bij het ophalen en wil niet mee naar huis.",
    "Komt herhaaldelijk zonder eten en in dezelfde kleren naar school.",
]
STEP_CONSULTED = ["Collega uit het zorgteam.", "Aandachtsfunctionaris.", "CLB-medewerker.", ""]
STEP_DECISIONS = [
    "Verder observeren en over twee weken opnieuw bespreken.",
    "Gesprek met de ouders plannen.",
    "Advies gevraagd; hulp wordt ingezet.",
    "",
]
REFERRALS = (
    "therapy_underlying_emotional_problems",
    "attachment_psychotherapy_child",
    "intensive_family_treatment",
)


# --- the catalog, in the form this module needs -----------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    signal_group: dict[str, str]  # signal code -> its catalog group
    groups: tuple[str, ...]  # the catalog's signal groups, in order (for evaluation figures)
    patterns: dict[str, tuple[str, ...]]  # pattern -> its signal codes
    everyday: tuple[str, ...]  # learning and concentration: common in every class
    card_measures: tuple[str, ...]  # sticordi_ codes, in card order
    measures_for: dict[str, tuple[str, ...]]  # signal code -> card measures that answer it
    risk: tuple[str, ...]
    risk_safeguarding: tuple[str, ...]
    protective: tuple[str, ...]


def _vocabulary() -> _Vocabulary:
    catalog = get_catalog()
    signal_group = {s.code: s.group for s in catalog.signals}
    patterns = {
        p.code: tuple(s.code for s in catalog.signals_for_pattern(p.code)) for p in catalog.patterns
    }
    patterns = {code: signals for code, signals in patterns.items() if len(signals) >= 3}
    everyday = tuple(
        sorted(
            {s.code for s in catalog.signals if s.group == "learning"}
            | ({"restless_chaotic", "tense_nervous", "withdrawn"} & set(signal_group))
        )
    )
    card = tuple(m for m in catalog.measures if m.code.startswith("sticordi_"))
    measures_for: dict[str, list[str]] = {}
    for measure in card:
        for code in measure.signal_codes:
            measures_for.setdefault(code, []).append(measure.code)
    return _Vocabulary(
        signal_group=signal_group,
        groups=tuple(counted_groups()),
        patterns=patterns,
        everyday=everyday,
        card_measures=tuple(m.code for m in card),
        measures_for={code: tuple(v) for code, v in measures_for.items()},
        risk=tuple(r.code for r in catalog.risk_factors if not getattr(r, "safeguarding", False)),
        risk_safeguarding=tuple(
            r.code for r in catalog.risk_factors if getattr(r, "safeguarding", False)
        ),
        protective=tuple(p.code for p in catalog.protective_factors),
    )


# --- options, checks, the run -----------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    scale: int
    seed: int = 1
    pupils_per_school: int = DEFAULT_PUPILS
    observations_per_pupil: int = DEFAULT_OBSERVATIONS

    def check(self) -> None:
        if self.scale < 1:
            raise GenerateError(f"--scale must be at least 1, not {self.scale}.")
        if self.pupils_per_school < MIN_PUPILS:
            raise GenerateError(
                f"--pupils-per-school must be at least {MIN_PUPILS} (one per group), "
                f"not {self.pupils_per_school}."
            )
        if self.observations_per_pupil < 0:
            raise GenerateError(
                f"--observations-per-pupil must be 0 or more, not {self.observations_per_pupil}."
            )


def check_empty() -> None:
    """Refuse a database that holds any school or any account: we only add to an empty one."""
    schools, users = School.objects.count(), User.objects.count()
    if schools or users:
        raise GenerateError(
            f"The database is not empty ({schools} schools, {users} users); "
            "generate only writes to an empty database, and nothing was changed."
        )


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))


@contextmanager
def _timestamps_as_given(*model_classes: type[models.Model]):
    """Let bulk_create keep the created_at/updated_at we set (the day it happened) instead of
    the moment of the run: auto_now(_add) would overwrite them in pre_save. Restored after."""
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
    try:
        for f, _now, _add in saved:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def generate(
    options: Options,
    *,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Generate the dataset into the (empty) database. Returns the manifest (see the command)."""
    options.check()
    started = time.monotonic()
    today = today or timezone.localdate()
    vocabulary = _vocabulary()
    password = new_password()
    password_hash = make_password(password)  # once: a slow hash per account would take minutes
    schools = []
    with (
        transaction.atomic(),
        _timestamps_as_given(
            Observation,
            FocusCard,
            Evaluation,
            PupilFactor,
            SafeguardingConcern,
            SafeguardingStep,
        ),
    ):
        check_empty()
        for index in range(1, options.scale + 1):
            schools.append(_SchoolBuilder(index, options, today, vocabulary, password_hash).build())
            if progress:
                progress(f"school {index}/{options.scale} done, {time.monotonic() - started:.1f} s")
        counts = table_counts()
    return {
        "scale": options.scale,
        "seed": options.seed,
        "password": password,
        "pupils_per_school": options.pupils_per_school,
        "observations_per_pupil": options.observations_per_pupil,
        "today": today.isoformat(),
        "schools": schools,
        "counts": counts,
        "seconds": round(time.monotonic() - started, 1),
    }


def table_counts() -> dict[str, int]:
    return {
        "schools": School.objects.count(),
        "groups": Group.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "pupils": Pupil.objects.count(),
        "access_grants": PupilAccessGrant.objects.count(),
        "observations": Observation.objects.count(),
        "observation_signals": ObservationSignal.objects.count(),
        "factors": PupilFactor.objects.count(),
        "safeguarding_concerns": SafeguardingConcern.objects.count(),
        "safeguarding_steps": SafeguardingStep.objects.count(),
        "focus_cards": FocusCard.objects.count(),
        "card_entries": CardEntry.objects.count(),
        "own_measures": OwnMeasure.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "measure_outcomes": MeasureOutcome.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


# --- one school -------------------------------------------------------------------------------


@dataclass
class _Obs:
    """An observation as drawn, before it becomes a row."""

    day: datetime.date
    codes: list[str]
    informant: str
    author: Any  # a User
    withdrawn: bool
    row: Observation | None = None


@dataclass
class _PupilPlan:
    pupil: Pupil
    group_index: int
    count: int = 0
    pattern: str | None = None
    preferred: tuple[str, ...] = ()
    observations: list[_Obs] = field(default_factory=list)


class _SchoolBuilder:
    def __init__(
        self,
        index: int,
        options: Options,
        today: datetime.date,
        vocabulary: _Vocabulary,
        password_hash: str,
    ) -> None:
        self.index = index
        self.options = options
        self.today = today
        self.v = vocabulary
        self.password_hash = password_hash
        # The school's one source of randomness: its shape depends on seed and index only.
        self.rng = random.Random(f"{options.seed}:{index}")  # noqa: S311  (fiction, not secrets)
        self.now = timezone.now()
        first = today - datetime.timedelta(days=DAYS - 1)
        self.days = [
            first + datetime.timedelta(days=n)
            for n in range(DAYS)
            if is_school_day(first + datetime.timedelta(days=n))
        ]
        self._afternoon: dict[datetime.date, datetime.datetime] = {}
        self.audit: list[tuple] = []  # rows for AUDIT_COLUMNS
        self.roles: dict[int, str] = {}  # user id -> role at this school

    # -- helpers

    def at(self, day: datetime.date, hour: int = 15, minute: int = 30) -> datetime.datetime:
        """An aware moment on `day` (local time), never later than now."""
        key = day
        base = self._afternoon.get(key)
        if base is None:
            base = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
            self._afternoon[key] = base
        return min(base + datetime.timedelta(hours=hour, minutes=minute), self.now)

    def log(self, *, at, user, action, pupil=None, object_type="", object_id="", details=None):
        """An audit entry as `audit.models.record` would write it (no request: no address)."""
        self.audit.append(
            (
                at,
                user.pk,
                user.username,
                self.roles.get(user.pk, ""),
                self.school.pk,
                action,
                object_type or ("pupil" if pupil is not None else ""),
                str(object_id or (pupil.public_id if pupil is not None else "")),
                pupil.public_id if pupil is not None else "",
                details or {},
            )
        )

    # -- the steps, in a fixed order (the random draws must not change between scales)

    def build(self) -> dict[str, Any]:
        self._school_and_groups()
        self._draw_pupils()
        self._draw_counts()
        self._staff()
        self._insert_pupils()
        self._grants()
        self._observations()
        self._safeguarding()
        self._factors()
        self._cards()
        self._reads()
        insert_rows(AuditEntry, AUDIT_COLUMNS, self.audit)
        return self._manifest()

    def _school_and_groups(self) -> None:
        rng, i = self.rng, self.index
        # Every third school Flemish (2, 5, 8, ...), so even two schools show both countries.
        self.country = "BE" if i % 3 == 2 else "NL"
        base = SCHOOL_NAMES[(i - 1) % len(SCHOOL_NAMES)]
        round_ = (i - 1) // len(SCHOOL_NAMES)
        name = f"{base} {round_ + 1}" if round_ else base
        prefix = NL_PREFIX if self.country == "NL" else rng.choice(BE_PREFIXES)
        self.school = School.objects.create(
            name=f"{prefix} {name} (synthetisch)", country=self.country, is_demo=True
        )
        self.year = current_school_year()
        self.group_specs = NL_GROUPS if self.country == "NL" else BE_GROUPS
        self.groups = Group.objects.bulk_create(
            Group(school=self.school, school_year=self.year, name=name)
            for name, _user, _turns in self.group_specs
        )

    def _draw_pupils(self) -> None:
        rng, total = self.rng, self.options.pupils_per_school
        per_group, extra = divmod(total, len(self.groups))
        self.plans: list[_PupilPlan] = []
        for g, (group, (_name, _user, turns)) in enumerate(
            zip(self.groups, self.group_specs, strict=True)
        ):
            for _ in range(per_group + (1 if g < extra else 0)):
                last = rng.choice(LAST_NAMES)
                born_year = self.year + 1 - turns
                born = datetime.date(born_year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
                pupil = Pupil(
                    school=self.school,
                    group=group,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=last,
                    sort_name=surname_sort_key(last),  # bulk_create skips Pupil.save()
                    date_of_birth=born,
                )
                self.plans.append(_PupilPlan(pupil=pupil, group_index=g))

    def _draw_counts(self) -> None:
        """Observation counts per pupil: a third none, most a few, some many, and one heavy
        pupil with 1,000–2,000 (a quarter of the school's total at most, for small runs)."""
        rng, plans = self.rng, self.plans
        total = len(plans) * self.options.observations_per_pupil
        self.heavy = rng.randrange(len(plans))
        heavy = min(rng.randint(1000, 2000), total // 4)
        weights = []
        for n, _plan in enumerate(plans):
            draw = rng.lognormvariate(0.0, 1.3)
            quiet = rng.random() < 1 / 3
            weights.append(0.0 if quiet or n == self.heavy else draw)
        rest = total - heavy
        counts = [0] * len(plans)
        cap = max(1, int(heavy * 0.8))
        if sum(weights) > 0:
            scale = rest / sum(weights)
            counts = [min(cap, int(w * scale)) for w in weights]
            # Hand out what rounding and the cap left over, one at a time, to pupils with
            # observations already (weighted), so the total is exact.
            open_ = [n for n, w in enumerate(weights) if w > 0 and counts[n] < cap]
            short = rest - sum(counts)
            while short > 0 and open_:
                for n in rng.choices(open_, [weights[n] for n in open_], k=short):
                    if counts[n] < cap and short > 0:
                        counts[n] += 1
                        short -= 1
                open_ = [n for n in open_ if counts[n] < cap]
        else:
            heavy = total  # nobody else: the heavy pupil gets it all
        counts[self.heavy] = heavy
        for plan, count in zip(plans, counts, strict=True):
            plan.count = count
        # The target group: the heavy pupil's. Its card pupil: the busiest other pupil there.
        self.target_group = plans[self.heavy].group_index
        mates = [n for n, p in enumerate(plans) if p.group_index == self.target_group]
        others = [n for n in mates if n != self.heavy]
        self.card_pupil = max(others, key=lambda n: (counts[n], -n)) if others else self.heavy
        # A few pupils left the school (not in the target group, which the benchmark reads).
        candidates = [n for n, p in enumerate(plans) if p.group_index != self.target_group]
        leaving = min(len(candidates), round(len(plans) * rng.uniform(0.01, 0.02)))
        self.left = set(rng.sample(candidates, leaving))
        for n in sorted(self.left):
            pupil = plans[n].pupil
            pupil.status = PupilStatus.LEFT
            pupil.left_on = rng.choice(self.days[len(self.days) // 3 :])
        # Each pupil's picture: a few preferred signals of one pattern, or everyday ones only.
        pattern_codes = sorted(self.v.patterns)
        for plan in plans:
            if rng.random() < 0.6:
                plan.pattern = rng.choice(pattern_codes)
                signals = self.v.patterns[plan.pattern]
                plan.preferred = tuple(rng.sample(signals, min(len(signals), rng.randint(3, 5))))

    def _staff(self) -> None:
        rng = self.rng
        key = f"s{self.index:03d}"
        users: list[Any] = []
        self.teachers: list[list[Any]] = []  # per group: its teachers, the first leads

        def user(username: str) -> Any:
            account = User(
                username=username,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=self.password_hash,
            )
            users.append(account)
            return account

        for _name, part, _turns in self.group_specs:
            duo = rng.random() < 0.2
            members = [user(f"{key}.{part}")]
            if duo:
                members.append(user(f"{key}.{part}.duo"))
            self.teachers.append(members)
        self.coordinator = user(f"{key}.{'ib' if self.country == 'NL' else 'zoco'}")
        self.admin = user(f"{key}.admin")
        self.gym = user(f"{key}.gym")
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        memberships = []
        links = []
        for g, members in enumerate(self.teachers):
            for teacher in members:
                membership = Membership(user=teacher, school=self.school, role=Role.TEACHER)
                memberships.append(membership)
                links.append((membership, self.groups[g]))
        memberships += [
            Membership(user=self.coordinator, school=self.school, role=Role.CARE_COORDINATOR),
            Membership(user=self.admin, school=self.school, role=Role.SCHOOL_ADMIN),
            # The gym teacher teaches no group; access to single pupils comes from grants.
            Membership(user=self.gym, school=self.school, role=Role.TEACHER),
        ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        through = Membership.groups.through
        through.objects.bulk_create(
            (through(membership_id=m.pk, group_id=g.pk) for m, g in links), batch_size=BATCH_SIZE
        )
        self.roles = {m.user.pk: m.role for m in memberships}

    def _insert_pupils(self) -> None:
        Pupil.objects.bulk_create([p.pupil for p in self.plans], batch_size=BATCH_SIZE)

    def _grants(self) -> None:
        """The gym teacher may log for about five pupils, given by the care coordinator."""
        rng = self.rng
        active = [n for n in range(len(self.plans)) if n not in self.left]
        self.granted = set(rng.sample(active, min(5, len(active))))
        PupilAccessGrant.objects.bulk_create(
            PupilAccessGrant(
                pupil=self.plans[n].pupil,
                user=self.gym,
                capacity="gymleerkracht" if self.country == "BE" else "vakleerkracht gym",
                granted_by=self.coordinator,
            )
            for n in sorted(self.granted)
        )

    def _draw_observation(self, n: int, plan: _PupilPlan, days: list[datetime.date]) -> _Obs:
        rng = self.rng
        codes: list[str] = []
        for _ in range(rng.choices((1, 2, 3), (55, 33, 12))[0]):
            pool = plan.preferred if plan.preferred and rng.random() < 0.65 else self.v.everyday
            code = rng.choice(pool)
            if code not in codes:
                codes.append(code)
        r = rng.random()
        teachers = self.teachers[plan.group_index]
        if r < 0.85 or (r < 0.92 and n not in self.granted):
            informant, author = Informant.GROUP_TEACHER, rng.choice(teachers)
        elif r < 0.92:
            informant, author = Informant.OTHER_STAFF, self.gym
        elif r < 0.96:
            informant, author = Informant.CARE_COORDINATOR, self.coordinator
        else:
            # A parent's report, recorded by the care coordinator.
            informant, author = Informant.PARENT, self.coordinator
        return _Obs(
            day=rng.choice(days),
            codes=codes,
            informant=informant,
            author=author,
            withdrawn=rng.random() < 0.01,
        )

    def _observations(self) -> None:
        rng = self.rng
        rows: list[Observation] = []
        for n, plan in enumerate(self.plans):
            pupil = plan.pupil
            days = self.days
            if pupil.left_on:
                days = [d for d in days if d <= pupil.left_on]
            drawn = sorted(
                (self._draw_observation(n, plan, days) for _ in range(plan.count)),
                key=lambda o: o.day,
            )
            plan.observations = drawn
            for obs in drawn:
                created = self.at(obs.day, 15, rng.randint(0, 59))
                setting = rng.choice(SETTINGS) if rng.random() < 0.85 else ""
                company = rng.choice(COMPANIES) if rng.random() < 0.75 else ""
                moment = rng.choice(MOMENTS) if rng.random() < 0.5 else ""
                note = rng.choice(NOTES) if rng.random() < 0.15 else ""
                withdrawn_at = created + datetime.timedelta(minutes=20) if obs.withdrawn else None
                obs.row = Observation(
                    pupil=pupil,
                    author=obs.author,
                    informant=obs.informant,
                    observed_on=obs.day,
                    setting=setting,
                    company=company,
                    moment=moment,
                    note=note,  # encrypted by EncryptedTextField.pre_save during bulk_create
                    created_at=created,
                    updated_at=withdrawn_at or created,
                    withdrawn_at=withdrawn_at,
                    withdrawn_by=obs.author if obs.withdrawn else None,
                    version=2 if obs.withdrawn else 1,
                )
                rows.append(obs.row)
        Observation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        # Signal rows carry copies of the observation's pupil, day, informant and withdrawal
        # and the catalog group, exactly as observations.actions._write_signals (and
        # withdraw_observation) leave them.
        group_of = self.v.signal_group
        insert_rows(
            ObservationSignal,
            SIGNAL_COLUMNS,
            (
                (
                    obs.row.pk,
                    code,
                    plan.pupil.pk,
                    obs.day,
                    group_of[code],
                    obs.informant,
                    obs.withdrawn,
                )
                for plan in self.plans
                for obs in plan.observations
                for code in obs.codes
            ),
        )
        for plan in self.plans:
            for obs in plan.observations:
                row = obs.row
                self.log(
                    at=row.created_at,
                    user=obs.author,
                    action="observation.create",
                    pupil=plan.pupil,
                    object_type="observation",
                    object_id=row.uid,
                    details={"signals": len(obs.codes), "informant": obs.informant},
                )
                if obs.withdrawn:
                    self.log(
                        at=row.withdrawn_at,
                        user=obs.author,
                        action="observation.withdraw",
                        pupil=plan.pupil,
                        object_type="observation",
                        object_id=row.uid,
                    )
        del rows

    def _safeguarding(self) -> None:
        """About 0.5 % of pupils (at least one per school), preferring disorganised pictures."""
        rng = self.rng
        wanted = max(1, round(len(self.plans) * 0.005))
        candidates = [
            n
            for n, p in enumerate(self.plans)
            if sum(1 for o in p.observations if not o.withdrawn) >= 3
        ]
        weights = [5 if self.plans[n].pattern == "disorganised" else 1 for n in candidates]
        chosen = _weighted_sample(rng, candidates, weights, wanted)
        self.safeguarded = set(chosen)
        route = SafeguardingRoute.NL_MELDCODE if self.country == "NL" else SafeguardingRoute.BE_CLB
        steps_of_route = [s for s in ROUTE_STEPS[route] if s != "other"]
        concerns, links, steps = [], [], []
        for n in chosen:
            plan = self.plans[n]
            usable = [o for o in plan.observations if not o.withdrawn]
            linked = rng.sample(usable, rng.randint(1, min(3, len(usable))))
            raised_on = min(
                max(o.day for o in linked) + datetime.timedelta(days=rng.randint(0, 4)), self.today
            )
            taken = rng.randint(1, len(steps_of_route))
            closed = taken == len(steps_of_route) and rng.random() < 0.4
            done, day = [], raised_on
            for code in steps_of_route[:taken]:
                day = min(day + datetime.timedelta(days=rng.randint(1, 10)), self.today)
                done.append((code, day))
            created = self.at(raised_on, 16, 0)
            concern = SafeguardingConcern(
                pupil=plan.pupil,
                route=route,
                raised_by=self.coordinator,
                raised_on=raised_on,
                concern=rng.choice(CONCERNS),
                status=SafeguardingStatus.CLOSED if closed else SafeguardingStatus.OPEN,
                closed_on=done[-1][1] if closed else None,
                created_at=created,
                updated_at=self.at(done[-1][1], 16, 30),
                version=1 + len(done) + (1 if closed else 0),
            )
            concerns.append(concern)
            links.append((concern, linked))
            self.log(
                at=created,
                user=self.coordinator,
                action="safeguarding.raise",
                pupil=plan.pupil,
                object_type="safeguarding_concern",
                object_id=concern.uid,
                details={"route": route, "observations": len(linked)},
            )
            for number, (code, day) in enumerate(done, start=1):
                steps.append(
                    SafeguardingStep(
                        concern=concern,
                        step=code,
                        done_on=day,
                        consulted=rng.choice(STEP_CONSULTED),
                        decision=rng.choice(STEP_DECISIONS),
                        recorded_by=self.coordinator,
                        created_at=self.at(day, 16, 30),
                    )
                )
                self.log(
                    at=self.at(day, 16, 30),
                    user=self.coordinator,
                    action="safeguarding.step",
                    pupil=plan.pupil,
                    object_type="safeguarding_concern",
                    object_id=concern.uid,
                    details={"route": route, "step": code, "steps": number},
                )
            if closed:
                self.log(
                    at=self.at(done[-1][1], 16, 45),
                    user=self.coordinator,
                    action="safeguarding.close",
                    pupil=plan.pupil,
                    object_type="safeguarding_concern",
                    object_id=concern.uid,
                )
        SafeguardingConcern.objects.bulk_create(concerns)
        for step in steps:
            step.concern_id = step.concern.pk  # the concern got its key only now
        SafeguardingStep.objects.bulk_create(steps)
        through = SafeguardingConcern.observations.through
        through.objects.bulk_create(
            through(safeguardingconcern_id=concern.pk, observation_id=o.row.pk)
            for concern, linked in links
            for o in linked
        )

    def _factors(self) -> None:
        """Risk and protective factors for about 12 % of pupils, by the care coordinator."""
        rng = self.rng
        chosen = sorted(rng.sample(range(len(self.plans)), round(len(self.plans) * 0.12)))
        rows = []
        for n in chosen:
            plan = self.plans[n]
            risks = rng.sample(self.v.risk, rng.randint(1, 4))
            if n in self.safeguarded and rng.random() < 0.5:
                risks.append(rng.choice(self.v.risk_safeguarding))
            protective = rng.sample(self.v.protective, rng.randint(0, 3))
            for kind, code in [(FactorKind.RISK, c) for c in risks] + [
                (FactorKind.PROTECTIVE, c) for c in protective
            ]:
                noted = rng.choice(self.days) if rng.random() < 0.7 else None
                created = self.at(noted or self.days[0], 16, 15)
                factor = PupilFactor(
                    pupil=plan.pupil,
                    kind=kind,
                    code=code,
                    noted_on=noted,
                    note=rng.choice(FACTOR_NOTES),
                    recorded_by=self.coordinator,
                    created_at=created,
                )
                rows.append(factor)
                self.log(
                    at=created,
                    user=self.coordinator,
                    action="factor.create",
                    pupil=plan.pupil,
                    object_type="factor",
                    object_id=factor.uid,
                    details={"kind": kind, "code": code},
                )
        PupilFactor.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def _figures(self, plan: _PupilPlan, start: datetime.date, end: datetime.date) -> dict:
        """plans.actions.signal_figures, computed from the drawn observations (the engine's
        version 2 figures with the school's holidays; the school has no region: every
        region's holidays count)."""
        counted: Counter[tuple[datetime.date, str]] = Counter()
        for obs in plan.observations:
            if obs.withdrawn or obs.informant not in SCHOOL_INFORMANTS:
                continue
            for code in obs.codes:
                counted[(obs.day, self.v.signal_group[code])] += 1
        return engine.signal_figures(
            [(day, group, n) for (day, group), n in counted.items()],
            start=start,
            end=end,
            groups=list(self.v.groups),
            holidays=holidays.for_school(self.country),
            covered=holidays.COVERED,
        )

    def _card_measures(self, plan: _PupilPlan) -> list[str]:
        """3–10 card measures, most of them answering the pupil's own signals."""
        rng = self.rng
        fitting = sorted(
            {
                m
                for code in plan.preferred + self.v.everyday
                for m in self.v.measures_for.get(code, ())
            }
        )
        wanted = rng.randint(3, 10)
        picked = rng.sample(fitting, min(len(fitting), wanted - 1)) if fitting else []
        rest = [m for m in self.v.card_measures if m not in picked]
        picked += rng.sample(rest, wanted - len(picked))
        order = {code: i for i, code in enumerate(self.v.card_measures)}
        return sorted(picked, key=order.__getitem__)

    def _cards(self) -> None:
        """Focus cards for about 6 % of pupils, busier pupils more likely; the target group's
        card pupil always, with at least one evaluated version before the open one."""
        rng = self.rng
        active = [n for n in range(len(self.plans)) if n not in self.left and n != self.card_pupil]
        wanted = max(0, round(len(self.plans) * 0.06) - 1)
        busy = [self.plans[n].count + 1 for n in active]
        chosen = [self.card_pupil, *_weighted_sample(rng, active, busy, wanted)]
        cards, entries, owns, evaluations, outcomes, co_teachers = [], [], [], [], [], []
        for n in chosen:
            plan = self.plans[n]
            pupil = plan.pupil
            teachers = self.teachers[plan.group_index]
            teacher = teachers[0]
            versions = rng.choice((1, 1, 2, 2, 3, 4))
            if n == self.card_pupil:
                versions = max(2, versions)
            # Periods, built backwards from the open version.
            weeks = [rng.randint(5, 8) for _ in range(versions)]
            if rng.random() < 0.25:  # overdue: the open version's date has passed
                due = self.today - datetime.timedelta(days=rng.randint(1, 21))
                start = due - datetime.timedelta(weeks=weeks[-1])
            else:
                start = self.today - datetime.timedelta(days=rng.randint(0, 4 * 7))
                due = start + datetime.timedelta(weeks=weeks[-1])
                if due <= self.today:
                    due = self.today + datetime.timedelta(days=rng.randint(1, 14))
            periods = [(start, due)]
            for length in reversed(weeks[:-1]):
                evaluated_on = periods[0][0]  # the next version starts on the evaluation day
                prev_due = evaluated_on - datetime.timedelta(days=rng.randint(0, 3))
                periods.insert(0, (prev_due - datetime.timedelta(weeks=length), prev_due))
            measures = self._card_measures(plan)
            own_texts = rng.sample(OWN_MEASURE_TEXTS, rng.randint(0, 2))
            previous: FocusCard | None = None
            previous_entries: list[CardEntry] = []
            previous_owns: list[OwnMeasure] = []
            reason = rng.choice(REASONS)
            for number, (period_start, evaluation_due) in enumerate(periods, start=1):
                is_open = number == len(periods)
                evaluated_on = None if is_open else periods[number][0]
                created = self.at(period_start, 15, 45)
                card = FocusCard(
                    pupil=pupil,
                    number=number,
                    period_start=period_start,
                    evaluation_due=evaluation_due,
                    author=teacher,
                    reason=reason,
                    created_at=created,
                    updated_at=self.at(evaluated_on, 16, 0) if evaluated_on else created,
                    closed_at=self.at(evaluated_on, 16, 0) if evaluated_on else None,
                )
                cards.append(card)
                co_teachers += [(card, t) for t in teachers[1:]]
                self.log(
                    at=created,
                    user=teacher,
                    action="focuscard.create",
                    pupil=pupil,
                    object_type="focuscard",
                    object_id=card.uid,
                    details={"version": number},
                )
                # Rows: the previous version's, as evaluate() copies them, adjusted a little.
                if previous is not None and rng.random() < 0.5:
                    keep = measures[: max(3, len(measures) - 1)]
                    extra = [m for m in self.v.card_measures if m not in keep]
                    measures = sorted(
                        keep + ([rng.choice(extra)] if len(keep) < 10 else []),
                        key=self.v.card_measures.index,
                    )
                card_entries = []
                for code in measures:
                    column = rng.random()
                    entry = CardEntry(
                        card=card,
                        measure_code=code,
                        doing=column < 0.5 or column > 0.85,
                        trying=column >= 0.5,
                        note=rng.choice(OUTCOME_NOTES) if rng.random() < 0.1 else "",
                    )
                    card_entries.append(entry)
                entries += card_entries
                card_owns = [
                    OwnMeasure(card=card, text=text, doing=True, trying=False, position=p)
                    for p, text in enumerate(own_texts)
                ]
                owns += card_owns
                if previous is not None:
                    self._evaluate(
                        previous,
                        previous_entries,
                        previous_owns,
                        plan,
                        teacher,
                        evaluated_on=period_start,
                        next_due=evaluation_due,
                        evaluations=evaluations,
                        outcomes=outcomes,
                    )
                previous, previous_entries, previous_owns = card, card_entries, card_owns
        FocusCard.objects.bulk_create(cards, batch_size=BATCH_SIZE)
        for row in entries + owns + evaluations:
            row.card_id = row.card.pk
        CardEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        OwnMeasure.objects.bulk_create(owns, batch_size=BATCH_SIZE)
        through = FocusCard.co_teachers.through
        through.objects.bulk_create(
            through(focuscard_id=card.pk, user_id=user.pk) for card, user in co_teachers
        )
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH_SIZE)
        for outcome in outcomes:
            outcome.evaluation_id = outcome.evaluation.pk
            if outcome.own_measure is not None:
                outcome.own_measure_id = outcome.own_measure.pk
        MeasureOutcome.objects.bulk_create(outcomes, batch_size=BATCH_SIZE)

    def _evaluate(
        self, card, entries, owns, plan, teacher, *, evaluated_on, next_due, evaluations, outcomes
    ) -> None:
        """The evaluation that closed `card`, as plans.actions.evaluate records it."""
        rng = self.rng
        decision = rng.choices(DECISIONS, (45, 35, 12, 8))[0]
        evaluation = Evaluation(
            card=card,
            evaluated_on=evaluated_on,
            evaluated_by=teacher,
            decision=decision,
            referrals=[rng.choice(REFERRALS)] if decision == Decision.REFER else [],
            next_evaluation=next_due,
            summary=rng.choice(SUMMARIES),
            figures=self._figures(plan, card.period_start, evaluated_on),
            created_at=self.at(evaluated_on, 16, 0),
        )
        evaluations.append(evaluation)
        weights = (35, 35, 15, 15)
        for entry in entries:
            if entry.doing or entry.trying:  # measures_tried: rows with a tick
                outcomes.append(
                    MeasureOutcome(
                        evaluation=evaluation,
                        measure_code=entry.measure_code,
                        outcome=rng.choices(OUTCOMES, weights)[0],
                        note=rng.choice(OUTCOME_NOTES),
                    )
                )
        for own in owns:
            outcomes.append(
                MeasureOutcome(
                    evaluation=evaluation,
                    measure_code="",
                    own_measure=own,
                    outcome=rng.choices(OUTCOMES, weights)[0],
                )
            )
        self.log(
            at=self.at(evaluated_on, 16, 0),
            user=teacher,
            action="focuscard.evaluate",
            pupil=plan.pupil,
            object_type="focuscard",
            object_id=card.uid,
            details={"version": card.number, "decision": decision, "next": card.number + 1},
        )

    def _reads(self) -> None:
        """About one `pupil.view` per two observations, busier pupils read more often, by their
        teacher mostly and by the care coordinator."""
        rng = self.rng
        total = sum(p.count for p in self.plans) // 2
        if not total:
            return
        picks = rng.choices(range(len(self.plans)), [p.count + 1 for p in self.plans], k=total)
        for n in picks:
            plan = self.plans[n]
            viewer = (
                rng.choice(self.teachers[plan.group_index])
                if rng.random() < 0.75
                else self.coordinator
            )
            day = rng.choice(self.days)
            if plan.pupil.left_on and day > plan.pupil.left_on:
                day = plan.pupil.left_on
            self.log(
                at=self.at(day, rng.randint(8, 16), rng.randint(0, 59)),
                user=viewer,
                action="pupil.view",
                pupil=plan.pupil,
            )

    def _manifest(self) -> dict[str, Any]:
        heavy = self.plans[self.heavy]
        card = self.plans[self.card_pupil]
        mates = [
            p
            for n, p in enumerate(self.plans)
            if p.group_index == self.target_group
            and n not in (self.heavy, self.card_pupil)
            and n not in self.left
        ]
        quiet = sorted(mates, key=lambda p: p.count)[:5]
        return {
            "id": self.school.pk,
            "name": self.school.name,
            "country": self.country,
            "coordinator": self.coordinator.username,
            "admin": self.admin.username,
            "target": {
                "group_id": self.groups[self.target_group].pk,
                "teacher": self.teachers[self.target_group][0].username,
                "heavy_pupil": heavy.pupil.public_id,
                "heavy_pupil_observations": heavy.count,
                "card_pupil": card.pupil.public_id,
                "quiet_pupils": [p.pupil.public_id for p in quiet],
            },
        }


def _weighted_sample(rng: random.Random, items: list, weights: list, k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight
    (Efraimidis–Spirakis), in a deterministic order."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in zip(items, weights, strict=True) if w > 0),
        reverse=True,
    )
    return [i for _key, i in keyed[:k]]
