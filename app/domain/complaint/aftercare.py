"""Rules for what usually follows a complaint's handling: the satisfaction survey, referral to an
outside body, the Ombudsman's evidence requests and determination, and the lessons learnt.

All of them may follow the closure (the survey only follows it); they change no stage.
"""

from __future__ import annotations

from app.domain.clocks.calendar import london_date
from app.domain.complaint.commands import (
    ProvideOmbudsmanEvidence,
    RecordLearning,
    RecordOmbudsmanDetermination,
    RecordSatisfaction,
    Refer,
    RequestOmbudsmanEvidence,
)
from app.domain.complaint.errors import InvalidDueDate, ReferralNotOpen
from app.domain.complaint.events import (
    LEASE_HOLDING,
    LearningRecorded,
    OmbudsmanDetermined,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    ReferralBody,
    Referred,
    SatisfactionRecorded,
)
from app.domain.complaint.rules import refuse
from app.domain.complaint.state import ComplaintState, Status


def record_satisfaction(command: RecordSatisfaction, state: ComplaintState) -> SatisfactionRecorded:
    """One survey per closure: a reopened complaint closed again may be surveyed again."""
    if state.status is not Status.closed:
        raise refuse(state, "record satisfaction", "the survey follows the closure")
    if state.survey_since_closure is not None:
        raise refuse(
            state, "record satisfaction", "a survey has already been recorded since the closure"
        )
    return SatisfactionRecorded(
        occurred_at=command.occurred_at, satisfied=command.satisfied, comments=command.comments
    )


def refer(command: Refer, state: ComplaintState) -> Referred:
    """Any time: a resident may go to the Ombudsman before the process ends (a landlord that does
    not respond), and after it, which is usual; or be referred more than once. The First-tier
    Tribunal (Property Chamber) hears those who hold a lease only: a complaint of another tenure,
    or of tenure not recorded, is refused (`referral-not-open`)."""
    if command.to is ReferralBody.first_tier_tribunal and state.tenure not in LEASE_HOLDING:
        raise ReferralNotOpen(
            command.to.value,
            None if state.tenure is None else state.tenure.value,
            (t.value for t in LEASE_HOLDING),
        )
    return Referred(occurred_at=command.occurred_at, to=command.to, reason=command.reason)


def request_evidence(
    command: RequestOmbudsmanEvidence, state: ComplaintState
) -> OmbudsmanEvidenceRequested:
    """A request needs no recorded referral: the Ombudsman may write before the landlord records
    one. One request at a time, so that `ombudsman_evidence_provided` answers exactly one."""
    if state.evidence_outstanding:
        raise refuse(
            state,
            "record an Ombudsman evidence request",
            "the previous request is outstanding: record ombudsman_evidence_provided first",
        )
    requested_on = london_date(command.occurred_at)
    if command.due < requested_on:
        raise InvalidDueDate(command.due, requested_on)
    return OmbudsmanEvidenceRequested(occurred_at=command.occurred_at, due=command.due)


def provide_evidence(
    command: ProvideOmbudsmanEvidence, state: ComplaintState
) -> OmbudsmanEvidenceProvided:
    if not state.evidence_outstanding:
        raise refuse(
            state,
            "record Ombudsman evidence provided",
            "no Ombudsman evidence request is outstanding",
        )
    return OmbudsmanEvidenceProvided(occurred_at=command.occurred_at)


def record_determination(
    command: RecordOmbudsmanDetermination, state: ComplaintState
) -> OmbudsmanDetermined:
    """Only once the complaint was referred to the Housing Ombudsman: a determination answers a
    referral. Several may follow one referral (a review of the Ombudsman's decision)."""
    if not any(r.to is ReferralBody.housing_ombudsman for r in state.referrals):
        raise refuse(
            state,
            "record an Ombudsman determination",
            "the complaint has not been referred to the Housing Ombudsman: record referred first",
        )
    return OmbudsmanDetermined(occurred_at=command.occurred_at, finding=command.finding)


def record_learning(command: RecordLearning) -> LearningRecorded:
    """Any time after logging: the lesson is often clear only after the closure (or a decline)."""
    return LearningRecorded(
        occurred_at=command.occurred_at,
        root_cause=command.root_cause,
        lesson=command.lesson,
        improvement=command.improvement,
    )
