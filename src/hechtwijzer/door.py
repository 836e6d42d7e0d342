"""The one door from a request to a pupil's record: declare a view's policy and enforce it.

`hechtwijzer.access` decides (who may do what for which pupil); this module is where a view
asks. `pupil_view` declares the permission a view needs, looks the pupil up, asks the access
policy (`allows`), writes the audit entry and hands the pupil to the view; outside the user's
scope the pupil does not exist (404, with an "access.denied" entry). Views never look a pupil
up themselves, so the declaration the URL walk and the authorization matrix read is the check
the view makes.

It sits above `access` and `audit` and below every app with pages, so `access` stays pure
policy and `audit` needs nothing from either.
"""

from __future__ import annotations

import enum
import functools
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404

from hechtwijzer.access import Perm, allows
from hechtwijzer.audit.models import record
from hechtwijzer.schools.models import Pupil

if TYPE_CHECKING:
    from django.http import HttpRequest

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_SAME = object()  # post_action not given: the same entry as a read


class Policy(enum.StrEnum):
    """What a view declares about who may reach it. A test walks the URL configuration and
    fails on any view without a declaration (deny by default)."""

    PUBLIC = "public"  # anyone: the log-in page, the language switch, static error pages
    LOGGED_IN = "logged_in"  # any active staff account; no pupil data (e.g. the knowledge base)
    PUPIL = "pupil"  # pupil data: declared and enforced by `pupil_view`
    GROUP = "group"  # a group's page: the view looks the group up with groups_for(perm)
    SCHOOL = "school"  # a school-wide page: the view checks `perm` at that school
    ADMIN = "admin"  # the administration site: HechtwijzerAdminSite.has_permission
    # A care-team meeting: the view looks the meeting up for the user (the school's care
    # coordinator or an attendee, else 404) and shows only agenda pupils in pupils_for(perm).
    MEETING = "meeting"
    # An operation of the REST API (hechtwijzer.api): a personal token instead of a session
    # (401 JSON without one, never a log-in redirect); pupils through `pupil_for_user`, as here.
    API = "api"


def policy(kind: Policy, perm: Perm | None = None):
    """Declare a view's access policy (and require log-in for everything but PUBLIC).

    For pages without one pupil: the declaration is what the URL walk checks and what the
    authorization matrix reads; the view narrows its lists with `pupils_for`/`groups_for`.
    Pupil pages use `pupil_view`, which declares and enforces in one.
    """
    if kind is Policy.PUPIL:
        raise ValueError("a pupil's page is declared with pupil_view, which also enforces it")
    if kind in (Policy.GROUP, Policy.SCHOOL, Policy.MEETING) and perm is None:
        raise ValueError(f"a {kind} policy names the permission it checks")

    def decorate(view):
        # The API answers 401 JSON itself (its token authentication); no log-in redirect.
        wrapped = view if kind in (Policy.PUBLIC, Policy.API) else login_required(view)
        wrapped.access_policy = (kind, perm)
        return wrapped

    return decorate


def pupil_for_user(
    request: HttpRequest,
    public_id: str,
    *,
    perm: Perm,
    action: str | None,
    details: dict | None = None,
) -> Pupil:
    """Look up a pupil for a request; outside the user's scope it does not exist (404).

    Writes the audit entry: `action` (e.g. "pupil.view") when found, "access.denied" when not,
    so every read of pupil data and every refused attempt is on record. `action=None` is for
    a request that only writes through a domain function, which records the write itself.
    `details` go into both entries (the REST API names the token that asked).
    """
    # The pupil by its public id, then the object form of the policy (`allows`), rather than
    # the id filtered inside `pupils_for`'s query: the same answer (property tests hold the two
    # together, web/tests/test_policy_properties.py), but a plain query and a check in memory
    # against the memberships the request already loaded cost half the time of compiling the
    # scope's conditions into SQL, on every pupil page and every quick log.
    pupil = Pupil.objects.select_related("school", "group").filter(public_id=public_id).first()
    if pupil is None or not allows(request.user, perm, pupil):
        record(
            request=request,
            action="access.denied",
            object_type="pupil",
            object_id=public_id,
            pupil_public_id=public_id,
            details={"wanted": action or perm.value, **(details or {})},
        )
        raise Http404
    if action is not None:
        # The door's entry records the lookup; a change is recorded (and moves the school's
        # version, audit.SchoolVersion) by the domain function that makes it.
        record(request=request, action=action, pupil=pupil, change=False, details=details)
    return pupil


def reread(pupil: Pupil) -> Pupil:
    """The pupil as the door looked it up, read again: for a page kept per version of the
    school's records (audit.kept), whose content must be read after the version, while the
    door's lookup came before it. One query."""
    return Pupil.objects.select_related("school", "group").get(pk=pupil.pk)


def _shows_the_page(response) -> bool:
    """Whether a POST's answer is a page (a form shown again, or a fragment of the record), not
    a redirect after a change."""
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def pupil_view(
    perm: Perm,
    *,
    action: str | None,
    post: Perm | None = None,
    post_action: str | object | None = _SAME,
):
    """Declare and enforce a pupil page's policy; the view receives `pupil` for `public_id`.

    `perm` and `action` apply to reads; a POST needs `post` (default: `perm`) and writes
    `post_action` (default: `action`; None where the domain function records the write).
    """
    write_perm = post or perm
    write_action = action if post_action is _SAME else post_action

    def decorate(view):
        @functools.wraps(view)
        def door(request, public_id, *args, **kwargs):
            if request.method in _SAFE_METHODS:
                pupil = pupil_for_user(request, public_id, perm=perm, action=action)
                return view(request, pupil, *args, **kwargs)
            pupil = pupil_for_user(request, public_id, perm=write_perm, action=write_action)
            response = view(request, pupil, *args, **kwargs)
            if write_action is None and action is not None and _shows_the_page(response):
                # A POST the domain function did not take (a form error) shows the page again,
                # with the pupil's record: that is a read, and on the trail like one.
                record(request=request, action=action, pupil=pupil, change=False)
            return response

        wrapped = login_required(door)
        wrapped.access_policy = (Policy.PUPIL, perm)
        wrapped.write_perm = write_perm
        return wrapped

    return decorate
