"""Weeks as schools count them: the one place for Monday and week-number arithmetic.

A calendar week runs from Monday to Sunday and is numbered the ISO way (the weeknummer schools
plan by); a school week is Monday to Friday (no holiday calendar). Plain date arithmetic, plus
`WeekStart`, the same Monday computed by the database for aggregate queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import DateField, Func

SCHOOL_DAYS = 5  # Monday to Friday
WEEK = datetime.timedelta(weeks=1)


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s calendar week."""
    return day - datetime.timedelta(days=day.weekday())


def sunday_of(day: datetime.date) -> datetime.date:
    """The last day of `day`'s calendar week."""
    return monday_of(day) + datetime.timedelta(days=6)


def friday_of(day: datetime.date) -> datetime.date:
    """The last school day of `day`'s week."""
    return monday_of(day) + datetime.timedelta(days=SCHOOL_DAYS - 1)


def week_number(day: datetime.date) -> int:
    """The ISO week number (weeknummer) of `day`'s week."""
    return day.isocalendar().week


def recent_mondays(day: datetime.date, count: int) -> list[datetime.date]:
    """The Mondays of the `count` calendar weeks that end with `day`'s week, oldest first."""
    last = monday_of(day)
    return [last - n * WEEK for n in range(count - 1, -1, -1)]


def weeks_choice(value: str | None, choices: Iterable[int], default: int) -> int:
    """A number of weeks from a query parameter (`?weeks=`): one of `choices`, else `default`."""
    return next((weeks for weeks in choices if value == str(weeks)), default)


def school_days(monday: datetime.date) -> list[datetime.date]:
    """Monday to Friday of the week that starts on `monday`."""
    return [monday + datetime.timedelta(days=n) for n in range(SCHOOL_DAYS)]


def is_school_day(day: datetime.date) -> bool:
    return day.weekday() < SCHOOL_DAYS


def previous_school_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_school_day(day):
        day -= datetime.timedelta(days=1)
    return day


def next_school_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_school_day(day):
        day += datetime.timedelta(days=1)
    return day


def latest_school_day(day: datetime.date) -> datetime.date:
    """`day` itself on a school day, else the Friday before it."""
    return day if is_school_day(day) else previous_school_day(day)


def parse_day(value: str | None) -> datetime.date | None:
    """A date from `YYYY-MM-DD`, or None when missing or malformed."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


class WeekStart(Func):
    """The Monday of a date's week, computed by the database (`monday_of` in SQL).

    Django's TruncWeek is a Python function on SQLite, called once for every signal row in the
    window; at a school's scale that call was a fifth of the school overview's server time
    (bench/, BENCHMARKS.md). SQLite's own date() does the same in C: back six days, then
    forward to the next Monday (or stay on it). PostgreSQL truncates natively.
    """

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="DATE_TRUNC('week', %(expressions)s)::date"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="date(%(expressions)s, '-6 days', 'weekday 1')"
        )
