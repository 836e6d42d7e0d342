"""The engine's view of stored observations: the one place that turns a pupil's observations
into engine input, so that the pupil page, the focus card, the care coordinator's lists and the
PDFs all show the same profile.

Everything the engine needs of a pupil's observations in the window is one query over
`ObservationSignal` (which carries pupil, day and informant), for one pupil or for many at once.
Withdrawn observations never count. Reports of parents and the pupil are passed on with their
informant: the engine keeps them out of the school's picture and reads them only for direct
safety signals (engine.safeguarding). Risk and protective factors are the care coordinator's and
are passed in by the caller, who knows whether the user may see them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from hechtwijzer import engine
from hechtwijzer.catalog import Text, get_catalog

from .models import ObservationSignal

WINDOW_WEEKS = 8


def window_start(today: datetime.date, weeks: int = WINDOW_WEEKS) -> datetime.date:
    """The first day of the window that ends on `today` (8 weeks = 56 days, both ends in)."""
    return today - datetime.timedelta(weeks=weeks) + datetime.timedelta(days=1)


def engine_observations(
    pupil_ids: Iterable[int] | QuerySet, start: datetime.date, end: datetime.date
) -> dict[int, list[engine.Observation]]:
    """pupil id -> the engine's observations from `start` to `end`, every informant (one query;
    `pupil_ids` may be a subquery)."""
    rows = ObservationSignal.objects.filter(
        pupil_id__in=pupil_ids if isinstance(pupil_ids, QuerySet) else list(pupil_ids),
        withdrawn=False,
        observed_on__gte=start,
        observed_on__lte=end,
    ).values_list("pupil_id", "observation_id", "observed_on", "informant", "code")
    by_pupil: dict[int, list[tuple]] = {}
    for pupil_id, *row in rows:
        by_pupil.setdefault(pupil_id, []).append(row)
    return {pupil_id: as_engine(found) for pupil_id, found in by_pupil.items()}


def as_engine(rows: Iterable[tuple]) -> list[engine.Observation]:
    """Signal rows (observation id, day, informant, code) as the engine's observations: one per
    observation, its signals in the rows' order."""
    grouped: dict[int, tuple[datetime.date, str, list[str]]] = {}
    for observation_id, day, informant, code in rows:
        grouped.setdefault(observation_id, (day, informant, []))[2].append(code)
    return [
        engine.Observation(date=day, signals=tuple(codes), informant=informant)
        for day, informant, codes in grouped.values()
    ]


def profile_from(
    observations: list[engine.Observation],
    pupil,
    today: datetime.date,
    *,
    risk_codes: Iterable[str] = (),
    protective_codes: Iterable[str] = (),
    measures: bool = True,
) -> engine.Profile:
    return engine.build_profile(
        observations,
        catalog=get_catalog(),
        as_of=today,
        window_weeks=WINDOW_WEEKS,
        birth_date=pupil.date_of_birth,
        risk_factors=risk_codes,
        protective_factors=protective_codes,
        measures=measures,
    )


def build_profile(
    pupil,
    today: datetime.date,
    *,
    risk_codes: Iterable[str] = (),
    protective_codes: Iterable[str] = (),
) -> engine.Profile:
    """The engine's profile of one pupil on `today` (one query)."""
    observations = engine_observations([pupil.pk], window_start(today), today).get(pupil.pk, [])
    return profile_from(
        observations, pupil, today, risk_codes=risk_codes, protective_codes=protective_codes
    )


# Direct safety concerns are not counted like the other signals: a heat map, a weekly chart or
# an evaluation's before/after figure would turn a disclosure into one more number. They have
# their own place: the concern page, the pupil page's safeguarding section and the care
# coordinator's list (care.worklist).
SAFETY_GROUP = "safety"


def concern_signals(observation) -> tuple[str, ...]:
    """The observation's signals that mean "consult today" (the catalog's consult-now rule),
    in catalog order: what makes logging it a direct safety concern to pass on."""
    return concern_codes(row.code for row in observation.signal_rows.all())


def concern_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """`concern_signals` for signal codes the caller already holds (the quick log has just
    written them): no query."""
    catalog = get_catalog()
    wanted = engine.consult_now_signals(catalog)
    found = set(codes)
    return tuple(s.code for s in catalog.signals if s.code in wanted and s.code in found)


def counted_groups() -> dict[str, Text]:
    """The catalog's signal groups that overviews, charts and figures count, in catalog order."""
    vocabulary = get_catalog().vocabularies["signal_groups"]
    return {code: label for code, label in vocabulary.items() if code != SAFETY_GROUP}
