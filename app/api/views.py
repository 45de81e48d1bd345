"""Render a complaint for a caller: clocks evaluated at a moment, fields cut to its rights."""

from __future__ import annotations

from datetime import date, datetime

from app.api.deps import Actor
from app.api.schemas.complaints import (
    ActionView,
    CalendarRef,
    ClockStopView,
    ClockView,
    CompensationOfferView,
    ComplainantView,
    ComplaintView,
    DeterminationView,
    EvidenceRequestView,
    LearningView,
    NoteView,
    PolicyRef,
    PostalAddressView,
    ReferralView,
    RepresentativeView,
    SatisfactionView,
    StageView,
)
from app.api.schemas.events import EventView
from app.domain.clocks.calendar import WorkingCalendar, holidays_version, london_date
from app.domain.clocks.clock import clock_status, known
from app.domain.clocks.deadlines import Clock, clocks, stage_clocks
from app.domain.clocks.policy import action_status
from app.domain.complaint.events import NoteVisibility
from app.events.store import StoredEvent
from app.events.streams import is_landlord_stream, landlord_of_stream
from app.services.complaints import Complaint
from app.services.privacy import visible_data


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


def complaint_view(
    complaint: Complaint, actor: Actor, *, at: datetime, as_of: datetime | None = None
) -> ComplaintView:
    state, policy, calendar = complaint.state, complaint.policy, complaint.calendar
    received = london_date(state.received_at)
    personal = actor.sees_personal_data
    identity = actor.sees_identity(state)
    stages = [
        StageView(
            stage=record.stage,
            name=policy.stage(record.stage).name,
            started_at=record.started_at,
            acknowledged_at=record.acknowledged_at,
            responded_at=record.responded_at,
            outcome=record.outcome,
            handler=record.handler,
            response_due_extended_to=record.response_due_extended_to,
            extension_reasons=list(record.extension_reasons),
            escalation_requested_at=record.escalation_requested_at,
            remedies=list(record.remedies),
            escalation_rights_signposted=record.escalation_rights_signposted,
            ombudsman_signposted=record.ombudsman_signposted,
            stops=[
                ClockStopView(
                    stopped_at=stop.stopped_at,
                    reason_category=stop.reason_category,
                    reason=stop.reason if personal else None,
                    restarted_at=stop.restarted_at,
                    restart_reason=stop.restart_reason if personal else None,
                )
                for stop in record.stops
            ],
            closed_at=record.closed_at,
            closure_reason=record.closure_reason,
            reopened=record.reopened,
            reopen_reason=record.reopen_reason if personal else None,
            sla={
                name: _clock(c, calendar, received, at)
                for name, c in stage_clocks(state, record, policy, calendar, at).items()
            },
        )
        for record in state.stages
    ]
    complainant = state.complainant
    representative = state.representative
    return ComplaintView(
        id=complaint.id,
        reference=state.reference,
        landlord=state.landlord,
        policy=PolicyRef(id=state.policy_id, version=state.policy_version),
        stage=state.stage,
        status=state.status,
        channel=state.channel,
        tenure=state.tenure,
        category=state.category,
        received_at=state.received_at,
        version=state.version,
        handler=state.handler,
        sla={
            name: _clock(c, calendar, received, at)
            for name, c in clocks(state, policy, calendar, at).items()
        },
        outcome={str(s.stage): s.outcome for s in state.stages if s.outcome is not None},
        stages=stages,
        closed_at=state.closed_at,
        personal_data_erased_at=state.personal_data_erased_at,
        closure_reason=state.closure_reason,
        declined_at=state.declined_at,
        decline_reason=state.decline_reason,
        decline_explanation=state.decline_explanation,
        evaluated_at=at,
        as_of=as_of,
        anonymous=state.anonymous,
        description=state.description if personal else None,
        desired_outcome=state.desired_outcome if personal else None,
        complainant=(
            ComplainantView(
                name=complainant.name,
                email=complainant.email,
                phone=complainant.phone,
                address=(
                    None
                    if complainant.address is None
                    else PostalAddressView(
                        lines=list(complainant.address.lines),
                        postcode=complainant.address.postcode,
                    )
                ),
                resident_id=complainant.resident_id,
            )
            if identity
            else None
        ),
        complainant_pseudonym=complaint.pseudonym,
        representative=(
            RepresentativeView(
                name=representative.name,
                relationship=representative.relationship,
                contact=representative.contact,
            )
            if identity and representative is not None
            else None
        ),
        vulnerability=state.vulnerability if personal else None,
        reasonable_adjustments=state.reasonable_adjustments if personal else None,
        notes=[
            NoteView(occurred_at=note.occurred_at, text=note.text, visibility=note.visibility)
            for note in state.notes
            if actor.sees_internal_notes or note.visibility is NoteVisibility.resident
        ],
        actions=[
            ActionView(
                action_id=action.action_id,
                description=action.description if personal else None,
                due=action.due,
                owner=action.owner,
                agreed_at=action.agreed_at,
                completed_at=action.completed_at,
                summary=action.summary if personal else None,
                status=action_status(action, policy, calendar, at),
            )
            for action in state.actions
        ],
        compensation=[
            CompensationOfferView(
                offer_id=offer.offer_id,
                amount_pence=offer.amount_pence,
                kind=offer.kind,
                reason=offer.reason if personal else None,
                offered_at=offer.offered_at,
                status=offer.status,
                answered_at=offer.answered_at,
            )
            for offer in state.compensation
        ],
        referrals=[
            ReferralView(
                referred_at=referral.referred_at,
                to=referral.to,
                reason=referral.reason if personal else None,
            )
            for referral in state.referrals
        ],
        ombudsman_determinations=[
            DeterminationView(determined_at=d.determined_at, finding=d.finding)
            for d in state.determinations
        ],
        ombudsman_evidence=[
            EvidenceRequestView(
                requested_at=request.requested_at,
                due=request.due,
                provided_at=request.provided_at,
                status=clock_status(
                    request.due,
                    known(request.provided_at, at),
                    at=at,
                    policy=policy,
                    calendar=calendar,
                ),
            )
            for request in state.evidence_requests
        ],
        learning=[
            LearningView(
                recorded_at=learnt.recorded_at,
                root_cause=learnt.root_cause if personal else None,
                lesson=learnt.lesson if personal else None,
                improvement=learnt.improvement if personal else None,
            )
            for learnt in state.learning
        ],
        satisfaction=[
            SatisfactionView(
                recorded_at=survey.recorded_at,
                satisfied=survey.satisfied,
                comments=survey.comments if personal else None,
            )
            for survey in state.surveys
        ],
    )


def event_view(event: StoredEvent, actor: Actor, pseudonym: str | None = None) -> EventView:
    return EventView(
        position=event.position,
        stream_id=event.stream_id,
        complaint_id=None if is_landlord_stream(event.stream_id) else event.stream_id,
        landlord_id=(
            landlord_of_stream(event.stream_id) if is_landlord_stream(event.stream_id) else None
        ),
        version=event.version,
        type=event.type,
        schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        data=visible_data(
            event,
            personal=actor.sees_personal_data,
            identity=actor.sees_anonymous_identity,
            pseudonym=pseudonym,
        ),
        metadata=dict(event.metadata),
        hash=event.hash,
        previous_hash=event.previous_hash,
    )
