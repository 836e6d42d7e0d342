from hechtwijzer.schools.models import PUBLIC_ID_PATTERN


class PublicIdConverter:
    """Matches only well-formed public ids, so a malformed one in a URL is a plain 404."""

    regex = PUBLIC_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
