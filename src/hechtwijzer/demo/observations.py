"""Demo observations and care factors: about ten weeks of what the staff of a demo school noticed.

Most pupils have nothing logged, or one to three everyday signals scattered over the weeks
(concentration, a restless afternoon, a test that caused nerves). A handful have a clear picture
that builds up over several weeks, each of a different kind, so that every overview and profile
has something real to show:

- `disinhibited`: seeks contact with every adult, crosses boundaries, impulsive, quickly
  frustrated;
- `inhibited`: withdrawn and listless, fends off contact, hypervigilant (with one observation by
  the care coordinator herself);
- `avoidant`: over-adapted, pseudo-independent, "fine", hardly reacts to reunion;
- `ambivalent`: clinging, claiming, angry, strong reactions to separation (with two reports from
  the parents, recorded by the care coordinator);
- `disorganised` (in one school only): freezes, approaches and stops, seems afraid at pick-up.
  The teacher passed the fear at pick-up on and the care coordinator recorded a decision, so
  the safeguarding record has a worked example;
- `learning`: only learning signals (fear of failure, planning), which is no pattern at all;
- `disclosure` (Dutch school) and `neglect` (Flemish school): a direct safety concern logged
  this week and passed on by the teacher, waiting for the care coordinator's decision;
- `watch`: one freeze during the fire drill, one moment of being overwhelmed: kept an eye on,
  no level.

What the safeguarding rules make of it (docs/safeguarding.md) is part of each picture and
tested: consult today for the disclosure, the neglect and the fear of a parent; map the
signals for a persistent type picture without a recorded explanation (the Dutch school's
disinhibited pupil, the Flemish school's inhibited pupil); nothing but "keep an eye on" for
the single moments.

Everything is fictional and describes behaviour only: no diagnoses, no real people. The notes
are Dutch (neutral enough for Flanders too). All writes go through the domain functions
(`observations.actions.log_observation`, `care.actions.record_factor`) with the group's own
teacher or the school's care coordinator as actor, so access checks and audit entries are real.
Given the same `rng` seed, pupil order and `today`, the result is the same (apart from ids).
"""

# The scripted scenes below are a table: one line each, long notes included.
# ruff: noqa: E501

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from hechtwijzer.care.actions import pass_on_concern, record_factor, record_step
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Company, Informant, Moment, Observation, Setting
from hechtwijzer.observations.profiles import concern_signals
from hechtwijzer.schools.models import Membership, Pupil, Role, School
from hechtwijzer.weeks import latest_school_day, previous_school_day

from .cycle import cycle_pupil


def _as_if_logged_on(observation: Observation, day: datetime.date) -> None:
    """Date the demo observation as logged that afternoon, so that, as in real use, only
    today's observations can still be corrected or withdrawn by their author."""
    logged = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
    Observation.objects.filter(pk=observation.pk).update(created_at=logged)


def _as_if_recorded_on(row: Any, day: datetime.date) -> None:
    """Date a demo concern or step as recorded late that afternoon, after the observation it
    rests on (the care coordinator's list compares these moments)."""
    recorded = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
    type(row).objects.filter(pk=row.pk).update(created_at=recorded)


WEEKS = 10
SCHOOL_DAYS = WEEKS * 5

# Who logs a scene: the pupil's group teacher, the care coordinator herself, or the care
# coordinator recording what a parent told her.
TEACHER = "teacher"
COORDINATOR = "coordinator"
PARENT = "parent"

S, F = Setting.STRUCTURED, Setting.FREE
A, P = Company.ADULT, Company.PEERS
TRANSITION, BREAK, SUBSTITUTE, AFTER_WEEKEND, OTHER = (
    Moment.TRANSITION,
    Moment.BREAK,
    Moment.SUBSTITUTE,
    Moment.AFTER_WEEKEND,
    Moment.OTHER,
)


@dataclass(frozen=True)
class Scene:
    """One scripted observation. `back` counts school days before the last school day up to
    `today` (0 is that day); `note` may name the pupil as `{naam}`."""

    back: int
    signals: tuple[str, ...]
    note: str
    setting: str = ""
    company: str = ""
    moment: str = ""
    by: str = TEACHER


@dataclass(frozen=True)
class Decision:
    """The care coordinator's step on a passed-on concern, `after` school days later."""

    after: int
    step: str  # a step code of the school's route (care.models.ROUTE_STEPS)
    consulted: str
    decision: str


