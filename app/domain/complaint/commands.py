"""What a caller asks to happen to a complaint. `decide` turns a command into events or refuses it.

Each command is named for the event it asks for (`Acknowledge` -> `acknowledged`). The stage is
never given: it is the current stage, taken from the state. Ids, references, the pinned policy and
the current time come in with the command, so `decide` reads no clock and no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.complaint.events import (
    AttachmentKind,
    Channel,
    ClosureReason,
    CompensationKind,
    Complainant,
    ContactMethod,
    DeclineReason,
    ErasureReason,
    InformedOf,
    LateAcceptanceReason,
    LetterKind,
    NoteVisibility,
    OmbudsmanFinding,
    Outcome,
    PaymentMethod,
    ReferralBody,
    Representative,
    ReversalReason,
    Satisfaction,
    Settlement,
    StopReasonCategory,
    Tenure,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class LogComplaint:
    occurred_at: datetime
    reference: str
    landlord: str
    policy_id: str
    policy_version: int
    channel: Channel
    received_at: datetime
    stage: int | None  # None: the policy's first stage
    category: str
    description: str
    desired_outcome: str | None
    complainant: Complainant
    representative: Representative | None
    anonymous: bool
    vulnerability: str | None
    reasonable_adjustments: str | None
    tenure: Tenure | None = None
    incident_at: date | None = None  # when the matter complained about happened
    late_acceptance_reason: LateAcceptanceReason | None = None  # why, if older than the limit
    late_acceptance_explanation: str | None = None
    uprn: str | None = None  # the home's Unique Property Reference Number


@dataclass(frozen=True, kw_only=True, slots=True)
class Acknowledge:
    occurred_at: datetime
    method: ContactMethod | None = None
    summary: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordContact:
    occurred_at: datetime
    method: ContactMethod
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Assign:
    occurred_at: datetime
    handler: str
    role: str | None = None
    team: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AgreeExtension:
    occurred_at: datetime
    response_due: date
    reason: str
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Respond:
    occurred_at: datetime
    outcome: Outcome
    summary: str
    remedies: tuple[str, ...] = ()
    escalation_rights_signposted: bool = False
    ombudsman_signposted: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestEscalation:
    occurred_at: datetime
    reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Escalate:
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class RefuseEscalation:
    occurred_at: datetime
    reason: str
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Decline:
    occurred_at: datetime
    reason: DeclineReason
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Close:
    occurred_at: datetime
    reason: ClosureReason
    summary: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AddNote:
    occurred_at: datetime
    text: str
    visibility: NoteVisibility = NoteVisibility.internal


@dataclass(frozen=True, kw_only=True, slots=True)
class AddAttachment:
    """Attach a file already accepted (`app.domain.evidence.accept`) and stored under
    `attachment_id`: the command carries what the event records of it, never its bytes."""

    occurred_at: datetime
    attachment_id: str
    kind: AttachmentKind
    media_type: str
    size: int
    sha256: str
    filename: str
    description: str | None = None
    visibility: NoteVisibility = NoteVisibility.internal


@dataclass(frozen=True, kw_only=True, slots=True)
class StopClock:
    occurred_at: datetime
    reason_category: StopReasonCategory
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RestartClock:
    occurred_at: datetime
    reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Reopen:
    occurred_at: datetime
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AgreeAction:
    occurred_at: datetime
    action_id: str
    description: str
    due: date
    owner: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompleteAction:
    occurred_at: datetime
    action_id: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordSatisfaction:
    occurred_at: datetime
    satisfied: Satisfaction
    comments: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OfferCompensation:
    occurred_at: datetime
    offer_id: str
    amount_pence: int
    kind: CompensationKind
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AcceptCompensation:
    occurred_at: datetime
    offer_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DeclineCompensation:
    occurred_at: datetime
    offer_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PayCompensation:
    occurred_at: datetime
    offer_id: str
    amount_pence: int
    paid_on: date
    method: PaymentMethod
    # The resident's request, for a rent_account_credit only.
    requested_on: date | None = None
    requested_by: ContactMethod | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OffsetCompensation:
    occurred_at: datetime
    offer_id: str
    amount_pence: int
    offset_on: date
    agreed_on: date
    agreed_by: ContactMethod


@dataclass(frozen=True, kw_only=True, slots=True)
class ReverseCompensation:
    occurred_at: datetime
    offer_id: str
    amount_pence: int
    settled_by: Settlement
    reversed_on: date
    reason: ReversalReason
    explanation: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Refer:
    occurred_at: datetime
    to: ReferralBody
    reason: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestOmbudsmanEvidence:
    occurred_at: datetime
    due: date


@dataclass(frozen=True, kw_only=True, slots=True)
class ProvideOmbudsmanEvidence:
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordOmbudsmanDetermination:
    occurred_at: datetime
    finding: OmbudsmanFinding


@dataclass(frozen=True, kw_only=True, slots=True)
class LinkEnquiry:
    """Say which enquiry the complaint came from (the feedback service, converting it)."""

    occurred_at: datetime
    feedback_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ErasePersonalData:
    occurred_at: datetime
    reason: ErasureReason


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordLearning:
    occurred_at: datetime
    root_cause: str
    lesson: str
    improvement: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InformResident:
    occurred_at: datetime
    about: InformedOf
    method: ContactMethod
    summary: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class IssueLetter:
    """Record that a letter the service rendered was sent: `sha256` of the bytes sent."""

    occurred_at: datetime
    kind: LetterKind
    stage: int
    template_id: str
    template_version: int
    sha256: str
    method: ContactMethod


Command = (
    LogComplaint
    | Acknowledge
    | RecordContact
    | Assign
    | AgreeExtension
    | Respond
    | RequestEscalation
    | Escalate
    | RefuseEscalation
    | Decline
    | Close
    | AddNote
    | AddAttachment
    | StopClock
    | RestartClock
    | Reopen
    | AgreeAction
    | CompleteAction
    | RecordSatisfaction
    | OfferCompensation
    | AcceptCompensation
    | DeclineCompensation
    | PayCompensation
    | OffsetCompensation
    | ReverseCompensation
    | Refer
    | RequestOmbudsmanEvidence
    | ProvideOmbudsmanEvidence
    | RecordOmbudsmanDetermination
    | RecordLearning
    | ErasePersonalData
    | InformResident
    | IssueLetter
    | LinkEnquiry
)
