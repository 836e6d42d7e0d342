"""Reading a transfer report (docs/transfer-format.md) at the receiving school.

The file comes from outside: it is read defensively and either accepted whole or refused with
one `TransferProblem` naming the problem and where (`pupil.date_of_birth: not a date`). Limits:
`MAX_BYTES` for the file, strict UTF-8, no duplicate keys, no NaN or Infinity, nesting at most
`MAX_DEPTH` deep, lists and texts of bounded length, every date a real day in the years the app
works with, only the known keys (unknown keys are refused rather than silently dropped: a newer
format version says so in `version`). Nothing here touches the database.
"""

from __future__ import annotations

import datetime
import json
import uuid

from hechtwijzer.forms import is_supported_day

from .report import FORMAT, SECTIONS, VERSION

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_TEXT = 5000
MAX_NAME = 200
MAX_LIST = 200

OUTCOMES = ("worked", "partly", "did_not_work", "not_carried_out")
DECISIONS = ("continue", "adjust", "care_team", "refer")
VOICE_KINDS = ("helps", "hinders")
ITEM_KINDS = ("safeguarding", "factor", "observation")


class TransferProblem(ValueError):
    """A report that cannot be read; the message is one line for the user."""


def _duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise TransferProblem(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name):
    raise TransferProblem(f"{name} is not a number JSON allows")


def _depth(value, level=0) -> None:
    if level > MAX_DEPTH:
        raise TransferProblem(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, level + 1)


