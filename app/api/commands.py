"""Request bodies -> domain commands. The HTTP layer knows the JSON; the domain knows the facts."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from app.api.event_requests import (
    AcknowledgedIn,
    ActionAgreedIn,
    ActionCompletedIn,
    AssignedIn,
    ClockRestartedIn,
    ClockStoppedIn,
    ClosedIn,
    CompensationAcceptedIn,
    CompensationDeclinedIn,
    CompensationOfferedIn,
    CompensationOffsetIn,
    CompensationPaidIn,
    CompensationReversedIn,
    ContactedIn,
    DeclinedIn,
    EscalatedIn,
    EscalationRefusedIn,
    EscalationRequestedIn,
    EventRequest,
    ExtensionAgreedIn,
    LearningRecordedIn,
    NoteAddedIn,
    OmbudsmanDeterminedIn,
    OmbudsmanEvidenceProvidedIn,
    OmbudsmanEvidenceRequestedIn,
    ReferredIn,
    ReopenedIn,
    ResidentInformedIn,
    RespondedIn,
    SatisfactionRecordedIn,
)
from app.api.schemas.complaint_requests import ComplainantIn, LogComplaintRequest, RepresentativeIn
from app.domain.complaint import commands as c
from app.domain.complaint.events import Complainant, Consent, PostalAddress, Representative
from app.domain.policies.model import Policy


def log_command(
    body: LogComplaintRequest,
    *,
    landlord: str,
    policy: Policy,
    now: datetime,
    resident_id: str | None,
) -> c.LogComplaint:
    occurred_at = body.occurred_at or now
    rep = body.representative
    late = body.late_acceptance
    return c.LogComplaint(
        occurred_at=occurred_at,
        reference="",  # assigned by the service inside the logging transaction
        landlord=landlord,
        policy_id=policy.id,
        policy_version=policy.version,
        channel=body.channel,
        received_at=body.received_at or occurred_at,
        stage=body.stage,
        category=body.category,
        description=body.description,
        desired_outcome=body.desired_outcome,
        complainant=complainant(body.complainant, resident_id),
        representative=None if rep is None else representative(rep),
        anonymous=body.anonymous,
        vulnerability=body.vulnerability,
        reasonable_adjustments=body.reasonable_adjustments,
        tenure=body.tenure,
        incident_at=body.incident_at,
        late_acceptance_reason=None if late is None else late.reason,
        late_acceptance_explanation=None if late is None else late.explanation,
        uprn=body.uprn,
    )


def complainant(person: ComplainantIn, resident_id: str | None) -> Complainant:
    """The person as the request gives them; a portal's resident id (`resident_id`) wins."""
    address = person.address
    return Complainant(
        name=person.name,
        email=person.email,
        phone=person.phone,
        address=(
            None
            if address is None
            else PostalAddress(lines=tuple(address.lines), postcode=address.postcode)
        ),
        resident_id=resident_id or person.resident_id,
    )


def representative(rep: RepresentativeIn) -> Representative:
    consent = rep.consent
    return Representative(
        name=rep.name,
        relationship=rep.relationship,
        contact=rep.contact,
        kind=rep.kind,
        consent=None
        if consent is None
        else Consent(given=consent.given, recorded_at=consent.recorded_at, method=consent.method),
    )


