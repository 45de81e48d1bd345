"""A complaint's current state: what its events add up to. Built only by `evolve`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.complaint.events import (
    AttachmentKind,
    Channel,
    ClosureReason,
    CompensationKind,
    Complainant,
    ContactMethod,
    DeclineReason,
    InformedOf,
    LateAcceptanceReason,
    NoteVisibility,
    OmbudsmanFinding,
    Outcome,
    ReferralBody,
    Representative,
    Satisfaction,
    StopReasonCategory,
    Tenure,
)


class Status(StrEnum):
    open = "open"  # the current stage awaits its response
    responded = "responded"  # the current stage has been responded to
    escalation_requested = "escalation_requested"  # the resident asked for the next stage
    closed = "closed"  # terminal
    declined = "declined"  # terminal: not accepted as a complaint


TERMINAL = frozenset({Status.closed, Status.declined})


@dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    occurred_at: datetime
    text: str
    visibility: NoteVisibility


@dataclass(frozen=True, kw_only=True, slots=True)
class Attachment:
    """A file attached as evidence: what `attachment_added` recorded of it (its bytes are kept
    apart, sealed)."""

    attachment_id: str
    attached_at: datetime
    kind: AttachmentKind
    media_type: str
    size: int
    sha256: str
    filename: str
    description: str | None
    visibility: NoteVisibility


@dataclass(frozen=True, kw_only=True, slots=True)
class AgreedAction:
    """A remedial action and, once done, its completion."""

    action_id: str
    description: str
    due: date
    owner: str | None
    agreed_at: datetime
    completed_at: datetime | None = None
    summary: str | None = None  # what was done


class OfferStatus(StrEnum):
    offered = "offered"  # awaiting the resident's answer
    accepted = "accepted"
    declined = "declined"


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationOffer:
    offer_id: str
    amount_pence: int
    kind: CompensationKind
    reason: str
    offered_at: datetime
    status: OfferStatus = OfferStatus.offered
    answered_at: datetime | None = None
    # Money settled once accepted: paid to the resident, and set against their rent arrears, each
    # net of what was reversed (`reversed_pence`, both together: failed or recorded in error).
    paid_pence: int = 0
    offset_pence: int = 0
    last_paid_on: date | None = None
    last_offset_on: date | None = None
    reversed_pence: int = 0

    @property
    def outstanding_pence(self) -> int:
        """What is still to pay of an accepted offer (0 for one not accepted)."""
        if self.status is not OfferStatus.accepted:
            return 0
        return self.amount_pence - self.paid_pence - self.offset_pence


@dataclass(frozen=True, kw_only=True, slots=True)
class Referral:
    referred_at: datetime
    to: ReferralBody
    reason: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Determination:
    determined_at: datetime
    finding: OmbudsmanFinding


@dataclass(frozen=True, kw_only=True, slots=True)
class EvidenceRequest:
    """One request of the Ombudsman for the case file, and when it was answered."""

    requested_at: datetime
    due: date
    provided_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Informing:
    """The resident was told of an extension, a refusal or the decline, and how."""

    informed_at: datetime
    stage: int
    about: InformedOf
    method: ContactMethod
    summary: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class RaisedAlert:
    """A deadline alert already raised: the clock (its name and stage), the due date it was
    raised against, and its point (working days before the due date; None: the breach)."""

    clock: str
    stage: int
    due: date
    working_days_before: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Learning:
    recorded_at: datetime
    root_cause: str
    lesson: str
    improvement: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SurveyResult:
    recorded_at: datetime
    satisfied: Satisfaction
    comments: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockStop:
    """One stop of a stage's clocks; open until `restarted_at`."""

    stopped_at: datetime
    reason_category: StopReasonCategory
    reason: str
    restarted_at: datetime | None = None
    restart_reason: str | None = None


