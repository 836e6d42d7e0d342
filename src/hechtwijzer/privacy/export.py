"""The access export (the pupil's right of access, AVG/GDPR art. 15), written for parents.

What it includes is decided per model by one written rule, `RULES`, in three parts:

- `record`, the pupil record: name, date of birth, school and group, status, the retention
  period, holds on deletion and which other staff were given access. Always included.
- `care`, the care record: observations, risk and protective factors, focus cards with their
  measures and evaluations, behaviour cards and day programmes, notes included. Only when a
  care coordinator of the school approved it (`ExportApproval.include_care`).
- `safeguarding`, the safeguarding record: concerns with their route steps, the observations of
  a direct safety signal or that a concern rests on, and the risk factors that point to
  maltreatment, neglect or domestic violence. Only when a care coordinator included it after
  weighing it, with a reason (`SafeguardingChoice.INCLUDE`); the Meldcode allows withholding
  what would endanger the child. Withheld and absent look the same in the export.

A model about pupils without a rule (added later) is shown as plain fields in the care part, so
it is never shown without approval and never silently missing; a test fails until it gets a
rule. Left out everywhere: internal ids and versions, usernames (staff appear by name), staff
IP addresses, refusals and the export's own bookkeeping on the audit trail, snapshots and
figures derived from the observations (`profile_at_start`, `figures`: the observations they
come from are in the export), and the approvals themselves (the school's internal decision,
on the audit trail).

The same structure is the printable page (labels in the reader's language, dates as people
write them) and the JSON download (`as_json`: codes kept beside their labels, ISO dates; shape
in docs/access-export.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hechtwijzer import engine
from hechtwijzer.audit.models import AuditEntry, is_read
from hechtwijzer.catalog import get_catalog
from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.schools.models import Pupil, Role

from .actions import erase_after
from .graph import pupil_models
from .models import ExportApproval
from .trail import SAFEGUARDING_ACTIONS

FORMAT = "hechtwijzer.access-export"
FORMAT_VERSION = 2

RECORD, CARE, SAFEGUARDING = "record", "care", "safeguarding"
PART_TITLES = {
    RECORD: gettext_lazy("Pupil record"),
    CARE: gettext_lazy("Care record"),
    SAFEGUARDING: gettext_lazy("Safeguarding record"),
}


# --- the rule ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class F:
    """One exported field: its JSON key, its label, where the value comes from (a model field
    name, default `key`, or a function of the row) and, for catalog codes, the catalog kind."""

    key: str
    label: Any = None  # default: the model field's verbose name
    source: str | Callable[[Any], Any] | None = None
    catalog: str | Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Rule:
    part: str | None  # None: never exported (with `why`)
    key: str = ""
    title: Any = ""
    item: Any = ""  # the heading of one row, formatted with the rows' field texts
    fields: tuple[F, ...] = ()
    parent: str = ""  # a child's key to its parent row: shown inside the parent
    order: str = ""  # the field rows are shown in (default: as stored)
    # Top-level rows that belong to the safeguarding record although the model is care.
    safeguarding: Callable[[Any, Context], bool] | None = None
    safeguarding_key: str = ""
    safeguarding_title: Any = ""
    why: str = ""


@dataclass
class Context:
    """What the rules need to know about the pupil, loaded once."""

    safety_signals: frozenset[str]
    safeguarding_observations: set[int] = field(default_factory=set)


def _observation_is_safeguarding(row: Any, context: Context) -> bool:
    return row.pk in context.safeguarding_observations


def _factor_is_safeguarding(row: Any, context: Context) -> bool:
    item = get_catalog().by_code["risk_factors"].get(row.code) if row.kind == "risk" else None
    return bool(item and item.safeguarding)


def _referral_is_safeguarding(row: Any, context: Context) -> bool:
    return bool(row.include_safeguarding or row.consent_exception)


def _factor_kind(row: Any) -> str:
    return "risk_factors" if row.kind == "risk" else "protective_factors"


def _outcome_measure(row: Any) -> Any:
    if row.own_measure_id:
        return row.own_measure.text
    return _Coded("measures", row.measure_code)


def _meeting_day(row: Any) -> datetime.datetime:
    return row.meeting.starts_at


def _day_parts(row: Any) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in row.parts()]


def _card_number(row: Any) -> int | None:
    return row.card.number if row.card_id else None


def _linked_days(row: Any) -> list[datetime.date]:
    return sorted(o.observed_on for o in row.observations.all())


@dataclass(frozen=True)
class _Coded:
    kind: str
    code: str


RULES: dict[str, Rule] = {
    # The pupil record.
    "privacy.RetentionHold": Rule(
        RECORD,
        "holds",
        gettext_lazy("Holds on deletion"),
        gettext_lazy("Hold placed on %(placed_on)s"),
        (
            F("placed_on", gettext_lazy("placed on"), "placed_at"),
            F("placed_by", gettext_lazy("placed by")),
            F("reason"),
        ),
    ),
    "schools.PupilAccessGrant": Rule(
        RECORD,
        "access",
        gettext_lazy("Other staff given access"),
        "%(staff_member)s",
        (
            F("staff_member", gettext_lazy("staff member"), "user"),
            F("capacity"),
            F("since", gettext_lazy("since"), "granted_at"),
            F("granted_by", gettext_lazy("given by")),
        ),
    ),
    "privacy.ExportApproval": Rule(
        None, why="the school's own decision on what an export includes; on the audit trail"
    ),
    "readlinks.ReadLink": Rule(
        RECORD,
        "read_links",
        gettext_lazy("Read links given out"),
        gettext_lazy("Read link made on %(made_on)s"),
        (
            F("made_on", gettext_lazy("made on"), "created_at"),
            F("document", gettext_lazy("document"), "kind"),
            F("recipient"),
            F("made_by", gettext_lazy("made by"), "created_by"),
            F("expires_at"),
            F("revoked_on", gettext_lazy("revoked on"), "revoked_at"),
            F("views", gettext_lazy("times opened")),
        ),
        order="created_at",
    ),
    # The hidden tables behind many-to-many fields: shown as the field of their model.
    "plans.FocusCard_co_teachers": Rule(None, why="shown as the focus card's co-teachers"),
    "care.SafeguardingConcern_observations": Rule(
        None, why="shown as the days of the observations a concern rests on"
    ),
    "referrals.Referral_observations": Rule(
        None, why="shown as the days of the observations a referral summary includes"
    ),
    # The care record.
    "observations.Observation": Rule(
        CARE,
        "observations",
        gettext_lazy("Observations"),
        gettext_lazy("Observation of %(day)s"),
        (
            F("day", gettext_lazy("day"), "observed_on"),
            F("informant", gettext_lazy("from")),
            F("logged_by", gettext_lazy("logged by"), "author"),
            F("setting"),
            F("company"),
            F("moment"),
            F("note"),
            F("withdrawn_on", gettext_lazy("withdrawn on"), "withdrawn_at"),
            F("withdraw_reason"),
            F("withdraw_explanation"),
        ),
        safeguarding=_observation_is_safeguarding,
        safeguarding_key="safeguarding_observations",
        safeguarding_title=gettext_lazy(
            "Observations about the pupil's safety, or that a concern rests on"
        ),
        order="observed_on",
    ),
    "observations.ObservationSignal": Rule(
        CARE,
        "signals",
        gettext_lazy("Signals"),
        fields=(F("signal", gettext_lazy("signal"), "code", catalog="signals"),),
        parent="observation",
    ),
    "care.PupilFactor": Rule(
        CARE,
        "factors",
        gettext_lazy("Risk and protective factors"),
        "%(factor)s",
        (
            F("kind", gettext_lazy("type of factor")),
            F("factor", gettext_lazy("factor"), "code", catalog=_factor_kind),
            F("date", gettext_lazy("date"), "noted_on"),
            F("note"),
            F("recorded_by", gettext_lazy("recorded by")),
        ),
        safeguarding=_factor_is_safeguarding,
        safeguarding_key="safeguarding_factors",
        safeguarding_title=gettext_lazy("Risk factors about the pupil's safety"),
    ),
    "plans.FocusCard": Rule(
        CARE,
        "focus_cards",
        gettext_lazy("Focus cards"),
        gettext_lazy("Focus card, version %(version)s"),
        (
            F("version", gettext_lazy("version"), "number"),
            F("period_start"),
            F("evaluation_due"),
            F("written_by", gettext_lazy("written by"), "author"),
            F("co_teachers"),
            F("reason"),
            F("closed_on", gettext_lazy("closed on"), "closed_at"),
        ),
        order="number",
    ),
    "plans.CardEntry": Rule(
        CARE,
        "measures",
        gettext_lazy("Measures"),
        fields=(
            F("measure", gettext_lazy("measure"), "measure_code", catalog="measures"),
            F("doing"),
            F("trying"),
            F("note"),
        ),
        parent="card",
    ),
    "plans.OwnMeasure": Rule(
        CARE,
        "own_measures",
        gettext_lazy("The teacher's own measures"),
        fields=(F("measure", gettext_lazy("measure"), "text"), F("doing"), F("trying")),
        parent="card",
    ),
    "plans.Evaluation": Rule(
        CARE,
        "evaluation",
        gettext_lazy("Evaluation"),
        fields=(
            F("evaluated_on"),
            F("evaluated_by", gettext_lazy("evaluated by")),
            F("decision"),
            F("referrals", catalog="referrals"),
            F("next_evaluation"),
            F("summary"),
        ),
        parent="card",
    ),
    "plans.MeasureOutcome": Rule(
        CARE,
        "outcomes",
        gettext_lazy("How the measures went"),
        fields=(
            F("measure", gettext_lazy("measure"), _outcome_measure),
            F("outcome"),
            F("note"),
        ),
        parent="evaluation",
    ),
    "plans.PupilVoice": Rule(
        CARE,
        "pupil_voice",
        gettext_lazy("The pupil's voice"),
        fields=(
            F("kind"),
            F("text"),
            F("said_on"),
            F("written_down_by", gettext_lazy("written down by"), "recorded_by"),
            F("at_evaluation"),
        ),
        parent="card",
    ),
    "behaviour.BehaviourCard": Rule(
        CARE,
        "behaviour_cards",
        gettext_lazy("Behaviour cards"),
        gettext_lazy("Behaviour card from %(starts_on)s"),
        (
            F("starts_on"),
            F("goal_1"),
            F("goal_2"),
            F("goal_3"),
            F("day_parts", gettext_lazy("day parts"), _day_parts),
            F("made_by", gettext_lazy("made by"), "created_by"),
            F("archived_on", gettext_lazy("archived on"), "archived_at"),
        ),
        order="starts_on",
    ),
    "behaviour.Score": Rule(
        CARE,
        "scores",
        gettext_lazy("Scores"),
        fields=(
            F("day", gettext_lazy("day")),
            F("day_part", gettext_lazy("day part")),
            F("goal", gettext_lazy("goal")),
            F("score", gettext_lazy("score"), "value"),
        ),
        parent="card",
        order="day",
    ),
    "behaviour.DayProgramme": Rule(
        CARE,
        "day_programme",
        gettext_lazy("Day programme"),
        "%(title)s",
        (F("title"), F("made_by", gettext_lazy("made by"), "created_by")),
    ),
    "behaviour.ProgrammeBlock": Rule(
        CARE,
        "blocks",
        gettext_lazy("Blocks"),
        fields=(F("starts_at"), F("label"), F("pictogram")),
        parent="programme",
        order="position",
    ),
    # The care-team meeting (hechtwijzer.meetings): what was asked, said and agreed about the
    # pupil. The meeting itself (date, title, attendees) is the school's, not the pupil's.
    "meetings.AgendaItem": Rule(
        CARE,
        "care_team",
        gettext_lazy("Care-team meetings"),
        gettext_lazy("Discussed on %(meeting_on)s"),
        (
            F("meeting_on", gettext_lazy("meeting"), _meeting_day),
            F("question"),
            F("minutes"),
            F("added_by", gettext_lazy("put on the agenda by")),
        ),
    ),
    "meetings.MeetingDecision": Rule(
        CARE,
        "care_team_decisions",
        gettext_lazy("Decisions"),
        fields=(
            F("what"),
            F("owner", gettext_lazy("who")),
            F("due_on"),
            F("done_on", gettext_lazy("done on"), "done_at"),
        ),
        parent="item",
        order="due_on",
    ),
    "parents.ParentConversation": Rule(
        CARE,
        "parent_conversations",
        gettext_lazy("Parent conversations"),
        gettext_lazy("Conversation of %(held_on)s"),
        (
            F("held_on"),
            F("attendees"),
            F("at_home"),
            F("agreements"),
            F("card_version", gettext_lazy("focus card version"), _card_number),
            F("recorded_by", gettext_lazy("recorded by")),
        ),
        order="held_on",
    ),
    "parents.PlanConsent": Rule(
        CARE,
        "plan_consents",
        gettext_lazy("The parents' consent on the plan"),
        fields=(
            F("card_version", gettext_lazy("focus card version"), _card_number),
            F("status"),
            F("decided_on"),
            F("parents_view"),
            F("recorded_by", gettext_lazy("recorded by")),
        ),
    ),
    # Referrals to care partners (hechtwijzer.referrals). One that includes the safeguarding
    # record, or went without the parents' consent under the Meldcode or the Flemish route,
    # belongs to the safeguarding record.
    "referrals.Referral": Rule(
        CARE,
        "referrals",
        gettext_lazy("Referrals to care partners"),
        gettext_lazy("Referral of %(made_on)s"),
        (
            F("made_on", gettext_lazy("made on"), "created_at"),
            F("partner"),
            F("professional"),
            F("organisation"),
            F("question"),
            F("observations_of", gettext_lazy("includes the observations of"), _linked_days),
            F("include_notes"),
            F("include_plan"),
            F("include_figures"),
            F("include_safeguarding"),
            F("safeguarding_reason"),
            F("consent"),
            F("consent_on"),
            F("consent_exception"),
            F("consent_exception_reason"),
            F("status"),
            F("sent_on"),
            F("sent_by", gettext_lazy("sent by")),
            F("answered_on"),
            F("answer"),
            F("closed_on"),
            F("made_by", gettext_lazy("made by"), "created_by"),
        ),
        safeguarding=_referral_is_safeguarding,
        safeguarding_key="safeguarding_referrals",
        safeguarding_title=gettext_lazy(
            "Referrals that include the safeguarding record or went without the parents' consent"
        ),
        order="created_at",
    ),
    # Transfer to another school (hechtwijzer.transfer): the report being prepared, with the
    # parents' view or objection and the records included after weighing; and a plan received
    # from the pupil's previous school (its content as received, JSON).
    "transfer.Transfer": Rule(
        CARE,
        "transfer",
        gettext_lazy("Transfer to another school"),
        fields=(
            F("receiving_school"),
            F("parents_viewed_on"),
            F("parents_view"),
            F("objection"),
            F("left_out", gettext_lazy("left out at the parents' objection")),
        ),
    ),
    "transfer.IncludedItem": Rule(
        CARE,
        "included",
        gettext_lazy("Included after weighing"),
        fields=(
            F("kind", gettext_lazy("kind")),
            F("reason"),
            F("included_on", gettext_lazy("date"), "included_at"),
        ),
        parent="transfer",
        order="included_at",
    ),
    "transfer.ReceivedPlan": Rule(
        CARE,
        "received_plans",
        gettext_lazy("Plans from the previous school"),
        fields=(
            F("sending_school"),
            F("exported_on"),
            F("status"),
            F("content", gettext_lazy("the report as received"), "content_json"),
        ),
        order="exported_on",
    ),
    # The warm handover to next year's teacher (hechtwijzer.handover).
    "handover.Handover": Rule(
        CARE,
        "warm_handovers",
        gettext_lazy("Warm handovers"),
        gettext_lazy("Warm handover of %(school_year)s"),
        (
            F("school_year"),
            F("start_with"),
            F("written_by", gettext_lazy("written by"), "author"),
        ),
        order="school_year",
    ),
    "handover.Acknowledgement": Rule(
        None, why="which staff member marked a handover read; the staff's, on the audit trail"
    ),
    # The safeguarding record.
    "care.SafeguardingConcern": Rule(
        SAFEGUARDING,
        "safeguarding_concerns",
        gettext_lazy("Concerns about the pupil's safety"),
        gettext_lazy("Concern raised on %(raised_on)s"),
        (
            F("raised_on"),
            F("raised_by", gettext_lazy("raised by")),
            F("route"),
            F("concern"),
            F("observations_of", gettext_lazy("rests on the observations of"), _linked_days),
            F("status"),
            F("closed_on"),
        ),
        order="raised_on",
    ),
    "care.SafeguardingStep": Rule(
        SAFEGUARDING,
        "steps",
        gettext_lazy("Steps taken"),
        fields=(
            F("step"),
            F("date", gettext_lazy("date"), "done_on"),
            F("consulted"),
            F("decision"),
            F("recorded_by", gettext_lazy("recorded by")),
        ),
        parent="concern",
        order="done_on",
    ),
}

# Top-level sections in the order of the page (children are shown inside their parent).
ORDER = (
    "holds",
    "access",
    "read_links",
    "observations",
    "factors",
    "focus_cards",
    "parent_conversations",
    "plan_consents",
    "behaviour_cards",
    "day_programme",
    "care_team",
    "referrals",
    "safeguarding_concerns",
    "safeguarding_observations",
    "safeguarding_factors",
    "safeguarding_referrals",
)

# Audit actions that are not about the pupil's data but about the trail's own bookkeeping:
# refusals, the export and its approval, the erase preview, reading the trail itself.
INTERNAL_ACTIONS = frozenset(
    {"access.denied", "readlink.miss", "pupil.export", "pupil.erase_preview", "audit.view"}
)
INTERNAL_PREFIXES = ("export.",)


# --- values in words -----------------------------------------------------------------------------


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _person(user: Any) -> str:
    return user.get_full_name() or _("a staff member")


def _catalog_label(kind: str, code: str, lang: str) -> dict[str, str]:
    item = get_catalog().by_code.get(kind, {}).get(code)
    return {"code": code, "label": item.label.get(lang) if item else code}


def _render(value: Any, model_field: models.Field | None, spec: F, row: Any, lang: str):
    """(JSON value, readable text) of one value."""
    if isinstance(value, _Coded):
        coded = _catalog_label(value.kind, value.code, lang)
        return coded, coded["label"]
    if value is None or value == "" or value == []:
        return None, "–"
    if spec.catalog is not None:
        kind = spec.catalog(row) if callable(spec.catalog) else spec.catalog
        codes = value if isinstance(value, list) else [value]
        coded = [_catalog_label(kind, code, lang) for code in codes]
        text = ", ".join(c["label"] for c in coded)
        return (coded if isinstance(value, list) else coded[0]), text
    if model_field is not None and model_field.choices:
        label = str(dict(model_field.flatchoices).get(value, value))
        return {"code": value, "label": label}, label
    if isinstance(value, get_user_model()):
        return _person(value), _person(value)
    if isinstance(value, datetime.date):  # datetimes too: the day is what a parent needs
        day = _day(value)
        return day.isoformat(), date_format(day, "j F Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M"), time_format(value, "H:i")
    if isinstance(value, bool):
        return value, _("yes") if value else _("no")
    if isinstance(value, list):
        parts = [_render(v, None, F(spec.key), row, lang) for v in value]
        return [p[0] for p in parts], ", ".join(p[1] for p in parts)
    if isinstance(value, dict) and "label" in value:
        return value, value["label"]
    if isinstance(value, models.Model):
        return str(value), str(value)
    return value, str(value)


def _field(row: Any, spec: F, lang: str) -> dict[str, Any]:
    model_field = None
    if callable(spec.source):
        value = spec.source(row)
        label = spec.label
    else:
        model_field = row._meta.get_field(spec.source or spec.key)
        if model_field.many_to_many:
            value = list(getattr(row, model_field.name).all())
        else:
            value = getattr(row, model_field.name)  # an encrypted note is decrypted here
        label = spec.label or model_field.verbose_name
    json_value, text = _render(value, model_field, spec, row, lang)
    return {"key": spec.key, "label": str(label), "value": json_value, "text": text}


def _plain_fields(model: type[models.Model]) -> tuple[F, ...]:
    """The fields of a model without a rule: what it stores, without ids and bookkeeping."""
    skip = {"id", "uid", "version", "lock_version", "pupil"}
    return tuple(
        F(f.name)
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name not in skip
        and not isinstance(f, models.JSONField)
        and not (f.is_relation and not issubclass(f.related_model, get_user_model()))
        and (f.editable or isinstance(f, EncryptedTextField))
    )


# --- the export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """Which parts an export includes."""

    care: bool = False
    safeguarding: bool = False

    @classmethod
    def of(cls, approval: ExportApproval | None) -> Parts:
        if approval is None:
            return cls()
        return cls(care=approval.include_care, safeguarding=approval.include_safeguarding)

    def includes(self, part: str | None) -> bool:
        return (
            part == RECORD
            or (part == CARE and self.care)
            or (part == SAFEGUARDING and self.safeguarding)
        )


def _context(pupil: Pupil) -> Context:
    catalog = get_catalog()
    context = Context(safety_signals=engine.consult_now_signals(catalog))
    signal_model = apps.get_model("observations", "ObservationSignal")
    context.safeguarding_observations = set(
        signal_model.objects.filter(pupil=pupil, code__in=context.safety_signals).values_list(
            "observation_id", flat=True
        )
    )
    concern_model = apps.get_model("care", "SafeguardingConcern")
    linked = concern_model.observations.through.objects.filter(safeguardingconcern__pupil=pupil)
    context.safeguarding_observations |= set(linked.values_list("observation_id", flat=True))
    return context


def has_safeguarding_record(pupil: Pupil) -> bool:
    """Whether anything about the pupil falls in the safeguarding part (a decision is due)."""
    context = _context(pupil)
    if context.safeguarding_observations:
        return True
    if apps.get_model("care", "SafeguardingConcern").objects.filter(pupil=pupil).exists():
        return True
    factors = apps.get_model("care", "PupilFactor").objects.filter(pupil=pupil, kind="risk")
    return any(_factor_is_safeguarding(f, context) for f in factors)


def _item(row: Any, rule: Rule, fields: tuple[F, ...], lang: str, children) -> dict[str, Any]:
    """One row with its fields and, nested, the rows of its child models (`children`: model
    -> [(rule, fields, rows)])."""
    values = [_field(row, spec, lang) for spec in fields]
    texts = {v["key"]: v["text"] for v in values}
    kids = []
    for child_rule, child_fields, child_rows in children.get(type(row), ()):
        mine = [r for r in child_rows if getattr(r, f"{child_rule.parent}_id") == row.pk]
        if mine:
            items = [_item(r, child_rule, child_fields, lang, children) for r in mine]
            kids.append(
                {
                    "key": child_rule.key,
                    "title": str(child_rule.title),
                    "columns": [f["label"] for f in items[0]["fields"]],
                    "items": items,
                }
            )
    title = str(rule.item) % texts if rule.item else ""
    return {"title": title, "fields": values, "children": kids}


def build_export(
    pupil: Pupil, *, lang: str = "nl", parts: Parts | None = None, approval=None
) -> dict[str, Any]:
    """What the pupil's access export holds, as plain data: the printable page's content and,
    through `as_json`, the download. `parts` (default: from `approval`, else the pupil record
    only) decides what is included, by the rules above."""
    parts = parts or Parts.of(approval)
    with translation.override(lang):
        context = _context(pupil)
        top: list[tuple[Rule, tuple[F, ...], list]] = []
        children: dict[str, list] = {}
        for entry in pupil_models():
            rule = RULES.get(entry.label)
            if rule is None:  # a model without a rule: plain fields, care part
                name = entry.model._meta.verbose_name_plural
                rule = Rule(CARE, entry.label, name, "")
                fields = _plain_fields(entry.model)
            else:
                fields = rule.fields
            if not parts.includes(rule.part):
                continue
            rows = list(entry.rows(pupil))
            if rule.order:
                rows.sort(key=lambda row, name=rule.order: getattr(row, name))
            if rule.parent:
                parent = entry.model._meta.get_field(rule.parent).related_model
                children.setdefault(parent, []).append((rule, fields, rows))
            else:
                top.append((rule, fields, rows))
        sections: dict[str, dict[str, Any]] = {}
        for rule, fields, rows in top:
            for row in rows:
                key, title, part = rule.key, rule.title, rule.part
                if rule.safeguarding is not None and rule.safeguarding(row, context):
                    if not parts.safeguarding:
                        continue
                    key, title, part = rule.safeguarding_key, rule.safeguarding_title, SAFEGUARDING
                section = sections.setdefault(
                    key, {"key": key, "part": part, "title": str(title), "items": []}
                )
                section["items"].append(_item(row, rule, fields, lang, children))
        ordered = sorted(
            sections.values(),
            key=lambda s: (ORDER.index(s["key"]) if s["key"] in ORDER else len(ORDER), s["key"]),
        )
        due = erase_after(pupil)
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "generated_on": timezone.localdate().isoformat(),
            "generated_on_text": date_format(timezone.localdate(), "j F Y"),
            "language": lang,
            "parts": {RECORD: True, CARE: parts.care, SAFEGUARDING: parts.safeguarding},
            "pupil": _pupil_fields(pupil, lang),
            "retention": {
                "erase_after": due.isoformat() if due else None,
                "erase_after_text": date_format(due, "j F Y") if due else "",
                "on_hold": pupil.retention_holds.exists(),
            },
            "parts_shown": [
                {
                    "part": part,
                    "title": str(PART_TITLES[part]),
                    "sections": [s for s in ordered if s["part"] == part],
                }
                for part in (RECORD, CARE, SAFEGUARDING)
                if parts.includes(part)
            ],
            "trail": _trail(pupil, parts, lang),
        }


def _pupil_fields(pupil: Pupil, lang: str) -> list[dict[str, Any]]:
    specs = (
        F("first_name"),
        F("last_name"),
        F("date_of_birth"),
        F("school", gettext_lazy("school"), lambda p: p.school.name),
        F("group", pgettext_lazy("class of pupils", "group"), lambda p: p.group and str(p.group)),
        F("status"),
        F("left_on"),
        F("recorded_since", gettext_lazy("recorded in Hechtwijzer since"), "created_at"),
        F("reference", gettext_lazy("reference for questions"), "public_id"),
    )
    return [_field(pupil, spec, lang) for spec in specs]


def _trail(pupil: Pupil, parts: Parts, lang: str) -> list[dict[str, Any]]:
    """Who read or changed the record, per person and role: the first and last day, how many
    times. Without refusals and the trail's own bookkeeping; safeguarding actions only when the
    safeguarding record is included."""
    summary: dict[tuple[int | None, str], dict[str, Any]] = {}
    entries = AuditEntry.objects.filter(pupil_public_id=pupil.public_id).order_by("at", "id")
    for entry in entries.only("at", "user_id", "role", "action"):
        action = entry.action
        if action in INTERNAL_ACTIONS or action.startswith(INTERNAL_PREFIXES):
            continue
        if action.startswith(SAFEGUARDING_ACTIONS) and not parts.safeguarding:
            continue
        # Whoever opened a read link has no account: one row for them, not "the system".
        role = (
            "readlink" if entry.user_id is None and action.startswith("readlink.") else entry.role
        )
        row = summary.setdefault(
            (entry.user_id, role),
            {"first": entry.at, "last": entry.at, "read": 0, "changed": 0},
        )
        row["last"] = entry.at
        reads = is_read(action)
        row["read" if reads else "changed"] += 1
    names = {
        user.pk: _person(user)
        for user in get_user_model().objects.filter(pk__in={k[0] for k in summary if k[0]})
    }
    roles = dict(Role.choices)
    result = []
    for (user_id, role), row in summary.items():
        first, last = _day(row["first"]), _day(row["last"])
        result.append(
            {
                "name": names.get(user_id) or (_("a former staff member") if user_id else ""),
                "role": (
                    {"code": role, "label": str(roles.get(role, ""))}
                    if role and role != "readlink"
                    else None
                ),
                "role_text": (
                    _("someone with a read link")
                    if role == "readlink"
                    else str(roles.get(role, ""))
                    if role
                    else _("the school's system")
                ),
                "first": first.isoformat(),
                "last": last.isoformat(),
                "first_text": date_format(first, "j F Y"),
                "last_text": date_format(last, "j F Y"),
                "read": row["read"],
                "changed": row["changed"],
            }
        )
    return result


def as_json(export: dict[str, Any]) -> dict[str, Any]:
    """The download: the same content with codes, ISO dates and English keys."""

    def item(entry: dict[str, Any]) -> dict[str, Any]:
        data = {f["key"]: f["value"] for f in entry["fields"]}
        for child in entry["children"]:
            data[child["key"]] = [item(i) for i in child["items"]]
        return data

    sections = {}
    for part in export["parts_shown"]:
        for section in part["sections"]:
            sections[section["key"]] = [item(i) for i in section["items"]]
    return {
        "format": export["format"],
        "version": export["version"],
        "generated_on": export["generated_on"],
        "language": export["language"],
        "parts": export["parts"],
        "pupil": {f["key"]: f["value"] for f in export["pupil"]},
        "retention": {k: v for k, v in export["retention"].items() if not k.endswith("_text")},
        "records": sections,
        "trail": [
            {k: v for k, v in row.items() if not k.endswith("_text")} for row in export["trail"]
        ],
    }
