"""What follows a complaint's handling, at any time and also after its end: agreed actions, the
satisfaction survey, compensation, referrals outside the landlord, the Housing Ombudsman's evidence
requests and determination, and the lessons learnt. Each field is classified beside its type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, ClassVar

from app.domain.complaint.events.vocabulary import (
    CompensationKind,
    ContactMethod,
    OmbudsmanFinding,
    PaymentMethod,
    ReferralBody,
    ReversalReason,
    Satisfaction,
    Settlement,
)
from app.domain.treatment import INTERNAL, INTERNAL_TEXT, PERSONAL_TEXT, RESIDENT, Audience


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionAgreed:
    """A remedial action was agreed, due by `due`; `action_id` is the client's, unique in the
    complaint. Actions may be agreed at any time, also after the response or the closure."""

    occurred_at: datetime
    action_id: Annotated[str, RESIDENT]
    description: Annotated[str, PERSONAL_TEXT]
    due: Annotated[date, RESIDENT]
    owner: Annotated[str | None, INTERNAL]


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionCompleted:
    """The agreed action `action_id` was completed."""

    occurred_at: datetime
    action_id: Annotated[str, RESIDENT]
    summary: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class SatisfactionRecorded:
    """The resident's satisfaction survey after the closure: how satisfied, and what they said."""

    occurred_at: datetime
    satisfied: Annotated[Satisfaction, RESIDENT]
    comments: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationOffered:
    """The landlord offered `amount_pence` of compensation of `kind`, for `reason`; `offer_id` is
    the client's, unique in the complaint."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]
    amount_pence: Annotated[int, RESIDENT]
    kind: Annotated[CompensationKind, RESIDENT]
    reason: Annotated[str, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationAccepted:
    """The resident accepted the offer `offer_id`."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationDeclined:
    """The resident declined the offer `offer_id`."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationPaid:
    """`amount_pence` of the accepted offer `offer_id` was paid to the resident on `paid_on`, by
    `method`. An offer may be paid in parts; what is paid and offset never exceeds the offer.

    A credit to the resident's rent account is paid only at their request, made on `requested_on`
    by `requested_by` (both null for any other method, and on a v1 event, recorded before they
    existed): kept in the rent account on the landlord's own motion, the money would be set
    against what the resident owes, an offset they never agreed to."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]
    amount_pence: Annotated[int, RESIDENT]
    paid_on: Annotated[date, RESIDENT]
    method: Annotated[PaymentMethod, RESIDENT]
    requested_on: Annotated[date | None, RESIDENT] = None
    requested_by: Annotated[ContactMethod | None, RESIDENT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationOffset:
    """`amount_pence` of the accepted offer `offer_id` was set against the resident's rent arrears
    on `offset_on`, instead of being paid: only where the pinned policy allows it, and with the
    resident's agreement, given on `agreed_on` by `agreed_by`."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]
    amount_pence: Annotated[int, RESIDENT]
    offset_on: Annotated[date, RESIDENT]
    agreed_on: Annotated[date, RESIDENT]
    agreed_by: Annotated[ContactMethod, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class CompensationReversed:
    """`amount_pence` of what was paid on the offer `offer_id` (`settled_by` payment), or set
    against the resident's rent arrears (offset), was reversed on `reversed_on`, for `reason`: a
    payment that failed, or a payment or an offset recorded in error. It is no longer paid (or
    offset): the offer's outstanding amount grows by as much, to be paid again."""

    occurred_at: datetime
    offer_id: Annotated[str, RESIDENT]
    amount_pence: Annotated[int, RESIDENT]
    settled_by: Annotated[Settlement, RESIDENT]
    reversed_on: Annotated[date, RESIDENT]
    reason: Annotated[ReversalReason, RESIDENT]
    explanation: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class Referred:
    """The complaint was referred `to` a body outside the landlord's process (the Housing
    Ombudsman, a designated person, a panel, a tribunal)."""

    occurred_at: datetime
    to: Annotated[ReferralBody, RESIDENT]
    reason: Annotated[str | None, PERSONAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanEvidenceRequested:
    """The Housing Ombudsman asked for the case file, to be sent by `due`."""

    # Between the landlord and the Ombudsman: the resident's portal does not show it.
    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    due: Annotated[date, INTERNAL]


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanEvidenceProvided:
    """The case file the Ombudsman asked for was sent."""

    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class LearningRecorded:
    """What the complaint taught the landlord: its root cause, the lesson, and the improvement to
    the service it leads to."""

    # The landlord's own learning, for its annual report: not the resident's case.
    AUDIENCE: ClassVar[Audience] = Audience.internal

    occurred_at: datetime
    root_cause: Annotated[str, INTERNAL_TEXT]
    lesson: Annotated[str, INTERNAL_TEXT]
    improvement: Annotated[str, INTERNAL_TEXT]


@dataclass(frozen=True, kw_only=True, slots=True)
class OmbudsmanDetermined:
    """The Housing Ombudsman determined the complaint referred to it, with `finding`."""

    occurred_at: datetime
    finding: Annotated[OmbudsmanFinding, RESIDENT]
