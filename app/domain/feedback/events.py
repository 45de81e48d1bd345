"""The facts of one piece of resident feedback: a compliment, a comment or an enquiry.

Every source policy records them (docs/feedback.md quotes each): compliments are passed to the
people praised, comments are considered and acted on where appropriate, enquiries are answered.
An enquiry that turns out to be a complaint is converted: the complaint is logged through the
normal path, and this stream then says which complaint it became. Each field says beside its type
how it is treated (`app.domain.treatment`), as a complaint's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from app.domain.complaint.events.people import Complainant
from app.domain.complaint.events.vocabulary import Channel, ContactMethod, ErasureReason
from app.domain.treatment import INTERNAL_TEXT, PERSONAL, PERSONAL_TEXT, RESIDENT


class FeedbackKind(StrEnum):
    compliment = "compliment"  # a service was provided well, or someone was helpful
    comment = "comment"  # a suggestion or view on a service, not a complaint
    enquiry = "enquiry"  # a question or a first request for a service, not a complaint


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedbackReceived:
    """The landlord received a compliment, comment or enquiry from `resident` about `category`
    (the service area, a code as a complaint's category is); `team` is the team it concerns (for
    a compliment, the team praised), a code the landlord chooses, so the report can count it."""

    occurred_at: datetime
    landlord: Annotated[str, RESIDENT]
    kind: Annotated[FeedbackKind, RESIDENT]
    received_at: Annotated[datetime, RESIDENT]
    channel: Annotated[Channel, RESIDENT]
    category: Annotated[str, RESIDENT]
    team: Annotated[str | None, RESIDENT]
    text: Annotated[str, PERSONAL_TEXT]
    # Who gave it, sealed and erased as a complainant is; the resident id scopes the portal.
    resident: Annotated[Complainant, PERSONAL]
    # The member of staff praised, by name as the resident gave it: a person's name is personal
    # (hidden from analysts, erased with the resident's data), so no report ranks people.
    staff_member: Annotated[str | None, PERSONAL] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedbackAcknowledged:
    """The resident was told their feedback had been received, by `method`."""

    occurred_at: datetime
    method: Annotated[ContactMethod, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class ComplimentPassedOn:
    """The compliment was passed on to `team` (and to the member of staff praised, if named)."""

    occurred_at: datetime
    team: Annotated[str, RESIDENT]
    note: Annotated[str | None, INTERNAL_TEXT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CommentConsidered:
    """The comment was considered; `acted_upon` says whether it changes anything, `response` is
    what the resident was told (the policies promise feedback to whoever commented)."""

    occurred_at: datetime
    acted_upon: Annotated[bool, RESIDENT]
    response: Annotated[str | None, PERSONAL_TEXT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EnquiryAnswered:
    """The enquiry was answered, by `method`; `answer` is what the resident was told."""

    occurred_at: datetime
    method: Annotated[ContactMethod, RESIDENT]
    answer: Annotated[str | None, PERSONAL_TEXT] = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EnquiryConverted:
    """The enquiry turned out to be a complaint, logged as `complaint_id` through the normal path.
    From here it is counted only as that complaint; the complaint says so too
    (`raised_from_enquiry`)."""

    occurred_at: datetime
    complaint_id: Annotated[str, RESIDENT]


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedbackClosed:
    """Nothing more is to be done with the feedback."""

    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedbackErased:
    """The personal data of this feedback was erased (its data keys destroyed), for `reason`."""

    occurred_at: datetime
    reason: Annotated[ErasureReason, RESIDENT]


FeedbackEvent = (
    FeedbackReceived
    | FeedbackAcknowledged
    | ComplimentPassedOn
    | CommentConsidered
    | EnquiryAnswered
    | EnquiryConverted
    | FeedbackClosed
    | FeedbackErased
)

FEEDBACK_EVENT_TYPES: dict[type[FeedbackEvent], str] = {
    FeedbackReceived: "feedback_received",
    FeedbackAcknowledged: "feedback_acknowledged",
    ComplimentPassedOn: "compliment_passed_on",
    CommentConsidered: "comment_considered",
    EnquiryAnswered: "enquiry_answered",
    EnquiryConverted: "enquiry_converted",
    FeedbackClosed: "feedback_closed",
    FeedbackErased: "feedback_erased",
}