@dataclass(frozen=True)
class Picture:
    key: str
    indication: str | None  # the pattern the engine indicates on `today`; None: none at all
    level: str | None  # the safeguarding level on `today` (engine.CONSULT_NOW / MAP_SIGNALS)
    group: int  # in which of the school's groups, youngest first (clinging suits the young)
    scenes: tuple[Scene, ...]
    # The teacher passes the picture's direct safety concern on (its last such scene), and
    # the care coordinator may record a decision on it.
    passed_on: bool = False
    decision: Decision | None = None
    watched: tuple[str, ...] = ()  # signals on the "keep an eye on" list on `today`


def _scene(
    back: int,
    signals: str,
    note: str,
    setting: str = "",
    company: str = "",
    moment: str = "",
    by: str = TEACHER,
) -> Scene:
    """A scene with its signal codes written as one space-separated string."""
    return Scene(back, tuple(signals.split()), note, setting, company, moment, by)


# fmt: off
DISINHIBITED = Picture(
    "disinhibited",
    indication="disinhibited",
    # Five weeks of most of the type's features: with no recorded explanation (the Flemish
    # school records the adoption), the signals are to be mapped and the care history asked.
    level="map_signals",
    group=0,
    scenes=(
        _scene(44, "indiscriminate_contact", "Liep bij het hek meteen op een onbekende moeder af en pakte haar hand.", F, A, OTHER),
        _scene(38, "impulsive concentration", "Riep tijdens de instructie steeds door de klas en was na vijf minuten niet meer met de taak bezig.", S, P),
        _scene(33, "boundary_crossing", "Ging bij de invaljuf op schoot zitten en bleef aan haar haren zitten, ook toen zij vroeg om te stoppen.", S, A, SUBSTITUTE),
        _scene(29, "easily_frustrated", "Gooide het werkblad weg toen de eerste som niet lukte.", S),
        _scene(24, "indiscriminate_contact boundary_crossing", "Zei na een uur tegen de stagiaire dat ze nu beste vrienden waren en wilde met haar mee naar huis.", F, A),
        _scene(19, "fleeting_contacts", "Had deze week elke pauze een ander 'beste vriendje'; niemand speelt lang mee.", F, P, BREAK),
        _scene(15, "impulsive", "Bij de overgang naar de gymles liep {naam} weg en rende door de gang.", S, P, TRANSITION),
        _scene(10, "easily_frustrated impulsive", "Verloor bij een spelletje en schopte meteen tegen de stoel van een klasgenoot.", F, P, BREAK),
        _scene(6, "indiscriminate_contact", "Gaf een onbekende vader bij het hek een knuffel en vertelde hem over thuis.", F, A, OTHER),
        _scene(2, "boundary_crossing concentration", "Pakte zonder te vragen spullen uit het bureau van de leerkracht; kwam daarna niet meer tot werken.", S, A),
    ),
)

INHIBITED = Picture(
    "inhibited",
    indication="inhibited",
    level="map_signals",  # as the disinhibited picture; the Dutch school records foster care
    group=1,
    scenes=(
        _scene(46, "withdrawn", "Zat de hele pauze alleen op het bankje bij de ingang.", F, P, BREAK),
        _scene(37, "withdrawn_listless", "Kwam moe binnen, hing over de tafel en keek voor zich uit.", S, moment=AFTER_WEEKEND),
        _scene(31, "rejects_contact", "Draaide zich weg toen een klasgenoot vroeg om samen te werken en zei 'laat me'.", S, P),
        _scene(26, "hypervigilant", "Schrok hevig toen de deur dichtsloeg en hield de deur daarna de hele les in de gaten.", S),
        _scene(21, "apathetic_no_crying", "Viel op het plein en schaafde een knie open; huilde niet en kwam niet om hulp.", F, P, BREAK),
        _scene(16, "withdrawn_listless plays_joyless", "Deed mee met het kringspel, maar lachte niet en zei niets.", S, P),
        _scene(13, "hypervigilant rejects_contact", "Observatie in de klas tijdens rekenen: keek steeds naar de deur en reageerde niet toen de buur iets vroeg.", S, P, by=COORDINATOR),
        _scene(11, "rejects_contact hypervigilant", "Wilde bij de invaller niet naar voren komen en bleef met de rug tegen de muur staan.", S, A, SUBSTITUTE),
        _scene(7, "withdrawn_listless", "Na het weekend stil en traag; kwam de hele ochtend niet op gang.", S, moment=AFTER_WEEKEND),
        _scene(3, "hypervigilant", "Keek tijdens het dictee telkens om als er iemand over de gang liep.", S),
    ),
)

