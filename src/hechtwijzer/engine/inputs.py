"""Read the `profile` input (DESIGN.md, "Interfaces") into engine values, or say what is wrong.

Every problem is an InputError whose message is one line: where (a JSON path such as
`observations[2].date`) and what. Only the first problem is reported: the input is usually
written by a program, and one precise message is what its author needs.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..catalog import Catalog, Item
from .profile import Observation

TOP_KEYS = ("birth_date", "as_of", "observations", "risk_factors", "protective_factors")
OBSERVATION_KEYS = ("date", "signals", "informant")
# date.fromisoformat also takes forms such as "20260101" or "2026-W01-1"; the contract does not.
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """The input is not valid; the message is one line naming the problem and where it is."""


@dataclass(frozen=True)
class ProfileInput:
    observations: tuple[Observation, ...]
    as_of: date
    birth_date: date | None = None
    risk_factors: tuple[str, ...] = ()
    protective_factors: tuple[str, ...] = ()


def parse_json(text: str, *, catalog: Catalog, today: date | None = None) -> ProfileInput:
    """Parse the input text; `as_of` defaults to `today` (default: the real date)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as error:
        raise InputError(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply") from None
    return parse_data(data, catalog=catalog, today=today)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys; say so instead.
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise InputError(f"malformed JSON: key {key!r} appears twice in one object")
        data[key] = value
    return data


def parse_data(data: object, *, catalog: Catalog, today: date | None = None) -> ProfileInput:
    """Check already-decoded JSON data (see parse_json)."""
    if not isinstance(data, dict):
        raise InputError(f"the input must be a JSON object, not {_kind(data)}")
    _check_keys(data, TOP_KEYS, "")
    if "observations" not in data:
        raise InputError("missing key 'observations' (a list, possibly empty)")
    birth_date = _optional_date(data, "birth_date")
    as_of = _optional_date(data, "as_of")
    raw = _array(data["observations"], "observations")
    observations = tuple(
        _observation(value, f"observations[{i}]", catalog) for i, value in enumerate(raw)
    )
    if birth_date is not None:
        for i, observation in enumerate(observations):
            if observation.date < birth_date:
                raise InputError(
                    f"observations[{i}].date: {observation.date} is before birth_date {birth_date}"
                )
    if as_of is None:  # as on the web: the profile of today, whatever was observed when
        as_of = today or date.today()
    if birth_date is not None and as_of < birth_date:
        raise InputError(f"as_of: {as_of} is before birth_date {birth_date}")
    return ProfileInput(
        observations=observations,
        as_of=as_of,
        birth_date=birth_date,
        risk_factors=_codes(data, "risk_factors", catalog.risk_factors, "risk factor"),
        protective_factors=_codes(
            data, "protective_factors", catalog.protective_factors, "protective factor"
        ),
    )


def _observation(value: object, path: str, catalog: Catalog) -> Observation:
    if not isinstance(value, dict):
        raise InputError(f"{path}: must be an object with 'date' and 'signals', not {_kind(value)}")
    _check_keys(value, OBSERVATION_KEYS, f"{path}.")
    for key in ("date", "signals"):
        if key not in value:
            raise InputError(f"{path}: missing key '{key}'")
    day = _date(value["date"], f"{path}.date")
    signals = _code_list(value["signals"], f"{path}.signals", catalog.signals, "signal")
    if not signals:
        raise InputError(f"{path}.signals: is empty (an observation logs at least one signal)")
    informant = value.get("informant")
    if informant is not None and not isinstance(informant, str):
        raise InputError(f"{path}.informant: must be a string, not {_kind(informant)}")
    if informant is not None and not informant.strip():
        raise InputError(f"{path}.informant: is empty (leave it out when nobody is named)")
    return Observation(day, signals, informant)


def _check_keys(data: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            raise InputError(f"unknown key {prefix + key!r}{_hint(key, allowed)}")


def _optional_date(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)  # null counts as absent, as programs often write it
    return None if value is None else _date(value, key)


def _date(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise InputError(f"{path}: must be a date string (YYYY-MM-DD), not {_kind(value)}")
    try:
        if DATE_RE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise InputError(f"{path}: {value!r} is not a date (YYYY-MM-DD)")


def _array(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{path}: must be a list, not {_kind(value)}")
    return value


def _codes(data: dict[str, Any], key: str, items: tuple[Item, ...], what: str) -> tuple[str, ...]:
    value = data.get(key)
    return () if value is None else _code_list(value, key, items, what)


def _code_list(value: object, path: str, items: tuple[Item, ...], what: str) -> tuple[str, ...]:
    known = [item.code for item in items]
    codes: list[str] = []
    for i, code in enumerate(_array(value, path)):
        where = f"{path}[{i}]"
        if not isinstance(code, str):
            raise InputError(f"{where}: must be a {what} code (a string), not {_kind(code)}")
        if code not in known:
            raise InputError(f"{where}: unknown {what} {code!r}{_hint(code, known)}")
        if code in codes:
            raise InputError(f"{where}: {what} {code!r} is listed twice")
        codes.append(code)
    return tuple(codes)


def _hint(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind(value: object) -> str:
    """How JSON would call the value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
