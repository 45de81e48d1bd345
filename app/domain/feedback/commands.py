"""What a complaints team (or a resident's portal) asks to record about a piece of feedback;
`decide_feedback` turns each into events or refuses it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.complaint.events.people import Complainant
from app.domain.complaint.events.vocabulary import Channel, ContactMethod, ErasureReason
from app.domain.feedback.events import FeedbackKind


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceiveFeedback:
    occurred_at: datetime
    landlord: str
    kind: FeedbackKind
    received_at: datetime
    channel: Channel
    category: str
    text: str
    resident: Complainant
    team: str | None = None
    staff_member: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AcknowledgeFeedback:
    occurred_at: datetime
    method: ContactMethod


@dataclass(frozen=True, kw_only=True, slots=True)
class PassOnCompliment:
    occurred_at: datetime
    team: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConsiderComment:
    occurred_at: datetime
    acted_upon: bool
    response: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerEnquiry:
    occurred_at: datetime
    method: ContactMethod
    answer: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConvertEnquiry:
    """Link the enquiry to the complaint it turned out to be (already logged, same landlord: the
    service checks that, since the domain sees one stream at a time)."""

    occurred_at: datetime
    complaint_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CloseFeedback:
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class EraseFeedback:
    occurred_at: datetime
    reason: ErasureReason


FeedbackCommand = (
    ReceiveFeedback
    | AcknowledgeFeedback
    | PassOnCompliment
    | ConsiderComment
    | AnswerEnquiry
    | ConvertEnquiry
    | CloseFeedback
    | EraseFeedback
)
