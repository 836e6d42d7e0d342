"""What every app's forms share: numbers and days parsed strictly, the version a page was
shown, and a domain function's errors put back on the form.

Forms parse input; the domain rules live in each app's `actions`, which raise a
ValidationError keyed by domain field. `DomainErrorsMixin.apply_errors` puts each message on
the form field of that name (or of the name `domain_fields` maps it to), and on the form as a
whole when no field matches, so no error is lost.

`WholeNumberField` and `DayField` refuse what Django's own fields let through to the database
or to date arithmetic: digits of other scripts (`int("٣") == 3`), numbers beyond the
database's integer range, and days at the ends of the calendar (year 1, year 9999), where week
arithmetic overflows.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The largest value a BigAutoField / BigIntegerField holds on SQLite and PostgreSQL.
DATABASE_INT_MAX = 2**63 - 1
# \d and int() also accept the digits of other scripts; an id or a version is ASCII.
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_UID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")

# The days the app works with: the school years 2000–2001 up to 2099–2100. Well inside the
# calendar, so a week, a period before a period or a year back never leaves it.
FIRST_DAY = datetime.date(2000, 8, 1)
LAST_DAY = datetime.date(2100, 7, 31)


def is_supported_day(day: datetime.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def supported_day_error() -> ValidationError:
    return ValidationError(
        _("Enter a date between %(first)s and %(last)s."),
        code="out_of_range",
        params={
            "first": date_format(FIRST_DAY, "j F Y"),
            "last": date_format(LAST_DAY, "j F Y"),
        },
    )


class WholeNumberField(forms.IntegerField):
    """An id or a version: ASCII digits only, 0 up to the database's integer range."""

    def __init__(self, *, min_value=0, max_value=DATABASE_INT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _ASCII_DIGITS.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class UidField(forms.UUIDField):
    """A record's uid as pages write it (8-4-4-4-12 ASCII hex digits). Python's UUID() also
    takes other scripts' digits, braces, "urn:uuid:" and underscores."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, uuid.UUID) and not _UID.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DayField(forms.DateField):
    """A date within the days the app works with (FIRST_DAY to LAST_DAY)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not is_supported_day(value):
            raise supported_day_error()


class DomainErrorsMixin:
    # Domain field -> form field, where the two differ (e.g. a measure's code -> its outcome).
    domain_fields: dict[str, str] = {}

    def apply_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            name = self.domain_fields.get(field, field)
            self.add_error(name if name in self.fields else None, messages)


class VersionForm(forms.Form):
    """The version a page was shown, posted back with a change (hechtwijzer.locking). A
    missing or malformed one can match no stored version, so the change is refused as stale
    instead of failing."""

    version = WholeNumberField(required=False)

    def seen_version(self) -> int:
        version = self.cleaned_data.get("version") if self.is_valid() else None
        return -1 if version is None else version