AVOIDANT = Picture(
    "avoidant",
    indication="avoidant",
    level=None,
    group=2,
    scenes=(
        _scene(42, "over_adapted", "Ruimt altijd als eerste op en vraagt nooit iets; valt in de klas nauwelijks op.", S),
        _scene(34, "pseudo_independent", "Liep vast bij de opdracht maar vroeg geen hulp: 'ik kan het zelf'.", S, A),
        _scene(27, "suppresses_fear", "Haalde bij de brandoefening de schouders op, terwijl de handen trilden.", moment=OTHER),
        _scene(20, "object_focused", "Ging na binnenkomst meteen aan het werk en keek niet op toen de leerkracht goedemorgen zei.", S, A, TRANSITION),
        _scene(14, "no_reunion_response", "De eigen leerkracht was een week afwezig; bij de terugkomst reageerde {naam} nauwelijks en tekende gewoon door.", S, A),
        _scene(9, "avoids_contact pseudo_independent", "Schoof een stukje op toen de leerkracht naast {naam} kwam zitten om te helpen; 'hoeft niet'.", S, A),
        _scene(4, "over_adapted", "Maakt alles netjes af en zegt steeds 'het is goed'; vraagt niets voor zichzelf.", S),
    ),
)

AMBIVALENT = Picture(
    "ambivalent",
    indication="ambivalent",
    level=None,
    group=0,
    scenes=(
        _scene(45, "physically_clingy", "Hing bij binnenkomst aan de arm van de leerkracht en wilde niet loslaten.", S, A, TRANSITION),
        _scene(39, "claims_contact", "Kwam tijdens het zelfstandig werken vijf keer naar het bureau met 'ik snap het niet', ook bij werk dat {naam} wel kan.", S, A),
        _scene(32, "strong_separation_reaction", "Huilde lang bij het afscheid aan de klasdeur; pas na een kwartier rustig.", S, A, TRANSITION),
        _scene(25, "clings_and_angry", "Wilde per se naast de leerkracht zitten en werd boos toen dat niet kon, maar bleef wel dicht in de buurt.", S, A),
        _scene(22, "two_faces", "Ouders vertellen in het gesprek dat {naam} thuis veel driftbuien heeft; op school zien we vooral aanhankelijkheid.", by=PARENT),
        _scene(18, "attract_repel_peers", "Claimde de hele ochtend één klasgenoot en duwde die in de pauze weg.", F, P, BREAK),
        _scene(12, "watches_caregiver claims_contact", "Hield de leerkracht steeds in de gaten en kwam meteen kijken als die met een ander kind praatte.", S, A),
        _scene(8, "quick_anger", "Werd heel boos op de invaller toen het vaste plekje bij de deur bezet was.", S, A, SUBSTITUTE),
        _scene(6, "strong_separation_reaction clings_and_angry", "Vader meldt dat {naam} 's avonds niet alleen wil gaan slapen en boos wordt als hij de kamer uitgaat.", by=PARENT),
        _scene(5, "physically_clingy strong_separation_reaction", "Klampte zich bij het afscheid vast aan moeder en daarna aan de leerkracht.", S, A, AFTER_WEEKEND),
    ),
)

DISORGANISED = Picture(
    "disorganised",
    indication="disorganised",
    level="consult_now",
    group=1,
    passed_on=True,
    decision=Decision(
        2,
        "consult",
        "Aandachtsfunctionaris (intern begeleider) en de groepsleerkracht.",
        "Signalen verder in kaart brengen; gesprek met de ouders gepland. Na drie weken opnieuw wegen.",
    ),
    scenes=(
        _scene(43, "restless_chaotic", "Liep tijdens het werken steeds rond en gooide de spullen op tafel door elkaar.", S, P),
        _scene(36, "approach_then_stops", "Kwam met een tekening naar de leerkracht, bleef halverwege staan en liep terug naar de plek.", S, A),
        _scene(30, "freezes", "Verstijfde toen de leerkracht onverwacht naast {naam} kwam staan; reageerde een halve minuut niet.", S, A),
        _scene(23, "switches_strategy", "Wisselde bij een ruzie op het plein binnen een minuut van lachen naar schoppen naar wegkruipen.", F, P, BREAK),
        _scene(17, "fears_caregiver", "Bleef bij het ophalen bij de deur staan, keek naar de grond en ging pas mee na lang aandringen.", F, A, TRANSITION),
        _scene(13, "overwhelmed_by_emotion", "Raakte bij een kleine tegenvaller in paniek en was twintig minuten niet aanspreekbaar.", S),
        _scene(8, "freezes approach_then_stops", "Kwam bij de invaller naar voren, stopte abrupt en bleef stokstijf staan.", S, A, SUBSTITUTE),
        _scene(3, "restless_chaotic switches_strategy", "Erg onrustig; zocht de leerkracht afwisselend op en duwde die weer weg.", S, A, AFTER_WEEKEND),
    ),
)

