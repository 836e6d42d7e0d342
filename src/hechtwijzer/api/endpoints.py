"""The REST API, `/api/v1/` (django-ninja): the same access policy and audit trail as the pages.

Every request carries a personal token (`Authorization: Bearer hw_…`, api/tokens.py); there is
no session and no cookie, so no CSRF surface. The token acts as its user: pupils are looked up
through the door (`door.pupil_for_user`, the pages' lookup), so a pupil outside the user's scope
is 404 with "access.denied" on the trail, and every read is recorded under the action the pages
use ("pupil.view", "focuscard.view", "pupil.list"). Changes go through the domain functions the
pages call (observations.actions, plans.actions), with their rules and their audit entries.

Errors are JSON: 401 (no usable token), 403 (a read-only token on a write), 404 (not found or
outside scope), 409 (stale version, with the current one), 422 (validation, naming the field),
429 (rate limit, with Retry-After). The catalog is public and needs no token.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DomainError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows, groups_for, memberships, pupils_for
from hechtwijzer.audit.models import record
from hechtwijzer.care.factors import weighed
from hechtwijzer.care.models import PupilFactor
from hechtwijzer.catalog import get_catalog
from hechtwijzer.catalog.export import export_json
from hechtwijzer.door import pupil_for_user
from hechtwijzer.forms import DATABASE_INT_MAX
from hechtwijzer.locking import StaleVersion
from hechtwijzer.observations import actions as observation_actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.observations.profiles import build_profile
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.schools.models import PUBLIC_ID_PATTERN, current_school_year

from . import tokens
from .schemas import (
    CatalogPage,
    CorrectionIn,
    Error,
    FocusCardOut,
    GroupPage,
    ObservationIn,
    ObservationOut,
    ObservationPage,
    Paging,
    ProfileOut,
    PupilOut,
    PupilPage,
    RestoreIn,
    Stale,
    TickIn,
    ValidationErrors,
    WithdrawalIn,
)


class ReadOnlyToken(Exception):
    """A token with read scope asked to change something (403)."""


class RateLimited(Exception):
    """The token used up its requests of this window (429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's user becomes the request's user, for the
    access policy and the audit trail; then the request is counted against the token's rate
    limit."""

    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        if request.method not in SAFE_METHODS and not found.may_write:
            # Checked before the body is read: a read token learns nothing about a write.
            raise ReadOnlyToken
        retry_after = tokens.count_request(found)
        if retry_after is not None:
            raise RateLimited(retry_after)
        return found


api = NinjaAPI(
    title="Hechtwijzer API",
    version="1",
    description=(
        "Token-authenticated REST API under the same access policy and audit trail as the "
        "pages. See the README, section 'REST API'."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    # Our own page renders the operations (api/views.py): nothing is loaded from elsewhere.
    docs_url=None,
)

# Answers every authenticated operation may give, for the OpenAPI document.
READ_ERRORS = {401: Error, 404: Error, 422: ValidationErrors, 429: Error}
WRITE_ERRORS = {**READ_ERRORS, 403: Error}


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        {
            "detail": _(
                "Send a valid API token: Authorization: Bearer <token>. It may be "
                "unknown, expired or revoked."
            )
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(ReadOnlyToken)
def _read_only(request, exc):
    return api.create_response(
        request,
        {"detail": _("This token may only read. Use a token with write access.")},
        status=403,
    )


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = api.create_response(
        request,
        {
            "detail": _("Too many requests with this token. Try again in %(seconds)d seconds.")
            % {"seconds": exc.retry_after}
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def _not_allowed(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    message = str(exc) if exc.args else _("Not found.")
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(DomainError)
def _invalid(request, exc):
    """A domain function's ValidationError in the same shape as the API's own 422."""
    # Domain functions check what the request's body sent: the body parameter is `data` in
    # every operation, so a field's place reads as in ninja's own 422 (["body", "data", …]).
    where = ["body", "data"]
    if hasattr(exc, "error_dict"):
        problems = [
            {"loc": [*where, field], "msg": message, "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        problems = [{"loc": where, "msg": m, "type": "value_error"} for m in exc.messages]
    return api.create_response(request, {"detail": problems}, status=422)


def _page(queryset: QuerySet, paging: Paging, convert) -> dict:
    """One page of `queryset` with the total count: two queries, whatever the offset."""
    window = queryset[paging.offset : paging.offset + paging.limit]
    return {
        "count": queryset.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [convert(item) for item in window],
    }


# --- groups and pupils -------------------------------------------------------------------------

_PUBLIC_ID = re.compile(PUBLIC_ID_PATTERN)


def _lookup(request, public_id: str, *, perm: Perm, action: str | None):
    """The door's pupil lookup (404 outside scope, with the audit entry). A malformed public id
    is a plain 404, as in the pages' URLs (web/converters.py), before any query or entry."""
    if not _PUBLIC_ID.fullmatch(public_id):
        raise Http404
    return pupil_for_user(request, public_id, perm=perm, action=action, details=_via(request))


def _via(request) -> dict:
    """What an API read adds to its audit entry: the token that asked (its prefix)."""
    return {"api_token": request.auth.prefix}


def _group(group) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "school_year": group.school_year,
        "school_id": group.school_id,
        "school_name": group.school.name,
    }