# Not slotted: the fold copies it on every event with `changed` (app/domain/records.py).
@dataclass(frozen=True, kw_only=True)
class StageRecord:
    """What happened at one stage the complaint entered."""

    stage: int
    # Receipt for the stage the complaint was logged at; the escalation request for later stages,
    # because the Code runs a later stage's clocks from the request.
    started_at: datetime
    acknowledged_at: datetime | None = None
    responded_at: datetime | None = None
    outcome: Outcome | None = None
    response_due_extended_to: date | None = None  # the latest agreed extension
    # When it was agreed: a stop begun before then does not move the agreed date (clocks/stops.py).
    response_due_extended_at: datetime | None = None
    extension_reasons: tuple[str, ...] = ()
    handler: str | None = None
    handler_role: str | None = None
    contacted_at: datetime | None = None  # the first contact only
    # The pending or accepted request to leave this stage; a refused request clears it (the
    # refusal's reason stays in escalation_refused_reasons).
    escalation_requested_at: datetime | None = None
    escalation_refused_reasons: tuple[str, ...] = ()
    # The first request to leave this stage, kept when refused: the escalation window was met by
    # the resident asking in time, whatever the landlord then decided.
    escalation_first_requested_at: datetime | None = None
    remedies: tuple[str, ...] = ()
    escalation_rights_signposted: bool = False
    ombudsman_signposted: bool = False
    stops: tuple[ClockStop, ...] = ()  # in order; only the last may still be open
    # The stage was closed here (and the complaint later reopened, if a record follows).
    closed_at: datetime | None = None
    closure_reason: ClosureReason | None = None
    reopened: bool = False  # this record restarts, at `started_at`, a stage closed earlier
    reopen_reason: str | None = None

    @property
    def clock_stopped(self) -> bool:
        """Whether the stage's clocks are stopped now (its last stop has not been restarted)."""
        return bool(self.stops) and self.stops[-1].restarted_at is None


# Not slotted: the fold copies it on every event with `changed` (app/domain/records.py).
@dataclass(frozen=True, kw_only=True)
class ComplaintState:
    reference: str
    landlord: str
    policy_id: str
    policy_version: int
    channel: Channel
    tenure: Tenure | None  # the complainant's home, where the complaint says
    received_at: datetime
    category: str
    description: str
    desired_outcome: str | None
    complainant: Complainant
    representative: Representative | None
    anonymous: bool
    vulnerability: str | None
    reasonable_adjustments: str | None
    status: Status
    stage: int
    # One per stage entered (and per reopening), in order; the last is the current.
    stages: tuple[StageRecord, ...]
    requested_stage: int | None  # set only while status is escalation_requested
    handler: str | None  # the current stage's handler: a new stage starts unassigned
    closed_at: datetime | None  # the current closure: cleared by a reopening
    closure_reason: ClosureReason | None
    declined_at: datetime | None
    decline_reason: DeclineReason | None
    decline_explanation: str | None
    notes: tuple[Note, ...]
    version: int  # how many events were folded
    last_occurred_at: datetime
    # The complaint-wide records, each in the order it was made.
    actions: tuple[AgreedAction, ...] = ()
    surveys: tuple[SurveyResult, ...] = ()
    compensation: tuple[CompensationOffer, ...] = ()
    referrals: tuple[Referral, ...] = ()
    determinations: tuple[Determination, ...] = ()  # the Ombudsman's, in order
    evidence_requests: tuple[EvidenceRequest, ...] = ()
    learning: tuple[Learning, ...] = ()
    informed: tuple[Informing, ...] = ()  # what the resident was told of, and how
    alerts: tuple[RaisedAlert, ...] = ()  # the deadline alerts raised, so none is raised twice
    attachments: tuple[Attachment, ...] = ()  # the evidence files, in the order attached
    enquiries: tuple[str, ...] = ()  # the enquiries (feedback ids) converted into it
    personal_data_erased_at: datetime | None = None  # the last erasure
    # `logged` v4: when the matter happened, and why it was taken on if out of the policy's time.
    incident_at: date | None = None
    late_acceptance_reason: LateAcceptanceReason | None = None
    late_acceptance_explanation: str | None = None
    uprn: str | None = None  # `logged` v5: the home's Unique Property Reference Number
    team: str | None = None  # the current handler's team (`assigned` v2); a new stage has none

    @property
    def current(self) -> StageRecord:
        return self.stages[-1]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def outstanding_actions(self) -> tuple[AgreedAction, ...]:
        return tuple(a for a in self.actions if a.completed_at is None)

    def action(self, action_id: str) -> AgreedAction | None:
        return next((a for a in self.actions if a.action_id == action_id), None)

    @property
    def evidence_outstanding(self) -> bool:
        """Whether the Ombudsman's latest request for evidence awaits the file."""
        return bool(self.evidence_requests) and self.evidence_requests[-1].provided_at is None

    def attachment(self, attachment_id: str) -> Attachment | None:
        return next((a for a in self.attachments if a.attachment_id == attachment_id), None)

    def offer(self, offer_id: str) -> CompensationOffer | None:
        return next((o for o in self.compensation if o.offer_id == offer_id), None)

    @property
    def survey_since_closure(self) -> SurveyResult | None:
        """The survey answering the current closure, if one was recorded."""
        closed = self.closed_at
        return next((s for s in self.surveys if closed and s.recorded_at >= closed), None)

    @property
    def ended_at(self) -> datetime | None:
        """When the complaint ended (closed or declined), or None while it is live."""
        return self.closed_at if self.closed_at is not None else self.declined_at
