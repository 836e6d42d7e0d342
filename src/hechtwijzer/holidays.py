"""School holidays: the days a school is closed, for the Netherlands per region and for Flanders.

Plain data, no Django (the evaluation figures in `engine` are handed the periods as tuples). The
table covers the school years 2025–2026 and 2026–2027, with the summer holidays at both ends
(`COVERED`); outside it the evaluation counts weekends only and says that holidays were not
known. Add a school year by adding its rows here and moving `COVERED`.

Sources:

- the Netherlands: Rijksoverheid, "Schoolvakanties 2025-2026" and "Schoolvakanties
  2026-2027" (rijksoverheid.nl, onderwerp Schoolvakanties; also published as open data,
  opendata.rijksoverheid.nl, infotype `schoolholidays`). The summer holiday is compulsory per
  region; the autumn, spring and May holidays are the ministry's advice, which most primary
  schools follow (a school may deviate). Regions: noord, midden, zuid, as the ministry divides
  the municipalities. Public holidays on which schools close (Tweede Paasdag, Koningsdag,
  Hemelvaartsdag, Tweede Pinksterdag) are added for every region.
- Flanders: Vlaamse overheid, Onderwijs Vlaanderen, "Schoolvakanties en vrije dagen"
  (onderwijs.vlaanderen.be): the Flemish calendar rules (autumn holiday in the week of
  1 November, two weeks at Christmas, carnival holiday in the seventh week before Easter, two
  weeks at Easter, summer from 1 July to 31 August) and the free days (11 November, 1 May,
  Ascension Day and the Friday after, Whit Monday).

Compiled by hand in December 2026 from these sources' published dates and rules, cross-checked
with school calendars of each region. To check against rijksoverheid.nl when it is next at
hand: the north region's autumn holiday 2026, the north region's spring holiday 2027, the
south region's summer holiday 2027 and the May holidays (the ministry advises one week; many
schools take two, which this table does not assume). A school's own study days are not here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

D = datetime.date

REGIONS = ("north", "middle", "south")  # regio noord, midden, zuid (NL only)

# The days the table knows completely, for every calendar.
COVERED = (D(2025, 7, 1), D(2027, 8, 31))

# (code, first day, last day, regions or "*" for all). Codes name the kind of holiday; the
# pages translate them (plans/figures.py, HOLIDAY_NAMES).
_NL: tuple[tuple[str, datetime.date, datetime.date, str], ...] = (
    ("summer", D(2025, 7, 12), D(2025, 8, 24), "north"),
    ("summer", D(2025, 7, 19), D(2025, 8, 31), "middle"),
    ("summer", D(2025, 7, 5), D(2025, 8, 17), "south"),
    ("autumn", D(2025, 10, 18), D(2025, 10, 26), "north middle"),
    ("autumn", D(2025, 10, 11), D(2025, 10, 19), "south"),
    ("christmas", D(2025, 12, 20), D(2026, 1, 4), "*"),
    ("spring", D(2026, 2, 21), D(2026, 3, 1), "north"),
    ("spring", D(2026, 2, 14), D(2026, 2, 22), "middle south"),
    ("easter_monday", D(2026, 4, 6), D(2026, 4, 6), "*"),
    ("may", D(2026, 4, 25), D(2026, 5, 3), "*"),
    ("ascension", D(2026, 5, 14), D(2026, 5, 14), "*"),
    ("whit_monday", D(2026, 5, 25), D(2026, 5, 25), "*"),
    ("summer", D(2026, 7, 4), D(2026, 8, 16), "north"),
    ("summer", D(2026, 7, 18), D(2026, 8, 30), "middle"),
    ("summer", D(2026, 7, 11), D(2026, 8, 23), "south"),
    ("autumn", D(2026, 10, 10), D(2026, 10, 18), "north"),
    ("autumn", D(2026, 10, 17), D(2026, 10, 25), "middle south"),
    ("christmas", D(2026, 12, 19), D(2027, 1, 3), "*"),
    ("spring", D(2027, 2, 20), D(2027, 2, 28), "north middle"),
    ("spring", D(2027, 2, 6), D(2027, 2, 14), "south"),
    ("easter_monday", D(2027, 3, 29), D(2027, 3, 29), "*"),
    ("may", D(2027, 4, 24), D(2027, 5, 2), "*"),  # with Koningsdag, 27 April
    ("ascension", D(2027, 5, 6), D(2027, 5, 6), "*"),
    ("whit_monday", D(2027, 5, 17), D(2027, 5, 17), "*"),
    ("summer", D(2027, 7, 10), D(2027, 8, 22), "north"),
    ("summer", D(2027, 7, 17), D(2027, 8, 29), "middle south"),
)

_BE: tuple[tuple[str, datetime.date, datetime.date], ...] = (
    ("summer", D(2025, 7, 1), D(2025, 8, 31)),
    ("autumn", D(2025, 10, 27), D(2025, 11, 2)),
    ("armistice", D(2025, 11, 11), D(2025, 11, 11)),
    ("christmas", D(2025, 12, 22), D(2026, 1, 4)),
    ("carnival", D(2026, 2, 16), D(2026, 2, 22)),
    ("easter", D(2026, 4, 6), D(2026, 4, 19)),
    ("labour_day", D(2026, 5, 1), D(2026, 5, 1)),
    ("ascension", D(2026, 5, 14), D(2026, 5, 15)),
    ("whit_monday", D(2026, 5, 25), D(2026, 5, 25)),
    ("summer", D(2026, 7, 1), D(2026, 8, 31)),
    ("autumn", D(2026, 11, 2), D(2026, 11, 8)),
    ("armistice", D(2026, 11, 11), D(2026, 11, 11)),
    ("christmas", D(2026, 12, 21), D(2027, 1, 3)),
    ("carnival", D(2027, 2, 8), D(2027, 2, 14)),
    ("easter", D(2027, 3, 29), D(2027, 4, 11)),
    ("ascension", D(2027, 5, 6), D(2027, 5, 7)),
    ("whit_monday", D(2027, 5, 17), D(2027, 5, 17)),
    ("summer", D(2027, 7, 1), D(2027, 8, 31)),
)

Holiday = tuple[str, datetime.date, datetime.date]  # (code, first day, last day)


def for_school(country: str, region: str = "") -> tuple[Holiday, ...]:
    """The holidays of a school in `country` ("NL" or "BE") and, in the Netherlands, `region`.

    A Dutch school without a region gets the holidays of every region: a day that may be a
    holiday is left out of the period before a plan rather than counted as a school day (the
    comparison then reaches a week or two further back, which does no harm).
    """
    if country == "BE":
        return _BE
    wanted = {region} if region in REGIONS else set(REGIONS)
    return tuple(
        (code, first, last)
        for code, first, last, regions in _NL
        if regions == "*" or wanted & set(regions.split())
    )


def closed_days(holidays: Iterable[Holiday]) -> set[datetime.date]:
    """Every day of these holidays."""
    days = set()
    for _code, first, last in holidays:
        day = first
        while day <= last:
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def first_school_day(country: str, region: str, year: int) -> datetime.date:
    """The first school day of the school year that starts in `year`: the first weekday after
    the summer holiday that ends in `year` (the latest end where a Dutch school has no region);
    outside the table, the first weekday from 1 September."""
    ends = [last for code, _first, last in for_school(country, region) if code == "summer"]
    ends = [last for last in ends if last.year == year]
    day = max(ends) + datetime.timedelta(days=1) if ends else D(year, 9, 1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
