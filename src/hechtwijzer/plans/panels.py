"""Sections that apps above `plans` add to the focus card page, without plans importing them.

The parents' view and consent on a version (`hechtwijzer.parents`) belongs on the card page
and beside each version in "All versions", but its app sits above plans. It registers a
provider here (in its AppConfig.ready()); the card page asks every provider for its section
and its notes per version. A provider checks the user's permission itself and returns None
when the user may not see its part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    html: str = ""  # a section of the card page (safe HTML, rendered from a template)
    version_notes: dict[int, str] = field(default_factory=dict)  # version number -> short text


_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    """`provider(request, pupil, card, versions) -> Panel | None`; `card` may be None (the
    empty card), `versions` the pupil's cards, newest first."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels(request, pupil, card, versions) -> list[Panel]:
    found = (provider(request, pupil, card, versions) for provider in _PROVIDERS)
    return [panel for panel in found if panel is not None]