LEARNING = Picture(
    "learning",
    indication=None,
    level=None,
    group=2,
    scenes=(
        _scene(41, "fear_of_failure", "Durfde niet aan de toets te beginnen en gumde de eerste som drie keer uit.", S),
        _scene(33, "planning_time", "Wist na de uitleg van de weektaak niet wat eerst moest; kwam niet verder dan de eerste opdracht.", S),
        _scene(26, "math_difficulties", "Loopt vast bij het splitsen; telt nog veel op de vingers.", S),
        _scene(19, "fear_of_failure variable_motivation", "Gaf bij de nieuwe lesstof meteen op: 'ik kan dit toch niet'.", S),
        _scene(12, "planning_time", "Raakte in de war toen het rooster veranderde en vroeg de hele ochtend wanneer het pauze was.", S, moment=OTHER),
        _scene(5, "fear_of_failure", "Wilde het dictee niet inleveren uit angst voor fouten.", S),
        _scene(1, "cause_effect", "Begreep niet waarom het werk na de pauze nog af moest, ook al was het vooraf afgesproken.", S),
    ),
)

DISCLOSURE = Picture(
    "disclosure",
    indication=None,
    level="consult_now",
    group=2,
    passed_on=True,
    scenes=(
        _scene(21, "tense_nervous", "Gespannen na het weekend; at de hele ochtend niets.", S, moment=AFTER_WEEKEND),
        _scene(1, "discloses_harm afraid_to_go_home", "Vertelde na de kring dat stiefvader gisteren heel boos was en hem tegen de kast had geduwd; wilde na school niet naar huis. Letterlijk: 'als ik thuiskom is hij weer boos'.", F, A),
    ),
)

NEGLECT = Picture(
    "neglect",
    indication=None,
    level="consult_now",
    group=1,
    passed_on=True,
    scenes=(
        _scene(9, "concentration", "Viel tijdens het lezen bijna in slaap.", S),
        _scene(2, "signs_of_neglect", "Kwam deze week drie keer zonder eten en zonder jas naar school; vroeg een klasgenoot om een boterham.", F, P, BREAK),
    ),
)

WATCH = Picture(
    "watch",
    indication=None,
    level=None,
    group=0,
    watched=("freezes", "overwhelmed_by_emotion"),
    scenes=(
        _scene(24, "freezes", "Verstijfde bij het alarm van de brandoefening en liep pas mee toen de leerkracht de hand gaf.", moment=OTHER),
        _scene(6, "overwhelmed_by_emotion", "Raakte helemaal overstuur toen de toren van blokken omviel; was een kwartier niet te troosten.", F, P),
    ),
)

