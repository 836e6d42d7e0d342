"""A row in every model that holds data about a pupil, with a findable marker in every
encrypted field. `missing_models()` names the pupil models this helper does not fill yet: the
tests fail on it, so a new model cannot go without erasure and export coverage."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from hechtwijzer.behaviour.models import BehaviourCard, DayProgramme, ProgrammeBlock, Score
from hechtwijzer.care.models import PupilFactor, SafeguardingConcern, SafeguardingStep
from hechtwijzer.catalog import get_catalog
from hechtwijzer.fields import EncryptedTextField
from hechtwijzer.handover.models import Acknowledgement, Handover
from hechtwijzer.meetings.models import AgendaItem, Meeting, MeetingDecision
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.parents.models import ParentConversation, PlanConsent
from hechtwijzer.plans.models import (
    CardEntry,
    Evaluation,
    FocusCard,
    MeasureOutcome,
    OwnMeasure,
    PupilVoice,
)
from hechtwijzer.privacy.graph import pupil_models
from hechtwijzer.privacy.models import ExportApproval, RetentionHold
from hechtwijzer.readlinks.models import ReadLink, token_hash
from hechtwijzer.referrals.models import Referral
from hechtwijzer.schools.models import PupilAccessGrant
from hechtwijzer.transfer.models import IncludedItem, ReceivedPlan, Transfer


def marker(pupil, label: str, field: str) -> str:
    return f"zqx{pupil.first_name}.{label}.{field}qxz"


def encrypted_markers(pupil) -> list[str]:
    """The marker of every encrypted field of every pupil model."""
    return [
        marker(pupil, entry.label, field.name)
        for entry in pupil_models()
        for field in entry.model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def _m(pupil, model, field):
    return marker(pupil, model._meta.label, field)


def fill_pupil(pupil, *, author, coordinator, other, hold: bool = False) -> None:
    catalog = get_catalog()
    today = timezone.localdate()
    signal = catalog.signals[0]
    observation = Observation.objects.create(
        pupil=pupil,
        author=author,
        informant="group_teacher",
        observed_on=today,
        setting="free",
        note=_m(pupil, Observation, "note"),
        # Only a withdrawn observation has one; set here so every encrypted field is covered.
        withdraw_explanation=_m(pupil, Observation, "withdraw_explanation"),
    )
    ObservationSignal.objects.create(
        observation=observation,
        code=signal.code,
        pupil=pupil,
        observed_on=today,
        signal_group=signal.group,
        informant="group_teacher",
    )
    PupilFactor.objects.create(
        pupil=pupil,
        kind="risk",
        code=catalog.risk_factors[0].code,
        note=_m(pupil, PupilFactor, "note"),
        recorded_by=coordinator,
    )
    concern = SafeguardingConcern.objects.create(
        pupil=pupil,
        route="nl_meldcode",
        raised_by=coordinator,
        raised_on=today,
        concern=_m(pupil, SafeguardingConcern, "concern"),
    )
    concern.observations.add(observation)
    SafeguardingStep.objects.create(
        concern=concern,
        step="map",
        done_on=today,
        consulted=_m(pupil, SafeguardingStep, "consulted"),
        decision=_m(pupil, SafeguardingStep, "decision"),
        recorded_by=coordinator,
    )
    card = FocusCard.objects.create(
        pupil=pupil,
        number=1,
        period_start=today - datetime.timedelta(days=42),
        evaluation_due=today,
        author=author,
        reason=_m(pupil, FocusCard, "reason"),
    )
    card.co_teachers.add(other)
    CardEntry.objects.create(
        card=card, measure_code="sticordi_01", doing=True, note=_m(pupil, CardEntry, "note")
    )
    own = OwnMeasure.objects.create(card=card, text=_m(pupil, OwnMeasure, "text"), trying=True)
    evaluation = Evaluation.objects.create(
        card=card,
        evaluated_on=today,
        evaluated_by=coordinator,
        decision="refer",
        referrals=[catalog.referrals[0].code],
        next_evaluation=today + datetime.timedelta(days=42),
        summary=_m(pupil, Evaluation, "summary"),
        figures={"before": 1, "during": 0},
    )
    MeasureOutcome.objects.create(
        evaluation=evaluation,
        measure_code="sticordi_01",
        outcome="worked",
        note=_m(pupil, MeasureOutcome, "note"),
    )
    MeasureOutcome.objects.create(evaluation=evaluation, own_measure=own, outcome="partly")
    PupilVoice.objects.create(
        card=card,
        kind="helps",
        text=_m(pupil, PupilVoice, "text"),
        said_on=today,
        recorded_by=author,
    )
    ParentConversation.objects.create(
        pupil=pupil,
        held_on=today,
        attendees=_m(pupil, ParentConversation, "attendees"),
        at_home=_m(pupil, ParentConversation, "at_home"),
        agreements=_m(pupil, ParentConversation, "agreements"),
        card=card,
        recorded_by=author,
    )
    PlanConsent.objects.create(
        card=card,
        pupil=pupil,
        status="given",
        decided_on=today,
        parents_view=_m(pupil, PlanConsent, "parents_view"),
        recorded_by=author,
    )
    handover = Handover.objects.create(
        pupil=pupil,
        school_year=today.year if today.month >= 8 else today.year - 1,
        start_with=_m(pupil, Handover, "start_with"),
        author=author,
    )
    Acknowledgement.objects.create(handover=handover, user=author)
    ReadLink.objects.create(
        token_hash=token_hash(f"seed-{pupil.public_id}"),
        kind="parent_plan",
        target=str(card.uid),
        options={"agreements": None, "lang": "nl"},
        pupil=pupil,
        recipient=_m(pupil, ReadLink, "recipient"),
        created_by=author,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    behaviour = BehaviourCard.objects.create(
        pupil=pupil,
        goal_1=_m(pupil, BehaviourCard, "goal_1"),
        goal_2=_m(pupil, BehaviourCard, "goal_2"),
        goal_3=_m(pupil, BehaviourCard, "goal_3"),
        day_parts="morning,afternoon",
        starts_on=today,
        created_by=author,
    )
    Score.objects.create(
        card=behaviour, goal=1, day=today, day_part="morning", value=2, scored_by=author
    )
    programme = DayProgramme.objects.create(
        pupil=pupil, title=_m(pupil, DayProgramme, "title"), created_by=author
    )
    ProgrammeBlock.objects.create(
        programme=programme,
        position=1,
        starts_at=datetime.time(8, 30),
        label=_m(pupil, ProgrammeBlock, "label"),
        pictogram="arrive",
    )
    PupilAccessGrant.objects.create(
        pupil=pupil, user=other, capacity="gym teacher", granted_by=coordinator
    )
    ExportApproval.objects.create(
        pupil=pupil,
        approved_by=coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=14),
        include_care=True,
        safeguarding="withhold",
        safeguarding_reason=_m(pupil, ExportApproval, "safeguarding_reason"),
    )
    meeting = Meeting.objects.create(
        school_id=pupil.school_id,
        starts_at=timezone.now(),
        title="Zorgteam",
        created_by=coordinator,
    )
    meeting.attendees.set([coordinator, author])
    item = AgendaItem.objects.create(
        meeting=meeting,
        pupil=pupil,
        question=_m(pupil, AgendaItem, "question"),
        minutes=_m(pupil, AgendaItem, "minutes"),
        added_by=coordinator,
    )
    MeetingDecision.objects.create(
        item=item,
        what=_m(pupil, MeetingDecision, "what"),
        owner=author,
        due_on=today,
        created_by=coordinator,
    )
    referral = Referral.objects.create(
        pupil=pupil,
        partner="wijkteam",
        professional=_m(pupil, Referral, "professional"),
        organisation=_m(pupil, Referral, "organisation"),
        question=_m(pupil, Referral, "question"),
        safeguarding_reason=_m(pupil, Referral, "safeguarding_reason"),
        consent="given",
        consent_on=today,
        consent_by=author,
        consent_exception_reason=_m(pupil, Referral, "consent_exception_reason"),
        status="answered",
        sent_on=today,
        sent_by=coordinator,
        answered_on=today,
        answer=_m(pupil, Referral, "answer"),
        created_by=author,
    )
    referral.observations.set([observation])
    transfer = Transfer.objects.create(
        pupil=pupil,
        receiving_school="De Linde",
        parents_viewed_on=today,
        parents_view=_m(pupil, Transfer, "parents_view"),
        objection=_m(pupil, Transfer, "objection"),
        updated_by=coordinator,
    )
    IncludedItem.objects.create(
        transfer=transfer,
        kind="observation",
        source_uid=observation.uid,
        reason=_m(pupil, IncludedItem, "reason"),
        included_by=coordinator,
    )
    ReceivedPlan.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        transfer_id=uuid.uuid4(),
        sending_school="Vorige school",
        sending_country="NL",
        exported_on=today,
        format_version=1,
        content_json=_m(pupil, ReceivedPlan, "content_json"),
    )
    if hold:
        RetentionHold.objects.create(
            pupil=pupil, reason=_m(pupil, RetentionHold, "reason"), placed_by=coordinator
        )


def missing_models(pupil, *, allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        entry.label
        for entry in pupil_models()
        if entry.label not in allowed and not entry.rows(pupil).exists()
    ]
