"""The facts of a complaint's life. Names follow SPEC.md section 1; each class records one fact.

`stage` on an event is always the stage the fact concerns: for `EscalationRequested` and `Escalated`
that is the stage asked for / moved to. Times are timezone-aware; `occurred_at` is given by the
caller, never by the store. Every other field says beside its type how it is treated
(`app.domain.treatment`: personal or not, the resident's or internal, free text or structured).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, ClassVar

from app.domain.complaint.events.aftercare import (
    ActionAgreed,
    ActionCompleted,
    CompensationAccepted,
    CompensationDeclined,
    CompensationOffered,
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    LearningRecorded,
    OmbudsmanDetermined,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    Referred,
    SatisfactionRecorded,
)
from app.domain.complaint.events.people import Complainant, Representative
from app.domain.complaint.events.recorded import (
    DeadlineAlertRaised,
    LetterIssued,
    RaisedFromEnquiry,
)
from app.domain.complaint.events.vocabulary import (
    AttachmentKind,
    Channel,
    ClosureReason,
    ContactMethod,
    DeclineReason,
    ErasureReason,
    InformedOf,
    LateAcceptanceReason,
    NoteVisibility,
    Outcome,
    StopReasonCategory,
    Tenure,
)
from app.domain.treatment import (
    INTERNAL_TEXT,
    PERSONAL,
    PERSONAL_TEXT,
    RESIDENT,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Logged:
    """The complaint was received and entered, starting at `stage` of the pinned policy."""

    occurred_at: datetime
    reference: Annotated[str, RESIDENT]
    landlord: Annotated[str, RESIDENT]
    policy_id: Annotated[str, RESIDENT]
    policy_version: Annotated[int, RESIDENT]
    channel: Annotated[Channel, RESIDENT]
    received_at: Annotated[datetime, RESIDENT]
    stage: Annotated[int, RESIDENT]
    category: Annotated[str, RESIDENT]
    description: Annotated[str, PERSONAL_TEXT]
    desired_outcome: Annotated[str | None, PERSONAL_TEXT]
    complainant: Annotated[Complainant, PERSONAL]
    representative: Annotated[Representative | None, PERSONAL]
    anonymous: Annotated[bool, RESIDENT]
    vulnerability: Annotated[str | None, INTERNAL_TEXT]
    reasonable_adjustments: Annotated[str | None, PERSONAL_TEXT]
    # Since schema v3; None where the caller did not say (and for every older `logged`).
    tenure: Annotated[Tenure | None, RESIDENT] = None
    # Since schema v4 (None on every older `logged`): when the matter complained about happened,
    # and, where that is older than the pinned policy's time limit, why it was accepted anyway.
    incident_at: Annotated[date | None, RESIDENT] = None
    late_acceptance_reason: Annotated[LateAcceptanceReason | None, RESIDENT] = None
    late_acceptance_explanation: Annotated[str | None, PERSONAL_TEXT] = None
    # Since schema v5 (None on every older `logged`): the Unique Property Reference Number of the
    # home complained about. It names a household's home, so it is personal: sealed, and found
    # only through its blind index (app/events/blind_index.py).
    uprn: Annotated[str | None, PERSONAL] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Acknowledged:
    """The current stage was acknowledged to the resident."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    method: Annotated[ContactMethod | None, RESIDENT]
    summary: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Contacted:
    """The handler spoke or wrote to the resident about the current stage."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    method: Annotated[ContactMethod, RESIDENT]
    summary: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Assigned:
    """A handler (in a role, of a team) now owns the current stage."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    handler: Annotated[str, RESIDENT]
    role: Annotated[str | None, RESIDENT]
    # Since schema v2 (None on every older `assigned`): the team the handler works in, for the
    # workload view (GET /v1/workload).
    team: Annotated[str | None, RESIDENT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionAgreed:
    """The response date of the current stage moved to `response_due`, for `reason` (one of the
    pinned policy's `extension_reasons`); `explanation` is what the resident was told."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    response_due: Annotated[date, RESIDENT]
    reason: Annotated[str, RESIDENT]
    explanation: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Responded:
    """The stage response was sent to the resident."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    outcome: Annotated[Outcome, RESIDENT]
    summary: Annotated[str, PERSONAL_TEXT]
    remedies: Annotated[tuple[str, ...], RESIDENT]
    escalation_rights_signposted: Annotated[bool, RESIDENT]
    ombudsman_signposted: Annotated[bool, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class EscalationRequested:
    """The resident asked for the complaint to go to `stage` (the next one), with their reasons
    where they gave any (the Code does not ask for them; some policies do)."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    reason: Annotated[str | None, PERSONAL_TEXT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Escalated:
    """The complaint moved to `stage`; its clocks run from the escalation request."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class EscalationRefused:
    """The request to go to `stage` was refused on `reason` (one of the refusal grounds the
    pinned policy gives for the stage being left); `explanation` is what the resident was told."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    reason: Annotated[str, RESIDENT]
    explanation: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Declined:
    """Not accepted as a complaint under a policy exclusion; `explanation` was given."""

    occurred_at: datetime
    reason: Annotated[DeclineReason, RESIDENT]
    explanation: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Closed:
    """The complaint ended (terminal)."""

    occurred_at: datetime
    reason: Annotated[ClosureReason, RESIDENT]
    summary: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockStopped:
    """The clocks of the current stage stopped running, for `reason_category` (`reason` says more).

    Only where the policy allows it; the stage's unmet deadlines move later by the working days it
    stays stopped.
    """

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    reason_category: Annotated[StopReasonCategory, RESIDENT]
    reason: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockRestarted:
    """The stopped clocks of the current stage run again."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    reason: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Reopened:
    """A closed complaint was reopened at `stage`, the stage it was closed at, for `reason`.

    Only where the policy allows it. The stage starts again at the reopening, as a new record.
    """

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    reason: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonalDataErased:
    """The complaint's personal data was crypto-shredded: its data keys are destroyed, so the
    sealed fields of every earlier event now read as erased. The event itself holds none."""

    occurred_at: datetime
    reason: Annotated[ErasureReason, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteAdded:
    """A note on the case, internal or visible to the resident."""

    # A note says itself whether the resident sees it.
    AUDIENCE_FIELD: ClassVar[str] = "visibility"

    occurred_at: datetime
    text: Annotated[str, PERSONAL_TEXT]
    visibility: Annotated[NoteVisibility, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class AttachmentAdded:
    """A file was attached to the complaint as evidence: `size` bytes of `media_type` (sniffed
    from the bytes, never taken from the caller) whose SHA-256 is `sha256`, so the hash chain
    covers the file. The bytes are kept apart, sealed with the complaint's data key; `filename`
    and `description` are what the person who attached it called it, so they are personal."""

    # Like a note, the attachment says itself whether the resident sees it.
    AUDIENCE_FIELD: ClassVar[str] = "visibility"

    occurred_at: datetime
    attachment_id: Annotated[str, RESIDENT]
    kind: Annotated[AttachmentKind, RESIDENT]
    media_type: Annotated[str, RESIDENT]
    size: Annotated[int, RESIDENT]
    sha256: Annotated[str, RESIDENT]
    filename: Annotated[str, PERSONAL_TEXT]
    description: Annotated[str | None, PERSONAL_TEXT]
    visibility: Annotated[NoteVisibility, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class ResidentInformed:
    """The resident was told of `about` (the latest extension or refusal at `stage`, or the
    decline), by `method`; `summary` is what they were told."""

    occurred_at: datetime
    stage: Annotated[int, RESIDENT]
    about: Annotated[InformedOf, RESIDENT]
    method: Annotated[ContactMethod, RESIDENT]
    summary: Annotated[str | None, PERSONAL_TEXT]


ComplaintEvent = (
    Logged
    | Acknowledged
    | Contacted
    | Assigned
    | ExtensionAgreed
    | Responded
    | EscalationRequested
    | Escalated
    | EscalationRefused
    | Declined
    | Closed
    | NoteAdded
    | ClockStopped
    | ClockRestarted
    | Reopened
    | ActionAgreed
    | ActionCompleted
    | SatisfactionRecorded
    | CompensationOffered
    | CompensationAccepted
    | CompensationDeclined
    | CompensationPaid
    | CompensationOffset
    | CompensationReversed
    | Referred
    | OmbudsmanEvidenceRequested
    | OmbudsmanEvidenceProvided
    | OmbudsmanDetermined
    | LearningRecorded
    | PersonalDataErased
    | ResidentInformed
    | DeadlineAlertRaised
    | LetterIssued
    | AttachmentAdded
    | RaisedFromEnquiry
)

# The stored `type` of each event: snake_case, past tense (SPEC.md).
EVENT_TYPES: dict[type[ComplaintEvent], str] = {
    Logged: "logged",
    Acknowledged: "acknowledged",
    Contacted: "contacted",
    Assigned: "assigned",
    ExtensionAgreed: "extension_agreed",
    Responded: "responded",
    EscalationRequested: "escalation_requested",
    Escalated: "escalated",
    EscalationRefused: "escalation_refused",
    Declined: "declined",
    Closed: "closed",
    NoteAdded: "note_added",
    ClockStopped: "clock_stopped",
    ClockRestarted: "clock_restarted",
    Reopened: "reopened",
    ActionAgreed: "action_agreed",
    ActionCompleted: "action_completed",
    SatisfactionRecorded: "satisfaction_recorded",
    CompensationOffered: "compensation_offered",
    CompensationAccepted: "compensation_accepted",
    CompensationDeclined: "compensation_declined",
    CompensationPaid: "compensation_paid",
    CompensationOffset: "compensation_offset",
    CompensationReversed: "compensation_reversed",
    Referred: "referred",
    OmbudsmanEvidenceRequested: "ombudsman_evidence_requested",
    OmbudsmanEvidenceProvided: "ombudsman_evidence_provided",
    OmbudsmanDetermined: "ombudsman_determined",
    LearningRecorded: "learning_recorded",
    PersonalDataErased: "personal_data_erased",
    ResidentInformed: "resident_informed",
    DeadlineAlertRaised: "deadline_alert_raised",
    LetterIssued: "letter_issued",
    AttachmentAdded: "attachment_added",
    RaisedFromEnquiry: "raised_from_enquiry",
}
