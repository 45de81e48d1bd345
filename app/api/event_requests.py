"""The bodies of `POST /v1/complaints/{id}/events`: one request per event type, told apart by
`type` (the SPEC's event name). Each maps to one domain command (`app.api.commands`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas.inputs import (
    DAY_RANGE,
    MOMENT_RANGE,
    ClientId,
    Day,
    Input,
    Instant,
    LongText,
    ReasonCode,
    ShortText,
    Text,
)
from app.domain.complaint.events import (
    ClosureReason,
    CompensationKind,
    ContactMethod,
    DeclineReason,
    InformedOf,
    NoteVisibility,
    OmbudsmanFinding,
    Outcome,
    PaymentMethod,
    ReferralBody,
    ReversalReason,
    Satisfaction,
    Settlement,
    StopReasonCategory,
)


class _EventIn(Input):
    occurred_at: Instant = Field(
        description=f"When it happened (not in the future). {MOMENT_RANGE}"
    )


class AcknowledgedIn(_EventIn):
    type: Literal["acknowledged"]
    method: ContactMethod | None = None
    summary: Text | None = None


class ContactedIn(_EventIn):
    type: Literal["contacted"]
    method: ContactMethod
    summary: Text


class AssignedIn(_EventIn):
    type: Literal["assigned"]
    handler: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    role: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    team: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = Field(default=None, description="The handler's team, for the workload view.")


class ExtensionAgreedIn(_EventIn):
    type: Literal["extension_agreed"]
    response_due: Day = Field(
        description=f"The revised response date agreed with the resident. {DAY_RANGE}"
    )
    reason: ReasonCode = Field(
        description="Why more time is needed: one of the pinned policy's `extension_reasons` "
        "codes (`GET /v1/policies/{id}`)."
    )
    explanation: Text = Field(description="What the resident was told.")


class RespondedIn(_EventIn):
    type: Literal["responded"]
    outcome: Outcome
    summary: LongText
    remedies: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50
    )
    escalation_rights_signposted: bool = False
    ombudsman_signposted: bool = False


class EscalationRequestedIn(_EventIn):
    type: Literal["escalation_requested"]
    reason: Text | None = Field(
        default=None,
        description="The resident's reasons, if they gave any: required only where the pinned "
        "policy's stage says `escalation_reasons_required` (never under the Code).",
    )


class EscalatedIn(_EventIn):
    type: Literal["escalated"]


class EscalationRefusedIn(_EventIn):
    type: Literal["escalation_refused"]
    reason: ReasonCode = Field(
        description="The ground: one of the `refusal_grounds` codes the pinned policy gives for "
        "the stage being left (`GET /v1/policies/{id}`)."
    )
    explanation: Text = Field(description="What the resident was told.")


class DeclinedIn(_EventIn):
    type: Literal["declined"]
    reason: DeclineReason
    explanation: Text


class ClosedIn(_EventIn):
    type: Literal["closed"]
    reason: ClosureReason
    summary: Text | None = None


class NoteAddedIn(_EventIn):
    type: Literal["note_added"]
    text: LongText
    visibility: NoteVisibility = NoteVisibility.internal


class ClockStoppedIn(_EventIn):
    type: Literal["clock_stopped"]
    reason_category: StopReasonCategory
    reason: Text


class ClockRestartedIn(_EventIn):
    type: Literal["clock_restarted"]
    reason: Text | None = None


class ReopenedIn(_EventIn):
    type: Literal["reopened"]
    reason: Text


class ActionAgreedIn(_EventIn):
    type: Literal["action_agreed"]
    action_id: ClientId
    description: Text
    due: Day = Field(
        description=f"When the action is due (not before the day it is agreed). {DAY_RANGE}"
    )
    owner: ShortText | None = Field(default=None, description="Who delivers it.")


class ActionCompletedIn(_EventIn):
    type: Literal["action_completed"]
    action_id: ClientId
    summary: Text


class SatisfactionRecordedIn(_EventIn):
    type: Literal["satisfaction_recorded"]
    satisfied: Satisfaction
    comments: Text | None = None


class CompensationOfferedIn(_EventIn):
    type: Literal["compensation_offered"]
    offer_id: ClientId
    amount_pence: int = Field(gt=0, le=100_000_000, description="In pence, up to £1,000,000.")
    kind: CompensationKind
    reason: Text


class CompensationAcceptedIn(_EventIn):
    type: Literal["compensation_accepted"]
    offer_id: ClientId


class CompensationDeclinedIn(_EventIn):
    type: Literal["compensation_declined"]
    offer_id: ClientId


class CompensationPaidIn(_EventIn):
    type: Literal["compensation_paid"]
    offer_id: ClientId = Field(description="The accepted offer paid (all of it, or a part).")
    amount_pence: int = Field(
        gt=0,
        le=100_000_000,
        description="In pence; with the offer's earlier payments and offsets, never more than "
        "was offered.",
    )
    paid_on: Day = Field(
        description="The day the money was paid: not before the offer was made, nor after the "
        f"day this is recorded. {DAY_RANGE}"
    )
    method: PaymentMethod = Field(
        description="`rent_account_credit` only at the resident's request (`requested_on`, "
        "`requested_by`): money kept in the rent account against what they owe is an offset "
        "(`compensation_offset`)."
    )
    requested_on: Day | None = Field(
        default=None,
        description="For a `rent_account_credit`, and required for one: the day the resident "
        "asked for the compensation to be credited to their rent account, not before the offer "
        f"was made nor after `paid_on`. Refused with any other method. {DAY_RANGE}",
    )
    requested_by: ContactMethod | None = Field(
        default=None,
        description="For a `rent_account_credit`, and required for one: how the resident asked.",
    )


class CompensationOffsetIn(_EventIn):
    type: Literal["compensation_offset"]
    offer_id: ClientId = Field(description="The accepted offer set against rent arrears.")
    amount_pence: int = Field(
        gt=0,
        le=100_000_000,
        description="In pence; with the offer's payments and earlier offsets, never more than "
        "was offered.",
    )
    offset_on: Day = Field(
        description="The day the amount was credited against the resident's rent arrears: not "
        f"before the offer was made, nor after the day this is recorded. {DAY_RANGE}"
    )
    agreed_on: Day = Field(
        description="The day the resident agreed to the offset (required: no offset without "
        f"their agreement), not after `offset_on`. {DAY_RANGE}"
    )
    agreed_by: ContactMethod = Field(description="How the resident gave their agreement.")


class CompensationReversedIn(_EventIn):
    type: Literal["compensation_reversed"]
    offer_id: ClientId = Field(description="The offer whose payment or offset is reversed.")
    amount_pence: int = Field(
        gt=0,
        le=100_000_000,
        description="In pence; never more than was paid (or offset) on the offer and not yet "
        "reversed. The offer is outstanding again by as much, and may be paid again.",
    )
    settled_by: Settlement = Field(
        description="What is reversed: a `payment` (`compensation_paid`) or an `offset` "
        "(`compensation_offset`)."
    )
    reversed_on: Day = Field(
        description="The day the payment failed or came back, or the error was put right: not "
        f"before the offer was made, nor after the day this is recorded. {DAY_RANGE}"
    )
    reason: ReversalReason = Field(
        description="`payment_failed` (bounced, returned or stopped: a payment only), "
        "`recorded_in_error` (it did not happen as recorded) or `other`."
    )
    explanation: Text | None = Field(default=None, description="What happened, in words.")


class ReferredIn(_EventIn):
    type: Literal["referred"]
    to: ReferralBody
    reason: Text | None = None


class OmbudsmanEvidenceRequestedIn(_EventIn):
    type: Literal["ombudsman_evidence_requested"]
    due: Day = Field(description=f"When the Ombudsman wants the case file by. {DAY_RANGE}")


class OmbudsmanEvidenceProvidedIn(_EventIn):
    type: Literal["ombudsman_evidence_provided"]


class OmbudsmanDeterminedIn(_EventIn):
    type: Literal["ombudsman_determined"]
    finding: OmbudsmanFinding = Field(
        description="The Housing Ombudsman's determination (only after `referred` to it)."
    )


class LearningRecordedIn(_EventIn):
    type: Literal["learning_recorded"]
    root_cause: Text
    lesson: Text
    improvement: Text = Field(description="The service improvement it leads to.")


class ResidentInformedIn(_EventIn):
    type: Literal["resident_informed"]
    about: InformedOf = Field(
        description="What the resident was told of: the current stage's latest extension or "
        "escalation refusal, or the decline."
    )
    method: ContactMethod
    summary: Text | None = Field(default=None, description="What they were told.")


EventRequest = Annotated[
    AcknowledgedIn
    | ContactedIn
    | AssignedIn
    | ExtensionAgreedIn
    | RespondedIn
    | EscalationRequestedIn
    | EscalatedIn
    | EscalationRefusedIn
    | DeclinedIn
    | ClosedIn
    | NoteAddedIn
    | ClockStoppedIn
    | ClockRestartedIn
    | ReopenedIn
    | ActionAgreedIn
    | ActionCompletedIn
    | SatisfactionRecordedIn
    | CompensationOfferedIn
    | CompensationAcceptedIn
    | CompensationDeclinedIn
    | CompensationPaidIn
    | CompensationOffsetIn
    | CompensationReversedIn
    | ReferredIn
    | OmbudsmanEvidenceRequestedIn
    | OmbudsmanEvidenceProvidedIn
    | OmbudsmanDeterminedIn
    | LearningRecordedIn
    | ResidentInformedIn,
    Field(discriminator="type"),
]
