"""Render a complaint for a caller: clocks evaluated at a moment, fields cut to its rights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from app.api.deps import Actor
from app.api.restriction_views import in_force_view
from app.api.schemas.complaints import (
    ActionView,
    CalendarRef,
    ClockStopView,
    ClockView,
    CompensationMoneyView,
    CompensationOfferView,
    ComplainantView,
    ComplaintView,
    ConsentView,
    DeterminationView,
    EvidenceRequestView,
    InformedView,
    LateAcceptanceView,
    LearningView,
    NoteView,
    PolicyRef,
    PostalAddressView,
    ReferralView,
    RepresentativeView,
    SatisfactionView,
    StageView,
)
from app.domain.catalogue import spec_for
from app.domain.clocks.calendar import WorkingCalendar, holidays_version, london_date
from app.domain.clocks.clock import clock_status, known
from app.domain.clocks.deadlines import Clock, clocks, stage_clocks
from app.domain.clocks.policy import action_status
from app.domain.complaint.events import (
    ActionAgreed,
    ActionCompleted,
    ClockRestarted,
    ClockStopped,
    CompensationOffered,
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    Complainant,
    Consent,
    Declined,
    ExtensionAgreed,
    LearningRecorded,
    Logged,
    NoteAdded,
    OmbudsmanEvidenceRequested,
    Referred,
    Reopened,
    Representative,
    ResidentInformed,
    SatisfactionRecorded,
)
from app.domain.complaint.state import CompensationOffer, ComplaintState
from app.services.complaints import Complaint
from app.services.privacy import Reader

T = TypeVar("T")


def _calendar(
    calendar: WorkingCalendar, since: date, due: date | None, at: datetime
) -> CalendarRef:
    until = due or london_date(at)
    return CalendarRef(
        region=calendar.region,
        holidays_version=holidays_version(),
        closures=sorted(d for d in calendar.closures if since <= d <= until),
    )


def _clock(clock: Clock, calendar: WorkingCalendar, since: date, at: datetime) -> ClockView:
    return ClockView(
        calendar=_calendar(calendar, since, clock.due, at),
        stage=clock.stage,
        due=clock.due,
        met_at=clock.met_at,
        status=clock.status,
        provisional=clock.provisional,
        original_due=clock.original_due,
        extended=clock.extended,
        stopped=clock.stopped,
        paused=clock.paused,
    )


@dataclass(frozen=True, slots=True)
class Gate:
    """What of a complaint this caller may see, field by field, as the event catalogue says of
    the event field each part of the view comes from."""

    reader: Reader
    anonymous: bool

    def sees(self, event: type, field: str) -> bool:
        return self.reader.sees(spec_for(event).field(field), anonymous=self.anonymous)

    def __call__(self, event: type, field: str, value: T) -> T | None:
        return value if self.sees(event, field) else None

    def sees_event(self, event: type, data: Mapping[str, object] | None = None) -> bool:
        """Whether the caller may know an event of this type (with this data) happened."""
        return self.reader.sees_event(spec_for(event).event_type, data or {})


def complaint_view(
    complaint: Complaint, actor: Actor, *, at: datetime, as_of: datetime | None = None
) -> ComplaintView:
    state = complaint.state
    gate = Gate(actor.reader, state.anonymous)
    received = london_date(state.received_at)
    return ComplaintView(
        id=complaint.id,
        reference=state.reference,
        landlord=state.landlord,
        policy=PolicyRef(id=state.policy_id, version=state.policy_version),
        stage=state.stage,
        status=state.status,
        channel=state.channel,
        tenure=state.tenure,
        incident_at=state.incident_at,
        uprn=gate(Logged, "uprn", state.uprn),
        late_acceptance=_late_acceptance(state, gate),
        category=state.category,
        received_at=state.received_at,
        version=state.version,
        handler=state.handler,
        sla={
            name: _clock(c, complaint.calendar, received, at)
            for name, c in clocks(state, complaint.policy, complaint.calendar, at).items()
        },
        outcome={str(s.stage): s.outcome for s in state.stages if s.outcome is not None},
        stages=_stages(complaint, gate, at),
        closed_at=state.closed_at,
        personal_data_erased_at=state.personal_data_erased_at,
        from_enquiries=list(state.enquiries),
        restriction_in_force=(
            None if state.anonymous or as_of is not None else in_force_view(complaint.restriction)
        ),
        closure_reason=state.closure_reason,
        declined_at=state.declined_at,
        decline_reason=state.decline_reason,
        decline_explanation=gate(Declined, "explanation", state.decline_explanation),
        evaluated_at=at,
        as_of=as_of,
        anonymous=state.anonymous,
        description=gate(Logged, "description", state.description),
        desired_outcome=gate(Logged, "desired_outcome", state.desired_outcome),
        complainant=_complainant(state.complainant) if gate.sees(Logged, "complainant") else None,
        complainant_pseudonym=complaint.pseudonym,
        representative=_representative(state.representative)
        if gate.sees(Logged, "representative")
        else None,
        vulnerability=gate(Logged, "vulnerability", state.vulnerability),
        reasonable_adjustments=gate(Logged, "reasonable_adjustments", state.reasonable_adjustments),
        notes=_notes(state, gate),
        actions=_actions(complaint, gate, at),
        compensation=_compensation(state, gate),
        referrals=[
            ReferralView(
                referred_at=r.referred_at, to=r.to, reason=gate(Referred, "reason", r.reason)
            )
            for r in state.referrals
        ],
        ombudsman_determinations=[
            DeterminationView(determined_at=d.determined_at, finding=d.finding)
            for d in state.determinations
        ],
        ombudsman_evidence=_evidence(complaint, gate, at),
        learning=_learning(state, gate),
        satisfaction=[
            SatisfactionView(
                recorded_at=survey.recorded_at,
                satisfied=survey.satisfied,
                comments=gate(SatisfactionRecorded, "comments", survey.comments),
            )
            for survey in state.surveys
        ],
        resident_informed=[
            InformedView(
                informed_at=told.informed_at,
                stage=told.stage,
                about=told.about,
                method=told.method,
                summary=gate(ResidentInformed, "summary", told.summary),
            )
            for told in state.informed
        ],
    )


def _stages(complaint: Complaint, gate: Gate, at: datetime) -> list[StageView]:
    state, policy, calendar = complaint.state, complaint.policy, complaint.calendar
    received = london_date(state.received_at)
    return [
        StageView(
            stage=record.stage,
            name=policy.stage(record.stage).name,
            started_at=record.started_at,
            acknowledged_at=record.acknowledged_at,
            responded_at=record.responded_at,
            outcome=record.outcome,
            handler=record.handler,
            response_due_extended_to=record.response_due_extended_to,
            extension_reasons=list(record.extension_reasons)
            if gate.sees(ExtensionAgreed, "reason")
            else [],
            escalation_requested_at=record.escalation_requested_at,
            remedies=list(record.remedies),
            escalation_rights_signposted=record.escalation_rights_signposted,
            ombudsman_signposted=record.ombudsman_signposted,
            stops=[
                ClockStopView(
                    stopped_at=stop.stopped_at,
                    reason_category=stop.reason_category,
                    reason=gate(ClockStopped, "reason", stop.reason),
                    restarted_at=stop.restarted_at,
                    restart_reason=gate(ClockRestarted, "reason", stop.restart_reason),
                )
                for stop in record.stops
            ],
            closed_at=record.closed_at,
            closure_reason=record.closure_reason,
            reopened=record.reopened,
            reopen_reason=gate(Reopened, "reason", record.reopen_reason),
            sla={
                name: _clock(c, calendar, received, at)
                for name, c in stage_clocks(state, record, policy, calendar, at).items()
            },
        )
        for record in state.stages
    ]


def _complainant(complainant: Complainant) -> ComplainantView:
    address = complainant.address
    return ComplainantView(
        name=complainant.name,
        email=complainant.email,
        phone=complainant.phone,
        address=None
        if address is None
        else PostalAddressView(lines=list(address.lines), postcode=address.postcode),
        resident_id=complainant.resident_id,
    )


def _representative(representative: Representative | None) -> RepresentativeView | None:
    if representative is None:
        return None
    return RepresentativeView(
        name=representative.name,
        relationship=representative.relationship,
        contact=representative.contact,
        kind=representative.kind,
        consent=_consent(representative.consent),
    )


def _consent(consent: Consent | None) -> ConsentView | None:
    if consent is None:
        return None
    return ConsentView(given=consent.given, recorded_at=consent.recorded_at, method=consent.method)


def _late_acceptance(state: ComplaintState, gate: Gate) -> LateAcceptanceView | None:
    """Why a matter older than the policy's time limit was taken on (`logged` v4)."""
    if state.late_acceptance_reason is None:
        return None
    return LateAcceptanceView(
        reason=state.late_acceptance_reason,
        explanation=gate(Logged, "late_acceptance_explanation", state.late_acceptance_explanation),
    )


