"""The facts of a complaint's life. Names follow SPEC.md section 1; each class records one fact.

`stage` on an event is always the stage the fact concerns: for `EscalationRequested` and `Escalated`
that is the stage asked for / moved to. Times are timezone-aware; `occurred_at` is given by the
caller, never by the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Channel(StrEnum):
    phone = "phone"
    email = "email"
    letter = "letter"
    web = "web"
    portal = "portal"
    in_person = "in_person"
    social_media = "social_media"
    other = "other"


class ContactMethod(StrEnum):
    phone = "phone"
    email = "email"
    letter = "letter"
    in_person = "in_person"
    video = "video"
    text_message = "text_message"


class Outcome(StrEnum):
    upheld = "upheld"
    partly_upheld = "partly_upheld"
    not_upheld = "not_upheld"


class DeclineReason(StrEnum):
    """Why something was not accepted as a complaint (the policy's exclusions)."""

    service_request = "service_request"
    legal_proceedings = "legal_proceedings"
    out_of_time = "out_of_time"
    insurance_claim = "insurance_claim"
    other_route = "other_route"
    previously_considered = "previously_considered"
    other = "other"


class ClosureReason(StrEnum):
    resolved = "resolved"
    resolved_at_first_contact = "resolved_at_first_contact"
    withdrawn = "withdrawn"
    no_escalation_requested = "no_escalation_requested"
    final_response_issued = "final_response_issued"


class StopReasonCategory(StrEnum):
    """Why a stage's clock was stopped (only where the policy allows stopping it)."""

    awaiting_resident = "awaiting_resident"
    awaiting_third_party = "awaiting_third_party"
    resident_unavailable = "resident_unavailable"
    legal_advice = "legal_advice"
    other = "other"


class Satisfaction(StrEnum):
    """The resident's answer to the satisfaction survey after closure."""

    very_satisfied = "very_satisfied"
    fairly_satisfied = "fairly_satisfied"
    neither = "neither"
    fairly_dissatisfied = "fairly_dissatisfied"
    very_dissatisfied = "very_dissatisfied"


class CompensationKind(StrEnum):
    financial = "financial"
    goodwill = "goodwill"
    time_and_trouble = "time_and_trouble"
    distress_and_inconvenience = "distress_and_inconvenience"
    other = "other"


class ReferralBody(StrEnum):
    """Where a complaint was referred outside the landlord's own process."""

    housing_ombudsman = "housing_ombudsman"
    designated_person = "designated_person"
    panel = "panel"
    tribunal = "tribunal"
    other = "other"


class OmbudsmanFinding(StrEnum):
    """What the Housing Ombudsman determined on a complaint referred to it."""

    no_maladministration = "no_maladministration"
    reasonable_redress = "reasonable_redress"  # failings, put right by the landlord's own redress
    service_failure = "service_failure"
    maladministration = "maladministration"
    severe_maladministration = "severe_maladministration"
    outside_jurisdiction = "outside_jurisdiction"


class Tenure(StrEnum):
    """The complainant's home: social rent (the TSM's LCRA) or shared ownership (LCHO)."""

    rented = "rented"
    shared_ownership = "shared_ownership"


class NoteVisibility(StrEnum):
    internal = "internal"
    resident = "resident"


@dataclass(frozen=True, kw_only=True, slots=True)
class PostalAddress:
    """A postal address: its lines as written, and the postcode on its own, so that a letter can
    be addressed and complaints can be matched to homes without parsing free text."""

    lines: tuple[str, ...]
    postcode: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Complainant:
    """The person complaining: personal data, to be protected and, one day, erased."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: PostalAddress | None = None
    resident_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Representative:
    """Someone acting for the complainant (advocate, relative, councillor, MP)."""

    name: str
    relationship: str
    contact: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Logged:
    """The complaint was received and entered, starting at `stage` of the pinned policy."""

    occurred_at: datetime
    reference: str
    landlord: str
    policy_id: str
    policy_version: int
    channel: Channel
    received_at: datetime
    stage: int
    category: str
    description: str
    desired_outcome: str | None
    complainant: Complainant
    representative: Representative | None
    anonymous: bool
    vulnerability: str | None
    reasonable_adjustments: str | None
    # Since schema v3; None where the caller did not say (and for every older `logged`).
    tenure: Tenure | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Acknowledged:
    """The current stage was acknowledged to the resident."""

    occurred_at: datetime
    stage: int
    method: ContactMethod | None
    summary: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Contacted:
    """The handler spoke or wrote to the resident about the current stage."""

    occurred_at: datetime
    stage: int
    method: ContactMethod
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Assigned:
    """A handler (in a role) now owns the current stage."""

    occurred_at: datetime
    stage: int
    handler: str
    role: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionAgreed:
    """The response date of the current stage moved to `response_due`, for `reason`."""

    occurred_at: datetime
    stage: int
    response_due: date
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Responded:
    """The stage response was sent to the resident."""

    occurred_at: datetime
    stage: int
    outcome: Outcome
    summary: str
    remedies: tuple[str, ...]
    escalation_rights_signposted: bool
    ombudsman_signposted: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class EscalationRequested:
    """The resident asked for the complaint to go to `stage` (the next one)."""

    occurred_at: datetime
    stage: int
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Escalated:
    """The complaint moved to `stage`; its clocks run from the escalation request."""

    occurred_at: datetime
    stage: int


@dataclass(frozen=True, kw_only=True, slots=True)
class EscalationRefused:
    """The request to go to `stage` was declined; `reason` is what the resident was told."""

    occurred_at: datetime
    stage: int
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Declined:
    """Not accepted as a complaint under a policy exclusion; `explanation` was given."""

    occurred_at: datetime
    reason: DeclineReason
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Closed:
    """The complaint ended (terminal)."""

    occurred_at: datetime
    reason: ClosureReason
    summary: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockStopped:
    """The clocks of the current stage stopped running, for `reason_category` (`reason` says more).

    Only where the policy allows it; the stage's unmet deadlines move later by the working days it
    stays stopped.
    """

    occurred_at: datetime
    stage: int
    reason_category: StopReasonCategory
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockRestarted:
    """The stopped clocks of the current stage run again."""

    occurred_at: datetime
    stage: int
    reason: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Reopened:
    """A closed complaint was reopened at `stage`, the stage it was closed at, for `reason`.

    Only where the policy allows it. The stage starts again at the reopening, as a new record.
    """

    occurred_at: datetime
    stage: int
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionAgreed:
    """A remedial action was agreed, due by `due`; `action_id` is the client's, unique in the
    complaint. Actions may be agreed at any time, also after the response or the closure."""

    occurred_at: datetime
    action_id: str
    description: str
    due: date
    owner: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionCompleted:
    """The agreed action `action_id` was completed."""

    occurred_at: datetime
    action_id: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SatisfactionRecorded:
    """The resident's satisfaction survey after the closure: how satisfied, and what they said."""

    occurred_at: datetime
    satisfied: Satisfaction
    comments: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationOffered:
    """The landlord offered `amount_pence` of compensation of `kind`, for `reason`; `offer_id` is
    the client's, unique in the complaint."""

    occurred_at: datetime
    offer_id: str
    amount_pence: int
    kind: CompensationKind
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationAccepted:
    """The resident accepted the offer `offer_id`."""

    occurred_at: datetime
    offer_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationDeclined:
    """The resident declined the offer `offer_id`."""

    occurred_at: datetime
    offer_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Referred:
    """The complaint was referred `to` a body outside the landlord's process (the Housing
    Ombudsman, a designated person, a panel, a tribunal)."""

    occurred_at: datetime
    to: ReferralBody
    reason: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanEvidenceRequested:
    """The Housing Ombudsman asked for the case file, to be sent by `due`."""

    occurred_at: datetime
    due: date


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanEvidenceProvided:
    """The case file the Ombudsman asked for was sent."""

    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningRecorded:
    """What the complaint taught the landlord: its root cause, the lesson, and the improvement to
    the service it leads to."""

    occurred_at: datetime
    root_cause: str
    lesson: str
    improvement: str


class ErasureReason(StrEnum):
    request = "request"  # the person asked (right to erasure)
    retention = "retention"  # the landlord's retention period after closure ran out


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonalDataErased:
    """The complaint's personal data was crypto-shredded: its data keys are destroyed, so the
    sealed fields of every earlier event now read as erased. The event itself holds none."""

    occurred_at: datetime
    reason: ErasureReason


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanDetermined:
    """The Housing Ombudsman determined the complaint referred to it, with `finding`."""

    occurred_at: datetime
    finding: OmbudsmanFinding


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteAdded:
    """A note on the case, internal or visible to the resident."""

    occurred_at: datetime
    text: str
    visibility: NoteVisibility


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
    | Referred
    | OmbudsmanEvidenceRequested
    | OmbudsmanEvidenceProvided
    | OmbudsmanDetermined
    | LearningRecorded
    | PersonalDataErased
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
    Referred: "referred",
    OmbudsmanEvidenceRequested: "ombudsman_evidence_requested",
    OmbudsmanEvidenceProvided: "ombudsman_evidence_provided",
    OmbudsmanDetermined: "ombudsman_determined",
    LearningRecorded: "learning_recorded",
    PersonalDataErased: "personal_data_erased",
}
