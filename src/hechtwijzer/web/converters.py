from hechtwijzer.forms import DATABASE_INT_MAX
from hechtwijzer.schools.models import PUBLIC_ID_PATTERN


class PublicIdConverter:
    """Matches only well-formed public ids, so a malformed one in a URL is a plain 404."""

    regex = PUBLIC_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Int64Converter:
    """A whole number the database can hold (a BigAutoField id, a version number).

    Django's `int` converter matches any run of digits, and a number past the database's
    integer range then fails in the query or in the audit entry that records the lookup: a
    server error instead of the 404 of a record that does not exist.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > DATABASE_INT_MAX:
            raise ValueError("beyond the database's integer range")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(value)