def _notes(state: ComplaintState, gate: Gate) -> list[NoteView]:
    shown = [
        note
        for note in state.notes
        if gate.sees_event(NoteAdded, {"visibility": note.visibility.value})
    ]
    return [
        NoteView(
            occurred_at=note.occurred_at,
            text=gate(NoteAdded, "text", note.text),
            visibility=note.visibility,
        )
        for note in shown
    ]


def _actions(complaint: Complaint, gate: Gate, at: datetime) -> list[ActionView]:
    return [
        ActionView(
            action_id=action.action_id,
            description=gate(ActionAgreed, "description", action.description),
            due=action.due,
            owner=gate(ActionAgreed, "owner", action.owner),
            agreed_at=action.agreed_at,
            completed_at=action.completed_at,
            summary=gate(ActionCompleted, "summary", action.summary),
            status=action_status(action, complaint.policy, complaint.calendar, at),
        )
        for action in complaint.state.actions
    ]


def _compensation(state: ComplaintState, gate: Gate) -> list[CompensationOfferView]:
    return [
        CompensationOfferView(
            offer_id=offer.offer_id,
            amount_pence=offer.amount_pence,
            kind=offer.kind,
            reason=gate(CompensationOffered, "reason", offer.reason),
            offered_at=offer.offered_at,
            status=offer.status,
            answered_at=offer.answered_at,
            money=_offer_money(offer, gate),
        )
        for offer in state.compensation
    ]


