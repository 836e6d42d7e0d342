"""The API's request and response shapes (pydantic, through django-ninja): the OpenAPI document
is generated from these and the operations' type hints, so the document cannot drift from what
the code accepts and answers."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

# --- errors ------------------------------------------------------------------------------------


class Error(Schema):
    """Every error but a validation error: one sentence saying what is wrong."""

    detail: str


class FieldError(Schema):
    loc: list[str | int] = Field(
        description='Where the problem is: ["body", "signals"], ["query", "limit"], …'
    )
    msg: str
    type: str


class ValidationErrors(Schema):
    """422: one entry per problem, each naming its field in `loc`."""

    detail: list[FieldError]


class Stale(Schema):
    """409: the record changed since the version the client sent; nothing was saved."""

    detail: str
    current_version: int
    current: dict[str, Any] | None = None


# --- paging ------------------------------------------------------------------------------------

MAX_LIMIT = 200


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items, at most 200.")
    # At most what the database's OFFSET takes (forms.DATABASE_INT_MAX, 2**63 - 1).
    offset: int = Field(0, ge=0, le=2**63 - 1, description="How many items to skip.")


class _Page(Schema):
    count: int = Field(description="How many items there are in all.")
    limit: int
    offset: int


# --- groups and pupils -------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    name: str
    school_year: int
    school_id: int
    school_name: str


class GroupPage(_Page):
    items: list[GroupOut]


class GroupRef(Schema):
    id: int
    name: str


class PupilOut(Schema):
    public_id: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    status: str
    school_id: int
    group: GroupRef | None


class PupilPage(_Page):
    items: list[PupilOut]


# --- observations ------------------------------------------------------------------------------


class ObservationOut(Schema):
    uid: str
    observed_on: datetime.date
    signals: list[str] = Field(description="Signal codes of the catalog (/catalog/signals).")
    informant: str
    setting: str
    company: str
    moment: str
    note: str
    version: int = Field(description="Send it back to correct or withdraw (optimistic locking).")
    withdrawn: bool
    withdraw_reason: str
    created_at: datetime.datetime
    may_correct: bool = Field(
        description="Whether you may correct or withdraw it now: its author for two school "
        "weeks, the care coordinator always."
    )
    may_restore: bool = Field(
        description="Whether you may undo its withdrawal now: whoever withdrew it, the same day."
    )


class ObservationPage(_Page):
    items: list[ObservationOut]


class ObservationIn(Schema):
    signals: list[str] = Field(min_length=1, description="One or more signal codes.")
    observed_on: datetime.date | None = Field(None, description="Default: today.")
    setting: str = ""
    company: str = ""
    moment: str = ""
    note: str = Field("", description="Free text, stored encrypted.")
    informant: Literal["parent", "pupil"] | None = Field(
        None, description="Care coordinator only: a report of a parent or of the pupil."
    )


class CorrectionIn(Schema):
    version: int = Field(description="The version you read.")
    signals: list[str] = Field(min_length=1)
    setting: str = ""
    company: str = ""
    moment: str = ""
    note: str = ""


class RestoreIn(Schema):
    version: int = Field(description="The version you read (of the withdrawn observation).")


class WithdrawalIn(Schema):
    version: int = Field(description="The version you read.")
    reason: Literal["mistake", "wrong_pupil", "duplicate", "not_accurate", "other"]
    explanation: str = Field("", description='Needed for reason "other"; stored encrypted.')


# --- profile -----------------------------------------------------------------------------------


class SignalCountOut(Schema):
    code: str
    count: int
    days: int


class IndicationOut(Schema):
    code: str = Field(
        description="A pattern of the catalog the signals resemble (never a diagnosis)."
    )
    matched: list[str]
    specific: list[str]
    days: int
    sources: list[dict[str, Any]]
    cautions: list[dict[str, Any]]


class RecommendationOut(Schema):
    code: str
    addresses: list[str]


class ProfileOut(Schema):
    as_of: datetime.date
    window: dict[str, Any]
    observations: dict[str, int]
    signals: list[SignalCountOut]
    indications: list[IndicationOut]
    insufficient_data: bool
    recommended_measures: list[RecommendationOut]
    measure_ideas: list[RecommendationOut]
    emotional_age: dict[str, Any] | None
    safeguarding: dict[str, Any] | None = Field(
        description="The safeguarding route: the care coordinator only, else null."
    )
    risk: dict[str, Any] | None = Field(
        description="Risk and protective factors: the care coordinator only, else null."
    )


# --- focus card --------------------------------------------------------------------------------


class CardEntryOut(Schema):
    measure: str = Field(description="A measure code of the catalog (/catalog/measures).")
    doing: bool
    trying: bool
    note: str


class OwnMeasureOut(Schema):
    text: str
    doing: bool
    trying: bool


class FocusCardOut(Schema):
    uid: str
    number: int
    period_start: datetime.date
    evaluation_due: datetime.date
    version: int = Field(description="The card's lock version; every tick raises it.")
    entries: list[CardEntryOut]
    own_measures: list[OwnMeasureOut]


class TickIn(Schema):
    measure: str
    column: Literal["doing", "trying"]
    value: bool
    seen: bool = Field(description="The value you saw; if the cell holds another now: 409.")


# --- catalog -----------------------------------------------------------------------------------


class CatalogPage(_Page):
    items: list[dict[str, Any]] = Field(
        description="Items as `hechtwijzer catalog export --format json` gives them."
    )