def event_command(body: EventRequest) -> c.Command:
    at = body.occurred_at
    match body:
        case AcknowledgedIn():
            return c.Acknowledge(occurred_at=at, method=body.method, summary=body.summary)
        case ContactedIn():
            return c.RecordContact(occurred_at=at, method=body.method, summary=body.summary)
        case AssignedIn():
            return c.Assign(occurred_at=at, handler=body.handler, role=body.role, team=body.team)
        case ExtensionAgreedIn():
            return c.AgreeExtension(
                occurred_at=at,
                response_due=body.response_due,
                reason=body.reason,
                explanation=body.explanation,
            )
        case RespondedIn():
            return c.Respond(
                occurred_at=at,
                outcome=body.outcome,
                summary=body.summary,
                remedies=tuple(body.remedies),
                escalation_rights_signposted=body.escalation_rights_signposted,
                ombudsman_signposted=body.ombudsman_signposted,
            )
        case EscalationRequestedIn():
            return c.RequestEscalation(occurred_at=at, reason=body.reason)
        case EscalatedIn():
            return c.Escalate(occurred_at=at)
        case EscalationRefusedIn():
            return c.RefuseEscalation(
                occurred_at=at, reason=body.reason, explanation=body.explanation
            )
        case DeclinedIn():
            return c.Decline(occurred_at=at, reason=body.reason, explanation=body.explanation)
        case ClosedIn():
            return c.Close(occurred_at=at, reason=body.reason, summary=body.summary)
        case NoteAddedIn():
            return c.AddNote(occurred_at=at, text=body.text, visibility=body.visibility)
        case ClockStoppedIn():
            return c.StopClock(
                occurred_at=at, reason_category=body.reason_category, reason=body.reason
            )
        case ClockRestartedIn():
            return c.RestartClock(occurred_at=at, reason=body.reason)
        case ReopenedIn():
            return c.Reopen(occurred_at=at, reason=body.reason)
        case ActionAgreedIn():
            return c.AgreeAction(
                occurred_at=at,
                action_id=body.action_id,
                description=body.description,
                due=body.due,
                owner=body.owner,
            )
        case ActionCompletedIn():
            return c.CompleteAction(occurred_at=at, action_id=body.action_id, summary=body.summary)
        case SatisfactionRecordedIn():
            return c.RecordSatisfaction(
                occurred_at=at, satisfied=body.satisfied, comments=body.comments
            )
        case CompensationOfferedIn():
            return c.OfferCompensation(
                occurred_at=at,
                offer_id=body.offer_id,
                amount_pence=body.amount_pence,
                kind=body.kind,
                reason=body.reason,
            )
        case CompensationAcceptedIn():
            return c.AcceptCompensation(occurred_at=at, offer_id=body.offer_id)
        case CompensationDeclinedIn():
            return c.DeclineCompensation(occurred_at=at, offer_id=body.offer_id)
        case CompensationPaidIn():
            return c.PayCompensation(
                occurred_at=at,
                offer_id=body.offer_id,
                amount_pence=body.amount_pence,
                paid_on=body.paid_on,
                method=body.method,
                requested_on=body.requested_on,
                requested_by=body.requested_by,
            )
        case CompensationOffsetIn():
            return c.OffsetCompensation(
                occurred_at=at,
                offer_id=body.offer_id,
                amount_pence=body.amount_pence,
                offset_on=body.offset_on,
                agreed_on=body.agreed_on,
                agreed_by=body.agreed_by,
            )
        case CompensationReversedIn():
            return c.ReverseCompensation(
                occurred_at=at,
                offer_id=body.offer_id,
                amount_pence=body.amount_pence,
                settled_by=body.settled_by,
                reversed_on=body.reversed_on,
                reason=body.reason,
                explanation=body.explanation,
            )
        case ReferredIn():
            return c.Refer(occurred_at=at, to=body.to, reason=body.reason)
        case OmbudsmanEvidenceRequestedIn():
            return c.RequestOmbudsmanEvidence(occurred_at=at, due=body.due)
        case OmbudsmanEvidenceProvidedIn():
            return c.ProvideOmbudsmanEvidence(occurred_at=at)
        case OmbudsmanDeterminedIn():
            return c.RecordOmbudsmanDetermination(occurred_at=at, finding=body.finding)
        case LearningRecordedIn():
            return c.RecordLearning(
                occurred_at=at,
                root_cause=body.root_cause,
                lesson=body.lesson,
                improvement=body.improvement,
            )
        case ResidentInformedIn():
            return c.InformResident(
                occurred_at=at, about=body.about, method=body.method, summary=body.summary
            )
        case _:
            assert_never(body)