def _pupil(pupil) -> dict:
    group = pupil.group
    return {
        "public_id": pupil.public_id,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "date_of_birth": pupil.date_of_birth,
        "status": pupil.status,
        "school_id": pupil.school_id,
        "group": {"id": group.pk, "name": group.name} if group else None,
    }


@api.get("/groups", response={200: GroupPage, **READ_ERRORS}, tags=["pupils"])
def list_groups(request, paging: Query[Paging]):
    """The groups of this school year whose pupils you may see (no pupil data)."""
    groups = (
        groups_for(request.user, Perm.VIEW_PUPIL)
        .filter(school_year=current_school_year())
        .select_related("school")
        .order_by("school__name", "name", "pk")
    )
    return _page(groups, paging, _group)


def _pupils(request) -> QuerySet:
    return (
        pupils_for(request.user, Perm.VIEW_PUPIL)
        .select_related("group")
        .order_by("sort_name", "first_name", "pk")
    )


@api.get("/pupils", response={200: PupilPage, **READ_ERRORS}, tags=["pupils"])
def list_pupils(request, paging: Query[Paging]):
    """Every pupil you may see, as the home page lists them. Recorded as `pupil.list` per
    school, as the home page is."""
    for membership in memberships(request.user):
        record(
            action="pupil.list",
            request=request,
            school_id=membership.school_id,
            object_type="school",
            object_id=membership.school_id,
            details=_via(request),
        )
    return _page(_pupils(request), paging, _pupil)


@api.get("/groups/{group_id}/pupils", response={200: PupilPage, **READ_ERRORS}, tags=["pupils"])
def list_group_pupils(request, group_id: int, paging: Query[Paging]):
    """The pupils of one group you may see. Recorded as `pupil.list` of the group, as the
    group page is."""
    if not 1 <= group_id <= DATABASE_INT_MAX:
        raise Http404  # no such group, and no number the database could be asked about
    group = groups_for(request.user, Perm.VIEW_PUPIL).filter(pk=group_id).first()
    if group is None:
        raise Http404
    record(
        action="pupil.list",
        request=request,
        school_id=group.school_id,
        object_type="group",
        object_id=group.pk,
        details=_via(request),
    )
    return _page(_pupils(request).filter(group=group), paging, _pupil)


@api.get("/pupils/{public_id}", response={200: PupilOut, **READ_ERRORS}, tags=["pupils"])
def pupil_detail(request, public_id: str):
    """One pupil (`pupil.view`, as the pupil page)."""
    return _pupil(_lookup(request, public_id, perm=Perm.VIEW_PUPIL, action="pupil.view"))


# --- observations ------------------------------------------------------------------------------


def _observation(user, pupil):
    def convert(observation) -> dict:
        return {
            "uid": str(observation.uid),
            "observed_on": observation.observed_on,
            "signals": observation.signal_codes,
            "informant": observation.informant,
            "setting": observation.setting,
            "company": observation.company,
            "moment": observation.moment,
            "note": observation.note,
            "version": observation.version,
            "withdrawn": observation.is_withdrawn,
            "withdraw_reason": observation.withdraw_reason,
            "created_at": observation.created_at,
            "may_correct": observation_actions.may_correct(user, observation, pupil),
            "may_restore": observation_actions.may_restore(user, observation),
        }

    return convert


@api.get(
    "/pupils/{public_id}/observations",
    response={200: ObservationPage, **READ_ERRORS},
    tags=["observations"],
)
def list_observations(request, public_id: str, paging: Query[Paging]):
    """The pupil's observations, newest first, withdrawn ones marked (`pupil.view`: the
    timeline of the pupil page)."""
    pupil = _lookup(request, public_id, perm=Perm.VIEW_PUPIL, action="pupil.view")
    observations = (
        Observation.objects.filter(pupil=pupil)
        .prefetch_related("signal_rows")
        .order_by("-observed_on", "-created_at", "-pk")
    )
    return _page(observations, paging, _observation(request.user, pupil))


@api.post(
    "/pupils/{public_id}/observations",
    response={201: ObservationOut, **WRITE_ERRORS},
    tags=["observations"],
)
def create_observation(request, public_id: str, data: ObservationIn):
    """Log an observation, as the quick log does (`observation.create`)."""
    pupil = _lookup(request, public_id, perm=Perm.OBSERVE, action=None)
    observation = observation_actions.log_observation(
        actor=request.user,
        pupil=pupil,
        signals=data.signals,
        observed_on=data.observed_on,
        setting=data.setting,
        company=data.company,
        moment=data.moment,
        note=data.note,
        informant=data.informant,
    )
    return Status(201, _observation(request.user, pupil)(observation))


def _correctable(request, public_id: str, uid: uuid.UUID):
    """The observation to correct or withdraw: 404 unless the user may do so now (its author
    for two school weeks, the care coordinator always), as on the correction page."""
    pupil = _lookup(request, public_id, perm=Perm.OBSERVE, action=None)
    observation = (
        Observation.objects.select_related("pupil")
        .prefetch_related("signal_rows")
        .filter(pupil=pupil, uid=uid)
        .first()
    )
    if observation is None or not observation_actions.may_correct(request.user, observation, pupil):
        raise Http404
    return pupil, observation


def _stale(stale: StaleVersion):
    return Status(
        409,
        {
            "detail": _("This observation was changed in the meantime. Nothing was saved."),
            "current_version": stale.current.version,
            "current": None,
        },
    )


@api.put(
    "/pupils/{public_id}/observations/{uid}",
    response={200: ObservationOut, 409: Stale, **WRITE_ERRORS},
    tags=["observations"],
)
def correct_observation(request, public_id: str, uid: uuid.UUID, data: CorrectionIn):
    """Correct an observation (`observation.change`); `version` is the one you read."""
    pupil, observation = _correctable(request, public_id, uid)
    try:
        corrected = observation_actions.correct_observation(
            actor=request.user,
            observation=observation,
            expected_version=data.version,
            signals=data.signals,
            setting=data.setting,
            company=data.company,
            moment=data.moment,
            note=data.note,
        )
    except StaleVersion as stale:
        return _stale(stale)
    return _observation(request.user, pupil)(corrected)


@api.post(
    "/pupils/{public_id}/observations/{uid}/withdraw",
    response={200: ObservationOut, 409: Stale, **WRITE_ERRORS},
    tags=["observations"],
)
def withdraw_observation(request, public_id: str, uid: uuid.UUID, data: WithdrawalIn):
    """Withdraw an observation with a reason (`observation.withdraw`); it stays, marked, and
    no longer counts."""
    pupil, observation = _correctable(request, public_id, uid)
    try:
        withdrawn = observation_actions.withdraw_observation(
            actor=request.user,
            observation=observation,
            expected_version=data.version,
            reason=data.reason,
            explanation=data.explanation,
        )
    except StaleVersion as stale:
        return _stale(stale)
    return _observation(request.user, pupil)(withdrawn)


@api.post(
    "/pupils/{public_id}/observations/{uid}/restore",
    response={200: ObservationOut, 409: Stale, **WRITE_ERRORS},
    tags=["observations"],
)
def restore_observation(request, public_id: str, uid: uuid.UUID, data: RestoreIn):
    """Undo a withdrawal (`observation.restore`): whoever withdrew it, the same day, as the
    pupil page's "Undo"; 404 for anyone else or later. The observation counts again."""
    pupil = _lookup(request, public_id, perm=Perm.OBSERVE, action=None)
    observation = Observation.objects.filter(pupil=pupil, uid=uid).first()
    if observation is None or not observation_actions.may_restore(request.user, observation):
        raise Http404
    observation.pupil = pupil  # the door's lookup: restore_observation checks the policy on it
    try:
        restored = observation_actions.restore_observation(
            actor=request.user, observation=observation, expected_version=data.version
        )
    except StaleVersion as stale:
        return _stale(stale)
    return _observation(request.user, pupil)(restored)


# --- profile -----------------------------------------------------------------------------------


@api.get("/pupils/{public_id}/profile", response={200: ProfileOut, **READ_ERRORS}, tags=["profile"])
def profile(request, public_id: str):
    """What the pupil page shows of the signals of the last 8 weeks: counts, the patterns of
    the sources they resemble (never a diagnosis), measures that answer them. The safeguarding
    route and the factors only for whom the pupil page shows them (`pupil.view`)."""
    pupil = _lookup(request, public_id, perm=Perm.VIEW_PUPIL, action="pupil.view")
    sees_factors = allows(request.user, Perm.VIEW_FACTORS, pupil)
    factors = (
        list(PupilFactor.objects.filter(pupil=pupil).values_list("kind", "code"))
        if sees_factors
        else []
    )
    risks, protections = weighed(factors)
    found = engine.profile_to_json(
        build_profile(pupil, timezone.localdate(), risk_codes=risks, protective_codes=protections)
    )
    if not allows(request.user, Perm.VIEW_SAFEGUARDING, pupil):
        found["safeguarding"] = None
    if not sees_factors:
        found["risk"] = None
    return found


# --- focus card --------------------------------------------------------------------------------


def _card(card) -> dict:
    return {
        "uid": str(card.uid),
        "number": card.number,
        "period_start": card.period_start,
        "evaluation_due": card.evaluation_due,
        "version": card.lock_version,
        "entries": [
            {"measure": e.measure_code, "doing": e.doing, "trying": e.trying, "note": e.note}
            for e in card.entries.order_by("pk")
        ],
        "own_measures": [
            {"text": own.text, "doing": own.doing, "trying": own.trying}
            for own in card.own_measures.all()
        ],
    }


@api.get(
    "/pupils/{public_id}/focus-card",
    response={200: FocusCardOut, **READ_ERRORS},
    tags=["focus card"],
)
def focus_card(request, public_id: str):
    """The pupil's current focus card (`focuscard.view`); 404 while the pupil has none."""
    pupil = _lookup(request, public_id, perm=Perm.VIEW_PUPIL, action="focuscard.view")
    card = plan_actions.current_card(pupil)
    if card is None:
        raise Http404(_("This pupil has no focus card yet."))
    return _card(card)


@api.post(
    "/pupils/{public_id}/focus-card/ticks",
    response={200: FocusCardOut, 409: Stale, **WRITE_ERRORS},
    tags=["focus card"],
)
def tick(request, public_id: str, data: TickIn):
    """Tick or untick one column of one measure, as a tap on the card does
    (`focuscard.tick`); starts the card when the pupil has none. `seen` is the value you saw:
    if the cell holds another now, 409 with the card's current version and the cell."""
    pupil = _lookup(request, public_id, perm=Perm.KEEP_FOCUS_CARD, action=None)
    try:
        card = plan_actions.set_column(
            actor=request.user,
            pupil=pupil,
            measure_code=data.measure,
            column=data.column,
            value=data.value,
            seen=data.seen,
        )
    except StaleVersion as stale:
        card = stale.current
        entry = card.entries.filter(measure_code=data.measure).first()
        return Status(
            409,
            {
                "detail": _("This cell was changed in the meantime. Nothing was saved."),
                "current_version": card.lock_version,
                "current": {
                    "measure": data.measure,
                    "column": data.column,
                    "value": bool(entry and getattr(entry, data.column)),
                    "open": card.is_open,
                },
            },
        )
    return _card(card)


# --- catalog -----------------------------------------------------------------------------------

# The export of the loaded catalog, by its content hash: the catalog never changes while a
# process runs, and every server holds the same one, so this per-process copy is never stale.
_EXPORTS: dict[str, dict[str, Any]] = {}


def _catalog_items(kind: str) -> list[dict[str, Any]]:
    loaded = get_catalog()
    if loaded.content_hash not in _EXPORTS:
        _EXPORTS[loaded.content_hash] = export_json(loaded)
    return _EXPORTS[loaded.content_hash][kind]


@api.get(
    "/catalog/{kind}",
    response={200: CatalogPage, 422: ValidationErrors},
    auth=None,
    tags=["catalog"],
)
def catalog(request, kind: Literal["signals", "measures", "patterns"], paging: Query[Paging]):
    """The knowledge catalog's signals, measures or patterns with their codes and sources
    (public, read-only, no token): the items of `hechtwijzer catalog export`."""
    items = _catalog_items(kind)
    return {
        "count": len(items),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": items[paging.offset : paging.offset + paging.limit],
    }
