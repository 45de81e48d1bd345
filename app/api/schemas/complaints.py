"""A complaint as read: the view, its stages and clocks (the request: complaint_requests.py)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.api.schemas.restrictions import RestrictionInForce
from app.domain.clocks.deadlines import ClockStatus
from app.domain.complaint.events import (
    Channel,
    ClosureReason,
    CompensationKind,
    ConsentMethod,
    ContactMethod,
    DeclineReason,
    InformedOf,
    LateAcceptanceReason,
    NoteVisibility,
    OmbudsmanFinding,
    Outcome,
    ReferralBody,
    RepresentativeKind,
    Satisfaction,
    StopReasonCategory,
    Tenure,
)
from app.domain.complaint.state import OfferStatus, Status


class PolicyRef(BaseModel):
    id: str
    version: int


class CalendarRef(BaseModel):
    """The working-day calendar a clock was computed with: today's, since a bank holiday or a
    closure day added later moves the deadlines of clocks still running."""

    region: str
    holidays_version: str = Field(description="The `holidays` package the bank holidays come from.")
    closures: list[date] = Field(
        description="The landlord's closure days between the complaint's receipt and the due date."
    )


class ClockView(BaseModel):
    stage: int
    due: date | None
    met_at: datetime | None = Field(
        description="When the step was taken; for a stopped clock that reads `met`, when its "
        "stage ended; null while waiting, and for a `missed` clock."
    )
    status: ClockStatus = Field(
        description="`pending`, `due_soon` (inside the warning window), `breached` (past due, "
        "still owed), `met`, `met_late` (taken after the due day), `missed` (never taken, and "
        "no longer can be: its stage was answered or ended after the due day). The `sla=breached` "
        "list filter and the reports count `breached` and `missed` as breaches."
    )
    provisional: bool = Field(
        description="The response is counted from the acknowledgement's deadline (from the "
        "stage start where the policy sets none) because the stage is not acknowledged yet: an "
        "acknowledgement sets it from the day it is made."
    )
    original_due: date | None = Field(description="The due date before any extension.")
    extended: bool
    stopped: bool = Field(
        description="The stage ended (escalated, closed, declined), or for the acknowledgement "
        "was answered, before the clock was met: `met` with `met_at` when that happened if by "
        "the due day, else `missed`."
    )
    paused: bool = Field(
        description="The stage's clock is stopped (`clock_stopped`): the clock cannot breach, "
        "and `due` moves later by the working days stopped once `clock_restarted` is recorded."
    )
    calendar: CalendarRef


class ClockStopView(BaseModel):
    stopped_at: datetime
    reason_category: StopReasonCategory
    reason: str | None = Field(description="Omitted for roles without personal data.")
    restarted_at: datetime | None = Field(description="Null while the clock is stopped.")
    restart_reason: str | None = Field(description="Omitted for roles without personal data.")


class StageView(BaseModel):
    stage: int
    name: str
    started_at: datetime
    acknowledged_at: datetime | None
    responded_at: datetime | None
    outcome: Outcome | None
    handler: str | None
    response_due_extended_to: date | None
    extension_reasons: list[str]
    escalation_requested_at: datetime | None
    remedies: list[str]
    escalation_rights_signposted: bool
    ombudsman_signposted: bool
    stops: list[ClockStopView] = Field(description="The stage's clock stops, in order.")
    closed_at: datetime | None = Field(description="The complaint was closed at this stage then.")
    closure_reason: ClosureReason | None
    reopened: bool = Field(
        description="This record is a reopening: the stage started again at `started_at`."
    )
    reopen_reason: str | None = Field(description="Omitted for roles without personal data.")
    sla: dict[str, ClockView]


class PostalAddressView(BaseModel):
    lines: list[str]
    postcode: str | None


class ActionView(BaseModel):
    action_id: str
    description: str | None = Field(description="Omitted for roles without personal data.")
    due: date
    owner: str | None
    agreed_at: datetime
    completed_at: datetime | None
    summary: str | None = Field(description="Omitted for roles without personal data.")
    status: ClockStatus = Field(
        description="Judged against its own due date at `evaluated_at`, as a clock is."
    )


class SatisfactionView(BaseModel):
    recorded_at: datetime
    satisfied: Satisfaction
    comments: str | None = Field(description="Omitted for roles without personal data.")


class CompensationMoneyView(BaseModel):
    """What of an offer has been settled: paid to the resident, or set against their rent
    arrears with their agreement (where the policy allows it), net of what was reversed."""

    paid_pence: int = Field(
        description="The sum of its `compensation_paid`, less the payments reversed."
    )
    offset_pence: int = Field(
        description="The sum of its `compensation_offset`, less the offsets reversed."
    )
    outstanding_pence: int = Field(
        description="What is still to pay of an accepted offer (0 unless accepted)."
    )
    last_paid_on: date | None = Field(
        description="The day of its latest payment (even if reversed since)."
    )
    last_offset_on: date | None = Field(
        description="The day of its latest offset (even if reversed since)."
    )
    reversed_pence: int = Field(
        description="The sum of its `compensation_reversed`: payments that failed, payments and "
        "offsets recorded in error (already taken off `paid_pence` and `offset_pence`)."
    )


class CompensationOfferView(BaseModel):
    offer_id: str
    amount_pence: int
    kind: CompensationKind
    reason: str | None = Field(description="Omitted for roles without personal data.")
    offered_at: datetime
    status: OfferStatus = Field(description="`offered` until the resident accepts or declines.")
    answered_at: datetime | None
    money: CompensationMoneyView = Field(
        description="Accepted is not paid: what has been paid and offset, and what is still due."
    )


class ReferralView(BaseModel):
    referred_at: datetime
    to: ReferralBody
    reason: str | None = Field(description="Omitted for roles without personal data.")


class DeterminationView(BaseModel):
    determined_at: datetime
    finding: OmbudsmanFinding


class EvidenceRequestView(BaseModel):
    requested_at: datetime
    due: date
    provided_at: datetime | None
    status: ClockStatus = Field(description="Judged against `due` at `evaluated_at`.")


class InformedView(BaseModel):
    informed_at: datetime
    stage: int
    about: InformedOf
    method: ContactMethod
    summary: str | None = Field(description="Omitted for roles without personal data.")


class LearningView(BaseModel):
    recorded_at: datetime
    root_cause: str | None = Field(description="Omitted for roles without personal data.")
    lesson: str | None = Field(description="Omitted for roles without personal data.")
    improvement: str | None = Field(description="Omitted for roles without personal data.")


class ComplainantView(BaseModel):
    name: str | None = Field(description="Null only on an anonymous complaint logged without it.")
    email: str | None
    phone: str | None
    address: PostalAddressView | None
    resident_id: str | None


class ConsentView(BaseModel):
    given: bool
    recorded_at: datetime | None
    method: ConsentMethod | None


class RepresentativeView(BaseModel):
    name: str
    relationship: str
    contact: str | None
    kind: RepresentativeKind | None = Field(description="Null where not recorded.")
    consent: ConsentView | None = Field(description="Null where not recorded.")


class LateAcceptanceView(BaseModel):
    reason: LateAcceptanceReason
    explanation: str | None = Field(description="Omitted for roles without personal data.")


class NoteView(BaseModel):
    occurred_at: datetime
    text: str | None = Field(description="Omitted for roles without personal data.")
    visibility: NoteVisibility


class ComplaintView(BaseModel):
    id: str
    reference: str
    landlord: str
    policy: PolicyRef
    stage: int
    status: Status
    channel: Channel
    tenure: Tenure | None = Field(
        description="Rented, shared ownership, leasehold or other; null when unknown."
    )
    incident_at: date | None = Field(
        default=None, description="The day the matter complained about happened, where given."
    )
    uprn: str | None = Field(
        default=None,
        description="The home's Unique Property Reference Number, where given and this key may see "
        "personal data.",
    )
    late_acceptance: LateAcceptanceView | None = Field(
        default=None,
        description="Why a matter older than the policy's time limit was accepted; null if none.",
    )
    category: str
    received_at: datetime
    version: int = Field(description="The stream version; also the ETag.")
    handler: str | None
    sla: dict[str, ClockView] = Field(description="Clocks of the current stage, keyed by name.")
    outcome: dict[str, Outcome] = Field(description="Outcome of each responded stage, by stage.")
    stages: list[StageView]
    complainant_pseudonym: str | None = Field(
        default=None,
        description="A stable stand-in for the complainant (the same resident always reads the "
        "same), for analysts and wherever the person is hidden.",
    )
    personal_data_erased_at: datetime | None = Field(
        default=None,
        description="When the complainant's personal data was erased; it reads `[erased]` since.",
    )
    restriction_in_force: RestrictionInForce | None = Field(
        default=None,
        description="The contact restriction in force on the complainant now (how the landlord "
        "and the resident are to be in touch: `/v1/restrictions/{id}`), if any. It never stops a "
        "complaint being logged or handled. Null on an anonymous complaint and on a view of the "
        "past (`as_of`).",
    )
    from_enquiries: list[str] = Field(
        default_factory=list,
        description="The enquiries (`/v1/feedback/{id}`) converted into this complaint: it first "
        "reached the landlord as one of them (`raised_from_enquiry`).",
    )
    closed_at: datetime | None
    closure_reason: ClosureReason | None
    declined_at: datetime | None
    decline_reason: DeclineReason | None
    decline_explanation: str | None
    evaluated_at: datetime = Field(description="The moment the clock statuses were evaluated at.")
    as_of: datetime | None = Field(description="Set when the view is of a past moment.")
    anonymous: bool
    description: str | None = Field(description="Omitted for roles without personal data.")
    desired_outcome: str | None
    complainant: ComplainantView | None
    representative: RepresentativeView | None
    vulnerability: str | None
    reasonable_adjustments: str | None
    notes: list[NoteView]
    actions: list[ActionView] = Field(description="Agreed remedial actions, in agreement order.")
    compensation: list[CompensationOfferView] = Field(
        description="Compensation offers and the resident's answers, in offer order."
    )
    referrals: list[ReferralView] = Field(description="Referrals outside the landlord, in order.")
    ombudsman_determinations: list[DeterminationView] = Field(
        description="The Housing Ombudsman's determinations, in order."
    )
    ombudsman_evidence: list[EvidenceRequestView] = Field(
        description="The Ombudsman's requests for the case file, in order; the latest is the "
        "`ombudsman_evidence` clock."
    )
    learning: list[LearningView] = Field(description="Lessons learnt, in order.")
    satisfaction: list[SatisfactionView] = Field(
        description="Satisfaction surveys after closure (one per closure), in order."
    )
    resident_informed: list[InformedView] = Field(
        default_factory=list,
        description="When and how the resident was told of an extension, a refusal to escalate "
        "or the decline, in order.",
    )


class ComplaintPage(BaseModel):
    items: list[ComplaintView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )
