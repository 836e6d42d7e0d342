"""The pupil page: the pupil's record put together from every app that holds a part of it.

It opens with the plan, what a teacher does tomorrow: the current focus card's measures the
teacher already does or will try, each with one line of how-to, the evaluation date and the
last few observations. The profile and the charts follow.

Observations (timeline, charts), the engine's profile, the care coordinator's factors and
safeguarding section, the focus card: each app answers for its own part with its own read
queries; this module only composes them for one user, who may see some parts and not others.
Every figure is computed with a fixed number of queries, whatever the number of observations.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from hechtwijzer import engine
from hechtwijzer.access import Perm, allows, may_see_factor_presence
from hechtwijzer.care.factors import weighed
from hechtwijzer.care.models import PupilFactor
from hechtwijzer.care.worklist import awaiting_decision, concern_observations
from hechtwijzer.catalog import get_catalog
from hechtwijzer.handover.queries import waiting_for
from hechtwijzer.observations.charts import (
    informant_label,
    informant_table,
    recent,
    situation_chart,
    timeline_page,
    weekly_chart,
)
from hechtwijzer.observations.profiles import (
    WINDOW_WEEKS,
    counted_groups,
    profile_from,
    window_start,
)
from hechtwijzer.plans.actions import card_rows, current_card
from hechtwijzer.plans.marks import recommendation_marks
from hechtwijzer.schools.models import Pupil
from hechtwijzer.transfer.queries import accepted_plans


def pupil_context(request, pupil) -> dict:
    """Everything the pupil page shows beyond the pupil's own record."""
    user = request.user
    today = timezone.localdate()
    catalog = get_catalog()
    start = window_start(today)

    sees_factors = allows(user, Perm.VIEW_FACTORS, pupil)
    # A teacher may see only *that* factors exist, where the school allows it.
    sees_presence = not sees_factors and may_see_factor_presence(user, pupil)
    factors = (
        list(PupilFactor.objects.filter(pupil=pupil).values_list("kind", "code"))
        if sees_factors
        else []
    )
    risks, protections = weighed(factors)
    # One query for the profile, the charts and the informant table.
    rows = recent(pupil, today, start)
    profile = profile_from(
        rows.engine_observations(start),
        pupil,
        today,
        risk_codes=risks,
        protective_codes=protections,
    )

    timeline, entries = timeline_page(user, pupil, request.GET.get("page"))

    bars = weekly_chart(rows)
    informants, informant_rows = informant_table(rows, start)
    indications = [
        {
            "match": m,
            "pattern": catalog.get("patterns", m.code),
            "signals": [
                (catalog.get("signals", s.code), s, s.code in m.specific) for s in m.signals
            ],
            "explained_by": [catalog.get("risk_factors", c) for c in m.explained_by],
        }
        for m in profile.indications
    ]

    marks = recommendation_marks(profile)

    def measure_list(found, marked=False):
        return [
            {
                "measure": catalog.get("measures", r.code),
                "addresses": [catalog.get("signals", c) for c in r.addresses],
                "mark": marks.get(r.code) if marked else None,
            }
            for r in found[:6]
        ]

    safeguarding = None
    if allows(user, Perm.VIEW_SAFEGUARDING, pupil):
        safeguarding = safeguarding_context(pupil, profile)
    concerns = []
    if allows(user, Perm.RAISE_CONCERN, pupil) and safeguarding is None:
        # Staff who do not keep the safeguarding record see what they can pass on.
        concerns = concern_observations(pupil, start)
    focus_card = current_card(pupil)
    may_keep_card = allows(user, Perm.KEEP_FOCUS_CARD, pupil)
    return {
        "focus_card": focus_card,
        "plan": plan_context(focus_card, marks),
        "latest": latest_observations(timeline, entries),
        "may_keep_card": may_keep_card,
        # The warm handover from last year's teacher, until this user marks it read: one query.
        "handover": waiting_for(user, pupil) if may_keep_card else None,
        "today": today,
        "profile": profile,
        "indications": indications,
        "signals_seen": [(catalog.get("signals", s.code), s) for s in profile.signals],
        "measures": measure_list(profile.recommended_measures, marked=True),
        "measure_ideas": measure_list(profile.measure_ideas),
        "recurring_days": engine.rules.recurring_min_days(catalog),
        "emotional_age_item": (
            catalog.get("measures", profile.emotional_age.advice) if profile.emotional_age else None
        ),
        "emotional_age_patterns": (
            [catalog.get("patterns", c) for c in profile.emotional_age.patterns]
            if profile.emotional_age
            else []
        ),
        "safeguarding": safeguarding,
        "concerns": concerns,
        "timeline": timeline,
        "entries": entries,
        "bars": bars,
        "signal_groups": counted_groups(),
        "situations": situation_chart(rows, start),
        "informants": informants,
        "informant_rows": informant_rows,
        "may_observe": allows(user, Perm.OBSERVE, pupil),
        "sees_factors": sees_factors,
        "factor_count": len(factors),
        "sees_factor_presence": sees_presence,
        "has_factors": sees_presence and PupilFactor.objects.filter(pupil=pupil).exists(),
        "may_grant": allows(user, Perm.GRANT_ACCESS, pupil),
        "may_view_audit": allows(user, Perm.VIEW_AUDIT, pupil),
        # The care coordinator decides what an access export includes (privacy.approvals).
        "may_approve_export": allows(user, Perm.APPROVE_EXPORT, pupil),
        # The care coordinator puts the pupil on a care-team meeting's agenda (meetings).
        "may_care_team": allows(user, Perm.CARE_TEAM, pupil),
        # Parent conversations, consent on the plan, the plan for the parents (parents).
        "may_work_with_parents": allows(user, Perm.WORK_WITH_PARENTS, pupil),
        # Referrals to care partners (referrals): a link only, no query.
        "may_draft_referral": allows(user, Perm.DRAFT_REFERRAL, pupil),
        # Transfer to another school: the report out, plans received in (transfer).
        "may_transfer": allows(user, Perm.TRANSFER, pupil),
        "received_plans": accepted_plans(pupil),
        "window_start": start,
        "window_weeks": WINDOW_WEEKS,
    }


def safeguarding_context(pupil, profile) -> dict:
    """The safeguarding section of the pupil page (care coordinator): the level and its
    reasons in catalog terms, the "keep an eye on" list, and whether a consult-today trigger
    is still waiting for a decision in the safeguarding record."""
    catalog = get_catalog()
    waiting = awaiting_decision(Pupil.objects.filter(pk=pupil.pk))
    return {
        "level": profile.safeguarding.level,
        "reasons": [
            {
                "reason": reason,
                "rule": catalog.get("rules", reason.code),
                "signals": [catalog.get("signals", c) for c in reason.signals],
                "patterns": [catalog.get("patterns", c) for c in reason.patterns],
                "risk_factors": [catalog.get("risk_factors", c) for c in reason.risk_factors],
                "informants": [informant_label(i) for i in reason.informants],
            }
            for reason in profile.safeguarding.reasons
        ],
        "watch": [
            {"signal": catalog.get("signals", w.code), "watch": w}
            for w in profile.safeguarding.watch
        ],
        "awaiting": waiting[0] if waiting else None,
        "country": pupil.school.country,
    }


# How many of the newest observations the plan repeats above the profile.
LATEST = 3


def plan_context(card, marks) -> dict | None:
    """The current card's chosen measures, in the card's order (catalog rows, then the
    teacher's own): two queries for a card, none without one, however much is ticked."""
    if card is None:
        return None
    lang = get_language()
    entries = {
        e.measure_code: e
        for e in card.entries.filter(Q(doing=True) | Q(trying=True)).only(
            "uid", "measure_code", "doing", "trying", "note", "card_id"
        )
    }
    rows = [
        {
            "number": measure.number_label,
            "title": measure.label.get(lang),
            "how_to": measure.how_to_line.get(lang),
            "measure": measure,
            "note": entries[measure.code].note,
            "mark": marks.get(measure.code),
            "doing": entries[measure.code].doing,
            "trying": entries[measure.code].trying,
        }
        for measure in card_rows()
        if measure.code in entries
    ]
    rows += [
        {"own": True, "title": own.text, "doing": own.doing, "trying": own.trying}
        for own in card.own_measures.filter(Q(doing=True) | Q(trying=True))
    ]
    return {
        "trying": [row for row in rows if row["trying"]],
        "doing": [row for row in rows if row["doing"]],
        "overdue": card.evaluation_due < timezone.localdate(),
    }


def latest_observations(timeline, entries) -> list[dict] | None:
    """The newest few observations that still count, from the timeline's first page (no
    query of its own); None on the timeline's later pages, which do not hold them."""
    if timeline.number != 1:
        return None
    return [e for e in entries if not e["observation"].is_withdrawn][:LATEST]
