"""Fold events into state. Pure, and trusting: an event reaching here was accepted by `decide`
(or was stored, which is the same), so only the impossible-to-fold cases raise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import assert_never

from app.domain.complaint.errors import AlreadyLogged, NotLogged
from app.domain.complaint.events import (
    Acknowledged,
    ActionAgreed,
    ActionCompleted,
    Assigned,
    AttachmentAdded,
    ClockRestarted,
    ClockStopped,
    Closed,
    CompensationAccepted,
    CompensationDeclined,
    CompensationOffered,
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    ComplaintEvent,
    Contacted,
    DeadlineAlertRaised,
    Declined,
    Escalated,
    EscalationRefused,
    EscalationRequested,
    ExtensionAgreed,
    LearningRecorded,
    LetterIssued,
    Logged,
    NoteAdded,
    OmbudsmanDetermined,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    PersonalDataErased,
    RaisedFromEnquiry,
    Referred,
    Reopened,
    ResidentInformed,
    Responded,
    SatisfactionRecorded,
)
from app.domain.complaint.informing import informed
from app.domain.complaint.money import settled
from app.domain.complaint.state import (
    AgreedAction,
    Attachment,
    ClockStop,
    CompensationOffer,
    ComplaintState,
    Determination,
    EvidenceRequest,
    Learning,
    Note,
    OfferStatus,
    RaisedAlert,
    Referral,
    StageRecord,
    Status,
    SurveyResult,
)
from app.domain.records import changed


def fold(events: Iterable[ComplaintEvent]) -> ComplaintState | None:
    """The state after `events`, or None for an empty stream."""
    state: ComplaintState | None = None
    for event in events:
        state = evolve(state, event)
    return state


def evolve(state: ComplaintState | None, event: ComplaintEvent) -> ComplaintState:
    if isinstance(event, Logged):
        if state is not None:
            raise AlreadyLogged()
        return _logged(event)
    if state is None:
        raise NotLogged()
    # An alert is the service's, raised when it looked: a fact the landlord records later may have
    # happened before it (an acknowledgement made by phone and entered late), so an alert never
    # moves the moment the next event must not be earlier than.
    alert = isinstance(event, DeadlineAlertRaised)
    return changed(
        _apply(state, event),
        version=state.version + 1,
        last_occurred_at=state.last_occurred_at if alert else event.occurred_at,
    )


def _logged(event: Logged) -> ComplaintState:
    return ComplaintState(
        reference=event.reference,
        landlord=event.landlord,
        policy_id=event.policy_id,
        policy_version=event.policy_version,
        channel=event.channel,
        tenure=event.tenure,
        received_at=event.received_at,
        category=event.category,
        description=event.description,
        desired_outcome=event.desired_outcome,
        complainant=event.complainant,
        representative=event.representative,
        anonymous=event.anonymous,
        vulnerability=event.vulnerability,
        reasonable_adjustments=event.reasonable_adjustments,
        incident_at=event.incident_at,
        late_acceptance_reason=event.late_acceptance_reason,
        late_acceptance_explanation=event.late_acceptance_explanation,
        uprn=event.uprn,
        status=Status.open,
        stage=event.stage,
        stages=(StageRecord(stage=event.stage, started_at=event.received_at),),
        requested_stage=None,
        handler=None,
        closed_at=None,
        closure_reason=None,
        declined_at=None,
        decline_reason=None,
        decline_explanation=None,
        notes=(),
        version=1,
        last_occurred_at=event.occurred_at,
    )


def _with_current(state: ComplaintState, record: StageRecord) -> tuple[StageRecord, ...]:
    return (*state.stages[:-1], record)


def _apply(state: ComplaintState, event: ComplaintEvent) -> ComplaintState:
    current = state.current
    match event:
        case Logged():
            raise AlreadyLogged()
        case Acknowledged(occurred_at=at):
            return changed(state, stages=_with_current(state, changed(current, acknowledged_at=at)))
        case Contacted(occurred_at=at):
            if current.contacted_at is not None:
                return state
            return changed(state, stages=_with_current(state, changed(current, contacted_at=at)))
        case Assigned(handler=handler, role=role, team=team):
            record = changed(current, handler=handler, handler_role=role)
            return changed(state, handler=handler, team=team, stages=_with_current(state, record))
        case ExtensionAgreed(occurred_at=at, response_due=due, reason=reason):
            record = changed(
                current,
                response_due_extended_to=due,
                response_due_extended_at=at,
                extension_reasons=(*current.extension_reasons, reason),
            )
            return changed(state, stages=_with_current(state, record))
        case Responded():
            record = changed(
                current,
                responded_at=event.occurred_at,
                outcome=event.outcome,
                remedies=event.remedies,
                escalation_rights_signposted=event.escalation_rights_signposted,
                ombudsman_signposted=event.ombudsman_signposted,
            )
            return changed(state, status=Status.responded, stages=_with_current(state, record))
        case EscalationRequested(occurred_at=at, stage=stage):
            first = current.escalation_first_requested_at or at
            record = changed(
                current, escalation_requested_at=at, escalation_first_requested_at=first
            )
            return changed(
                state,
                status=Status.escalation_requested,
                requested_stage=stage,
                stages=_with_current(state, record),
            )
        case Escalated(occurred_at=at, stage=stage):
            # The new stage starts at the request, as the Code's stage 2 clocks do.
            started = current.escalation_requested_at or at
            return changed(
                state,
                status=Status.open,
                stage=stage,
                stages=(*state.stages, StageRecord(stage=stage, started_at=started)),
                requested_stage=None,
                handler=None,
                team=None,
            )
        case EscalationRefused(reason=reason):
            record = changed(
                current,
                escalation_requested_at=None,
                escalation_refused_reasons=(*current.escalation_refused_reasons, reason),
            )
            back = Status.responded if current.responded_at is not None else Status.open
            return changed(
                state, status=back, requested_stage=None, stages=_with_current(state, record)
            )
        case Declined(occurred_at=at, reason=reason, explanation=explanation):
            return changed(
                state,
                status=Status.declined,
                declined_at=at,
                decline_reason=reason,
                decline_explanation=explanation,
            )
        case Closed(occurred_at=at, reason=reason):
            record = changed(current, closed_at=at, closure_reason=reason)
            return changed(
                state,
                status=Status.closed,
                closed_at=at,
                closure_reason=reason,
                requested_stage=None,
                stages=_with_current(state, record),
            )
        case Reopened(occurred_at=at, stage=stage, reason=reason):
            # A fresh record for the same stage, so its clocks run again from the reopening; the
            # handler who closed it keeps it until it is reassigned.
            record = StageRecord(
                stage=stage,
                started_at=at,
                handler=current.handler,
                handler_role=current.handler_role,
                reopened=True,
                reopen_reason=reason,
            )
            return changed(
                state,
                status=Status.open,
                stages=(*state.stages, record),
                closed_at=None,
                closure_reason=None,
            )
        case NoteAdded(occurred_at=at, text=text, visibility=visibility):
            note = Note(occurred_at=at, text=text, visibility=visibility)
            return changed(state, notes=(*state.notes, note))
        case ClockStopped(occurred_at=at, reason_category=category, reason=reason):
            stop = ClockStop(stopped_at=at, reason_category=category, reason=reason)
            record = changed(current, stops=(*current.stops, stop))
            return changed(state, stages=_with_current(state, record))
        case ClockRestarted(occurred_at=at, reason=reason):
            *earlier, last = current.stops
            restarted = replace(last, restarted_at=at, restart_reason=reason)
            record = changed(current, stops=(*earlier, restarted))
            return changed(state, stages=_with_current(state, record))
        case ActionAgreed():
            action = AgreedAction(
                action_id=event.action_id,
                description=event.description,
                due=event.due,
                owner=event.owner,
                agreed_at=event.occurred_at,
            )
            return changed(state, actions=(*state.actions, action))
        case ActionCompleted(occurred_at=at, action_id=action_id, summary=summary):
            actions = tuple(
                replace(a, completed_at=at, summary=summary) if a.action_id == action_id else a
                for a in state.actions
            )
            return changed(state, actions=actions)
        case SatisfactionRecorded(occurred_at=at, satisfied=satisfied, comments=comments):
            survey = SurveyResult(recorded_at=at, satisfied=satisfied, comments=comments)
            return changed(state, surveys=(*state.surveys, survey))
        case CompensationOffered():
            offer = CompensationOffer(
                offer_id=event.offer_id,
                amount_pence=event.amount_pence,
                kind=event.kind,
                reason=event.reason,
                offered_at=event.occurred_at,
            )
            return changed(state, compensation=(*state.compensation, offer))
        case CompensationAccepted(occurred_at=at, offer_id=offer_id):
            return _answer(state, offer_id, OfferStatus.accepted, at)
        case CompensationDeclined(occurred_at=at, offer_id=offer_id):
            return _answer(state, offer_id, OfferStatus.declined, at)
        case CompensationPaid() | CompensationOffset() | CompensationReversed():
            return settled(state, event)
        case Referred(occurred_at=at, to=to, reason=reason):
            referral = Referral(referred_at=at, to=to, reason=reason)
            return changed(state, referrals=(*state.referrals, referral))
        case OmbudsmanEvidenceRequested(occurred_at=at, due=due):
            request = EvidenceRequest(requested_at=at, due=due)
            return changed(state, evidence_requests=(*state.evidence_requests, request))
        case OmbudsmanEvidenceProvided(occurred_at=at):
            *before, latest = state.evidence_requests
            answered = replace(latest, provided_at=at)
            return changed(state, evidence_requests=(*before, answered))
        case OmbudsmanDetermined(occurred_at=at, finding=finding):
            determination = Determination(determined_at=at, finding=finding)
            return changed(state, determinations=(*state.determinations, determination))
        case PersonalDataErased(occurred_at=at):
            return changed(state, personal_data_erased_at=at)
        case LearningRecorded(occurred_at=at):
            learnt = Learning(
                recorded_at=at,
                root_cause=event.root_cause,
                lesson=event.lesson,
                improvement=event.improvement,
            )
            return changed(state, learning=(*state.learning, learnt))
        case ResidentInformed():
            return informed(state, event)
        case LetterIssued():
            # A letter reports facts already folded; the stream keeps which, and its hash.
            return state
        case DeadlineAlertRaised():
            raised = RaisedAlert(
                clock=event.clock,
                stage=event.stage,
                due=event.due,
                working_days_before=event.working_days_before,
            )
            return changed(state, alerts=(*state.alerts, raised))
        case AttachmentAdded():
            attached = Attachment(
                attachment_id=event.attachment_id,
                attached_at=event.occurred_at,
                kind=event.kind,
                media_type=event.media_type,
                size=event.size,
                sha256=event.sha256,
                filename=event.filename,
                description=event.description,
                visibility=event.visibility,
            )
            return changed(state, attachments=(*state.attachments, attached))
        case RaisedFromEnquiry(feedback_id=feedback_id):
            return changed(state, enquiries=(*state.enquiries, feedback_id))
        case _:
            assert_never(event)


def _answer(
    state: ComplaintState, offer_id: str, status: OfferStatus, at: datetime
) -> ComplaintState:
    offers = tuple(
        replace(o, status=status, answered_at=at) if o.offer_id == offer_id else o
        for o in state.compensation
    )
    return changed(state, compensation=offers)