# Everyday signals: none of them, nor any three of them, make up an indication.
EVERYDAY = (
    _scene(0, "concentration", "Was bij het zelfstandig werken snel afgeleid door het geluid op de gang.", S),
    _scene(0, "concentration", "Droomde weg tijdens de instructie en moest de opdracht opnieuw horen.", S, A),
    _scene(0, "restless_chaotic", "Erg onrustig na de gymles; kon moeilijk weer gaan zitten.", S, P, TRANSITION),
    _scene(0, "restless_chaotic", "Wiebelde de hele les op de stoel en liep twee keer naar de kapstok.", S),
    _scene(0, "tense_nervous", "Beet tijdens de toets op de nagels en keek steeds naar de klok.", S),
    _scene(0, "variable_motivation", "Had vandaag geen zin in schrijven; kwam pas na aanmoediging op gang.", S),
    _scene(0, "fear_of_failure", "Wilde niet voorlezen in de kring, bang om fouten te maken.", S, P),
    _scene(0, "math_difficulties", "Liep vast bij het klokkijken; halve uren lukken nog niet.", S),
    _scene(0, "careless_materials", "Potlood en gum weer kwijt; de leesmap heeft een gescheurde kaft.", S),
    _scene(0, "low_interest", "'Maakt niet uit' bij het kiezen van een onderwerp voor de spreekbeurt.", S, A),
    _scene(0, "quick_anger", "Werd boos bij het voetballen toen de bal werd afgepakt; kwam zelf weer tot rust.", F, P, BREAK),
    _scene(0, "withdrawn", "Speelde de hele pauze alleen met stoepkrijt.", F, P, BREAK),
    _scene(0, "planning_time", "Was niet op tijd klaar met de weektaak; wist niet goed wat eerst moest.", S),
    _scene(0, "tense_nervous", "Gespannen na het weekend; vroeg twee keer of mama zeker zou komen ophalen.", S, A, AFTER_WEEKEND),
)
# How many everyday observations a pupil without a picture gets, and how likely each count is.
EVERYDAY_COUNTS = (0, 1, 2, 3)
EVERYDAY_WEIGHTS = (50, 30, 14, 6)
# fmt: on


@dataclass(frozen=True)
class Factor:
    picture: str
    kind: str  # "risk" or "protective" (care.models.FactorKind)
    code: str
    back: int  # school days before the last school day: when it was noted
    note: str


# Per demo school (its key in demo.schools): which pictures, and which factors for whom. Each
# school has one pupil with a parent-level risk and one with a child-level risk that a
# parent-level protective factor could offset, and one recorded explanation of a type picture
# (foster care, adoption). No safeguarding risk factors: the safety concerns come from what
# teachers saw and heard.
# fmt: off
PLAN: dict[str, tuple[tuple[Picture, ...], tuple[Factor, ...]]] = {
    "fluitekruid": (
        (DISINHIBITED, INHIBITED, AVOIDANT, AMBIVALENT, DISORGANISED, LEARNING, DISCLOSURE, WATCH),
        (
            Factor("inhibited", "risk", "foster_care", 30, "Woont sinds groep 1 in een pleeggezin."),
            Factor("inhibited", "protective", "warm_stable_parenting", 30, "Pleegouders zijn warm en voorspelbaar en komen trouw naar de gesprekken."),
            Factor("disorganised", "risk", "partner_conflict", 15, "Ouders vertellen over veel spanning en ruzie thuis; ze staan open voor hulp."),
        ),
    ),
    "klaproos": (
        (DISINHIBITED, INHIBITED, AVOIDANT, AMBIVALENT, LEARNING, NEGLECT, WATCH),
        (
            Factor("disinhibited", "risk", "adoption", 35, "Op jonge leeftijd geadopteerd."),
            Factor("disinhibited", "protective", "sensitive_responsive_parents", 35, "Ouders zijn betrokken en stemmen goed af op wat {naam} nodig heeft."),
            Factor("ambivalent", "risk", "parent_unresolved_grief", 20, "Moeder verloor vorig jaar haar eigen moeder en heeft het daar nog moeilijk mee."),
        ),
    ),
}
# fmt: on


def school_days(today: datetime.date, count: int = SCHOOL_DAYS) -> list[datetime.date]:
    """The last `count` weekdays up to `today`, newest first (no holiday calendar)."""
    day = latest_school_day(today)
    days = []
    while len(days) < count:
        days.append(day)
        day = previous_school_day(day)
    return days


# The shared scenes are written in a Dutch school's words; a Flemish school's staff would write
# them in theirs (hechtwijzer.words), so its copy of the fictional notes says them so.
FLEMISH_NOTES = (
    ("de hele pauze", "de hele speeltijd"),
    ("elke pauze", "elke speeltijd"),
    ("in de pauze", "tijdens de speeltijd"),
    ("na de pauze", "na de speeltijd"),
    ("het pauze was", "het speeltijd was"),
    ("de invaljuf", "de interimaris"),
    ("de invaller", "de interimaris"),
)


def in_school_words(note: str, country: str) -> str:
    """A demo note as the school's own staff would write it."""
    if country == "BE":
        for dutch, flemish in FLEMISH_NOTES:
            note = note.replace(dutch, flemish)
    return note