def _offer_money(offer: CompensationOffer, gate: Gate) -> CompensationMoneyView:
    """The payments, offsets and reversals of one offer (their fields are the resident's: every
    reader that sees the offer sees them)."""
    return CompensationMoneyView(
        paid_pence=gate(CompensationPaid, "amount_pence", offer.paid_pence) or 0,
        offset_pence=gate(CompensationOffset, "amount_pence", offer.offset_pence) or 0,
        outstanding_pence=offer.outstanding_pence,
        last_paid_on=gate(CompensationPaid, "paid_on", offer.last_paid_on),
        last_offset_on=gate(CompensationOffset, "offset_on", offer.last_offset_on),
        reversed_pence=gate(CompensationReversed, "amount_pence", offer.reversed_pence) or 0,
    )


def _evidence(complaint: Complaint, gate: Gate, at: datetime) -> list[EvidenceRequestView]:
    if not gate.sees_event(OmbudsmanEvidenceRequested):
        return []
    return [
        EvidenceRequestView(
            requested_at=request.requested_at,
            due=request.due,
            provided_at=request.provided_at,
            status=clock_status(
                request.due,
                known(request.provided_at, at),
                at=at,
                policy=complaint.policy,
                calendar=complaint.calendar,
            ),
        )
        for request in complaint.state.evidence_requests
    ]


def _learning(state: ComplaintState, gate: Gate) -> list[LearningView]:
    if not gate.sees_event(LearningRecorded):
        return []
    return [
        LearningView(
            recorded_at=learnt.recorded_at,
            root_cause=gate(LearningRecorded, "root_cause", learnt.root_cause),
            lesson=gate(LearningRecorded, "lesson", learnt.lesson),
            improvement=gate(LearningRecorded, "improvement", learnt.improvement),
        )
        for learnt in state.learning
    ]