def parse(data: bytes) -> dict:
    """The validated report from the file's bytes, or TransferProblem."""
    if len(data) > MAX_BYTES:
        raise TransferProblem(f"the file is larger than {MAX_BYTES // 1000} kB")
    if not data.strip():
        raise TransferProblem("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TransferProblem(f"not UTF-8 text (byte {error.start})") from None
    try:
        value = json.loads(text, object_pairs_hook=_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise TransferProblem(
            f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise TransferProblem(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:  # e.g. a number with more digits than Python converts
        raise TransferProblem(f"not JSON: {str(error).splitlines()[0]}") from None
    _depth(value)
    return validate(value)


# --- the checks ---------------------------------------------------------------------------------


def _obj(value, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise TransferProblem(f"{where}: expected an object")
    for key in required:
        if key not in value:
            raise TransferProblem(f"{where}: missing {key!r}")
    for key in value:
        if key not in required and key not in optional:
            raise TransferProblem(f"{where}: unknown key {key!r}")
    return value


def _text(value, where: str, *, limit: int = MAX_TEXT, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise TransferProblem(f"{where}: expected a text")
    if len(value) > limit:
        raise TransferProblem(f"{where}: longer than {limit} characters")
    if "\x00" in value:
        raise TransferProblem(f"{where}: holds a NUL character")
    if not empty and not value.strip():
        raise TransferProblem(f"{where}: empty")
    return value


def _opt_text(value, where: str, limit: int = MAX_TEXT) -> str | None:
    return None if value is None else _text(value, where, limit=limit)


def _day(value, where: str) -> str:
    if not isinstance(value, str):
        raise TransferProblem(f"{where}: expected a date (YYYY-MM-DD)")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise TransferProblem(f"{where}: not a date (YYYY-MM-DD)") from None
    if len(value) != 10 or not is_supported_day(day):
        raise TransferProblem(f"{where}: not a date the app works with")
    return value


def _opt_day(value, where: str) -> str | None:
    return None if value is None else _day(value, where)


def _bool(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise TransferProblem(f"{where}: expected true or false")
    return value


def _int(value, where: str, low: int = 1, high: int = 10_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TransferProblem(f"{where}: expected a whole number from {low} to {high}")
    return value


def _number(value, where: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 1e9:
        raise TransferProblem(f"{where}: expected a number")
    return value


def _choice(value, where: str, choices) -> str:
    if value not in choices:
        raise TransferProblem(f"{where}: expected one of {', '.join(choices)}")
    return value


def _list(value, where: str, limit: int = MAX_LIST) -> list:
    if not isinstance(value, list):
        raise TransferProblem(f"{where}: expected a list")
    if len(value) > limit:
        raise TransferProblem(f"{where}: more than {limit} entries")
    return value


def _measures(value, where: str) -> None:
    for i, m in enumerate(_list(value, where)):
        w = f"{where}[{i}]"
        _obj(m, w, ("code", "title", "doing", "trying"))
        _opt_text(m["code"], f"{w}.code", 64)
        _text(m["title"], f"{w}.title", limit=MAX_TEXT, empty=False)
        _bool(m["doing"], f"{w}.doing")
        _bool(m["trying"], f"{w}.trying")


def _figures(value, where: str) -> None:
    keys = (
        "version",
        "period",
        "before_period",
        "before",
        "during",
        "before_rate",
        "during_rate",
        "direction",
        "comparable",
        "observed_days",
        "school_days",
        "min_days",
        "holidays",
        "holidays_known",
        "left_out",
        "groups",
    )
    _obj(value, where, (), keys)
    version = value.get("version", 1)
    if version not in (1, 2):
        raise TransferProblem(f"{where}.version: expected 1 or 2")
    if version == 2:
        needed = ("observed_days", "school_days", "min_days", "comparable", "holidays")
        for key in (*needed, "holidays_known", "left_out", "period", "before_period"):
            if key not in value:
                raise TransferProblem(f"{where}: missing {key!r}")
    if "holidays_known" in value:
        _bool(value["holidays_known"], f"{where}.holidays_known")
    if "left_out" in value:
        _number(value["left_out"], f"{where}.left_out")
    if "holidays" in value:
        holidays = _obj(value["holidays"], f"{where}.holidays", ("before",), ("during",))
        for part, rows in holidays.items():
            for j, row in enumerate(_list(rows, f"{where}.holidays.{part}", 50)):
                w = f"{where}.holidays.{part}[{j}]"
                if not isinstance(row, list) or len(row) != 3:
                    raise TransferProblem(f"{w}: expected [code, first day, last day]")
                _text(row[0], w, limit=32)
                _day(row[1], w)
                _day(row[2], w)
    for key in ("period", "before_period"):
        if key in value and value[key] is not None:
            pair = _list(value[key], f"{where}.{key}", 2)
            if len(pair) != 2:
                raise TransferProblem(f"{where}.{key}: expected two dates")
            for j, day in enumerate(pair):
                _day(day, f"{where}.{key}[{j}]")
    for key in ("version", "before", "during", "before_rate", "during_rate", "min_days"):
        if key in value:
            _number(value[key], f"{where}.{key}")
    if "direction" in value and value["direction"] is not None:
        _choice(value["direction"], f"{where}.direction", ("fewer", "more", "same"))
    if "comparable" in value:
        _bool(value["comparable"], f"{where}.comparable")
    for key in ("observed_days", "school_days"):
        if key in value:
            days = _obj(value[key], f"{where}.{key}", ("before", "during"))
            for part in ("before", "during"):
                _number(days[part], f"{where}.{key}.{part}")
    groups = _obj(value.get("groups", {}), f"{where}.groups", (), tuple(value.get("groups", {})))
    if len(groups) > 50:
        raise TransferProblem(f"{where}.groups: more than 50 entries")
    for code, row in groups.items():
        w = f"{where}.groups.{code}"
        _text(code, w, limit=64)
        _obj(row, w, ("before", "during"), ("before_rate", "during_rate", "direction"))
        for key in ("before", "during", "before_rate", "during_rate"):
            if key in row:
                _number(row[key], f"{w}.{key}")
        if row.get("direction") is not None:
            _choice(row["direction"], f"{w}.direction", ("fewer", "more", "same"))


def validate(value) -> dict:
    """The report if it has the shape of docs/transfer-format.md version 1, else
    TransferProblem naming the first problem."""
    top = (
        "format",
        "version",
        "transfer_id",
        "exported_on",
        "language",
        "sending_school",
        "receiving_school",
        "pupil",
        "support",
        "what_worked",
        "current_plan",
        "figures",
        "pupil_voice",
        "included",
        "parents",
        "left_out",
    )
    if not isinstance(value, dict):
        raise TransferProblem("expected a JSON object at the top")
    if value.get("format") != FORMAT:
        raise TransferProblem(f"format: not a transfer report (expected {FORMAT!r})")
    if value.get("version") != VERSION:
        raise TransferProblem(
            f"version: {value.get('version')!r} is not supported (only {VERSION})"
        )
    _obj(value, "report", top)
    try:
        uuid.UUID(_text(value["transfer_id"], "transfer_id", limit=36))
    except ValueError:
        raise TransferProblem("transfer_id: not a UUID") from None
    _day(value["exported_on"], "exported_on")
    _choice(value["language"], "language", ("nl", "nl-be", "en", "en-be"))
    school = _obj(value["sending_school"], "sending_school", ("name", "country", "code"))
    _text(school["name"], "sending_school.name", limit=MAX_NAME, empty=False)
    _choice(school["country"], "sending_school.country", ("NL", "BE"))
    _text(school["code"], "sending_school.code", limit=20)
    _text(value["receiving_school"], "receiving_school", limit=MAX_NAME)
    pupil = _obj(
        value["pupil"], "pupil", ("first_name", "last_name", "date_of_birth"), ("source_key",)
    )
    _text(pupil["first_name"], "pupil.first_name", limit=100, empty=False)
    _text(pupil["last_name"], "pupil.last_name", limit=100, empty=False)
    _day(pupil["date_of_birth"], "pupil.date_of_birth")
    _opt_text(pupil.get("source_key"), "pupil.source_key", 64)
    left_out = _list(value["left_out"], "left_out", len(SECTIONS))
    for i, section in enumerate(left_out):
        _choice(section, f"left_out[{i}]", SECTIONS)
    for i, card in enumerate(_list(value["support"], "support")):
        w = f"support[{i}]"
        _obj(card, w, ("version", "period_start", "evaluation_due", "measures", "evaluation"))
        _int(card["version"], f"{w}.version")
        _day(card["period_start"], f"{w}.period_start")
        _day(card["evaluation_due"], f"{w}.evaluation_due")
        _measures(card["measures"], f"{w}.measures")
        if card["evaluation"] is not None:
            ev = _obj(
                card["evaluation"], f"{w}.evaluation", ("evaluated_on", "decision", "outcomes")
            )
            _day(ev["evaluated_on"], f"{w}.evaluation.evaluated_on")
            _choice(ev["decision"], f"{w}.evaluation.decision", DECISIONS)
            for j, o in enumerate(_list(ev["outcomes"], f"{w}.evaluation.outcomes")):
                ow = f"{w}.evaluation.outcomes[{j}]"
                _obj(o, ow, ("code", "title", "outcome"))
                _opt_text(o["code"], f"{ow}.code", 64)
                _text(o["title"], f"{ow}.title")
                _choice(o["outcome"], f"{ow}.outcome", OUTCOMES)
    for i, m in enumerate(_list(value["what_worked"], "what_worked")):
        w = f"what_worked[{i}]"
        _obj(m, w, ("code", "title", "version", "evaluated_on"))
        _opt_text(m["code"], f"{w}.code", 64)
        _text(m["title"], f"{w}.title", empty=False)
        _int(m["version"], f"{w}.version")
        _day(m["evaluated_on"], f"{w}.evaluated_on")
    if value["current_plan"] is not None:
        plan = _obj(
            value["current_plan"],
            "current_plan",
            ("version", "period_start", "evaluation_due", "measures"),
        )
        _int(plan["version"], "current_plan.version")
        _day(plan["period_start"], "current_plan.period_start")
        _day(plan["evaluation_due"], "current_plan.evaluation_due")
        _measures(plan["measures"], "current_plan.measures")
    for i, f in enumerate(_list(value["figures"], "figures")):
        w = f"figures[{i}]"
        _obj(f, w, ("version", "evaluated_on", "figures"))
        _int(f["version"], f"{w}.version")
        _day(f["evaluated_on"], f"{w}.evaluated_on")
        _figures(f["figures"], f"{w}.figures")
    for i, v in enumerate(_list(value["pupil_voice"], "pupil_voice")):
        w = f"pupil_voice[{i}]"
        _obj(v, w, ("version", "kind", "text", "said_on"))
        _int(v["version"], f"{w}.version")
        _choice(v["kind"], f"{w}.kind", VOICE_KINDS)
        _text(v["text"], f"{w}.text", empty=False)
        _day(v["said_on"], f"{w}.said_on")
    for i, item in enumerate(_list(value["included"], "included")):
        w = f"included[{i}]"
        _obj(item, w, ("kind", "date", "label", "text", "reason"), ("code", "factor_kind"))
        _choice(item["kind"], f"{w}.kind", ITEM_KINDS)
        _day(item["date"], f"{w}.date")
        _text(item["label"], f"{w}.label", limit=MAX_NAME)
        _text(item["text"], f"{w}.text")
        _text(item["reason"], f"{w}.reason", empty=False)
        _opt_text(item.get("code"), f"{w}.code", 64)
        if item.get("factor_kind") is not None:
            _choice(item["factor_kind"], f"{w}.factor_kind", ("risk", "protective"))
    parents = _obj(value["parents"], "parents", ("viewed_on", "view", "objection"))
    _opt_day(parents["viewed_on"], "parents.viewed_on")
    _text(parents["view"], "parents.view")
    _text(parents["objection"], "parents.objection")
    return value