def add_observations(
    school: School, key: str, *, today: datetime.date, rng: random.Random
) -> dict[str, Pupil]:
    """Log about ten weeks of observations (and a few care factors) for a demo school.

    Call once, right after the school's groups, pupils and staff were created. Returns the
    pupils that got a clear picture, by picture key (see the module docstring).
    """
    pictures, factors = PLAN[key]
    days = school_days(today)
    coordinator = (
        Membership.objects.select_related("user")
        .get(school=school, role=Role.CARE_COORDINATOR)
        .user
    )
    # group id -> its teacher; one user object per teacher, so the access cache is shared
    teachers: dict[int, Any] = {}
    for membership in (
        Membership.objects.filter(school=school, role=Role.TEACHER)
        .select_related("user")
        .prefetch_related("groups")
        .order_by("pk")
    ):
        for group in membership.groups.all():
            teachers.setdefault(group.pk, membership.user)
    by_group: dict[int, list[Pupil]] = {}
    for pupil in Pupil.objects.filter(school=school).order_by("pk"):
        by_group.setdefault(pupil.group_id, []).append(pupil)
    group_ids = sorted(by_group)

    # One pupil per picture, with first names that differ (the random names do repeat).
    chosen: dict[str, Pupil] = {}
    for picture in pictures:
        taken = {p.first_name for p in chosen.values()}
        candidates = by_group[group_ids[min(picture.group, len(group_ids) - 1)]]
        chosen[picture.key] = rng.choice([p for p in candidates if p.first_name not in taken])

    def log(pupil: Pupil, scene: Scene, day: datetime.date) -> Observation:
        actor = teachers[pupil.group_id] if scene.by == TEACHER else coordinator
        observation = actions.log_observation(
            actor=actor,
            pupil=pupil,
            signals=scene.signals,
            observed_on=day,
            setting=scene.setting,
            company=scene.company,
            moment=scene.moment,
            note=in_school_words(scene.note, school.country).format(naam=pupil.first_name),
            informant=Informant.PARENT if scene.by == PARENT else None,
        )
        _as_if_logged_on(observation, day)
        return observation

    for picture in pictures:
        pupil = chosen[picture.key]
        concern_scene = None
        for scene in picture.scenes:
            # A day or two of play keeps the schools apart; the pictures stay well in the
            # window. A direct safety concern keeps its day: it is this week's.
            jitter = 0 if picture.passed_on else rng.randint(0, 2)
            day = days[min(scene.back + jitter, len(days) - 1)]
            observation = log(pupil, scene, day)
            if concern_signals(observation):
                concern_scene = (observation, day, scene.back)
        if picture.passed_on and concern_scene is not None:
            observation, day, back = concern_scene
            teacher = teachers[pupil.group_id]
            concern = pass_on_concern(actor=teacher, observation=observation)
            _as_if_recorded_on(concern, day)
            type(concern).objects.filter(pk=concern.pk).update(raised_on=day)
            concern.raised_on = day
            if picture.decision is not None:
                decided = days[max(0, back - picture.decision.after)]
                step = record_step(
                    actor=coordinator,
                    concern=concern,
                    expected_version=concern.version,
                    step=picture.decision.step,
                    done_on=decided,
                    consulted=picture.decision.consulted,
                    decision=picture.decision.decision,
                )
                _as_if_recorded_on(step, decided)

    pictured = {p.pk for p in chosen.values()}
    # The care-cycle pupil's observations are scripted (demo.cycle): it draws its everyday ones
    # like every pupil, so that the others' stay the same, but they are not logged.
    scripted = cycle_pupil(school)
    for pupil in (p for group_id in group_ids for p in by_group[group_id]):
        if pupil.pk in pictured:
            continue
        count = rng.choices(EVERYDAY_COUNTS, EVERYDAY_WEIGHTS)[0]
        backs = sorted(rng.sample(range(len(days)), count), reverse=True)
        for scene, back in zip(rng.sample(EVERYDAY, count), backs, strict=True):
            if scripted is None or pupil.pk != scripted.pk:
                log(pupil, scene, days[back])

    for factor in factors:
        pupil = chosen[factor.picture]
        record_factor(
            actor=coordinator,
            pupil=pupil,
            kind=factor.kind,
            code=factor.code,
            noted_on=days[factor.back],
            note=factor.note.format(naam=pupil.first_name),
        )
    return chosen
