"""The kinds of document a read link can show: a registry, so the apps that own a document
plug it in without this app importing them (it sits below them).

An app registers its kind in its AppConfig.ready(): the code stored on the link, a label, the
permission the document's content needs (on top of `Perm.SHARE_DOCUMENTS`), a check of what a
link will point to, and the renderer that makes the document when the link is opened. The
parents' printout (`hechtwijzer.parents`, "parent_plan") is the first; the referral summary
for a care partner plugs in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hechtwijzer.access import Perm

    from .models import ReadLink


@dataclass(frozen=True)
class Document:
    """What a link serves: one file, shown inline (a PDF opens in the browser's viewer)."""

    content: bytes
    content_type: str
    disposition: str  # the Content-Disposition header: inline, with a safe file name


@dataclass(frozen=True)
class DocumentKind:
    code: str  # stored on the link: "parent_plan"
    label: Callable[[], str]  # translated when shown: "plan for the parents"
    permission: Perm  # what the maker (and whoever revokes) needs for the pupil
    # Raises ValidationError when the target or the options do not fit the pupil; returns the
    # options to store (codes and uids only).
    check: Callable[..., dict]
    render: Callable[[ReadLink], Document]  # the document as it is now
    default_days: int = 14
    max_days: int = 30


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"a read-link kind {kind.code!r} is registered already")
    if not 1 <= kind.default_days <= kind.max_days:
        raise ValueError("a link's default lifetime lies between 1 day and its maximum")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
