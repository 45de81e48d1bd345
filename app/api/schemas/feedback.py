"""Compliments, comments and enquiries: what `/v1/feedback` accepts and shows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.api.schemas.complaint_requests import ComplainantIn
from app.api.schemas.inputs import MOMENT_RANGE, Input, Instant, LongText, ShortText, Slug, Text
from app.domain.complaint.events import Channel, ContactMethod
from app.domain.feedback.events import FeedbackKind
from app.domain.feedback.state import FeedbackStatus


class LogFeedbackRequest(Input):
    kind: FeedbackKind = Field(
        description="`compliment` (a service provided well, someone helpful), `comment` (a "
        "suggestion or view) or `enquiry` (a question or first request for a service). None of "
        "them is a complaint, and none is ever counted as one."
    )
    channel: Channel
    received_at: Instant | None = Field(
        default=None,
        description=f"When the landlord received it; defaults to `occurred_at`. {MOMENT_RANGE}",
    )
    occurred_at: Instant | None = Field(
        default=None, description=f"When it was logged; defaults to now. {MOMENT_RANGE}"
    )
    category: Slug = Field(description="The service area, as a complaint's category: `repairs`.")
    team: Slug | None = Field(
        default=None,
        description="The team it concerns, a code (`repairs_north`); for a compliment, the team "
        "praised. Counted in the annual report's 'what residents praised'.",
    )
    text: LongText = Field(description="What the resident said, in their words.")
    resident: ComplainantIn = Field(
        description="Who gave it (a name is optional: compliments are often anonymous). A portal's "
        "resident id is its own."
    )
    staff_member: ShortText | None = Field(
        default=None,
        description="The member of staff praised, as the resident named them (personal data: "
        "shown only to keys that see personal data, erased with the resident's).",
    )


class FeedbackAcknowledgedIn(Input):
    type: Literal["feedback_acknowledged"]
    occurred_at: Instant
    method: ContactMethod


class ComplimentPassedOnIn(Input):
    type: Literal["compliment_passed_on"]
    occurred_at: Instant
    team: Slug = Field(description="The team the compliment was passed to.")
    note: Text | None = Field(default=None, description="For the landlord only.")


class CommentConsideredIn(Input):
    type: Literal["comment_considered"]
    occurred_at: Instant
    acted_upon: bool = Field(description="Whether the comment changes anything.")
    response: Text | None = Field(default=None, description="What the resident was told.")


class EnquiryAnsweredIn(Input):
    type: Literal["enquiry_answered"]
    occurred_at: Instant
    method: ContactMethod
    answer: Text | None = Field(default=None, description="What the resident was told.")


class EnquiryConvertedIn(Input):
    type: Literal["enquiry_converted"]
    occurred_at: Instant
    complaint_id: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="The complaint the enquiry turned out to be, logged first with "
        "`POST /v1/complaints` (this landlord's, else 422 `unknown-complaint`). From here the "
        "enquiry is counted only as that complaint."
    )


class FeedbackClosedIn(Input):
    type: Literal["feedback_closed"]
    occurred_at: Instant


FeedbackEventRequest = Annotated[
    FeedbackAcknowledgedIn
    | ComplimentPassedOnIn
    | CommentConsideredIn
    | EnquiryAnsweredIn
    | EnquiryConvertedIn
    | FeedbackClosedIn,
    Field(discriminator="type"),
]


class FeedbackStep(BaseModel):
    type: str
    occurred_at: datetime
    data: dict[str, object]


class FeedbackView(BaseModel):
    id: str
    landlord: str
    kind: FeedbackKind
    status: FeedbackStatus = Field(
        description="`received`, `acknowledged`, then `passed_on` (a compliment), `considered` (a "
        "comment) or `answered` (an enquiry), then `closed`; or `converted`: an enquiry that "
        "became the complaint `complaint_id`."
    )
    received_at: datetime
    channel: Channel
    category: str
    team: str | None
    complaint_id: str | None
    acknowledged_at: datetime | None
    dealt_with_at: datetime | None = Field(
        description="When it was passed on, considered or answered."
    )
    closed_at: datetime | None
    erased: bool = Field(description="Its personal data was erased.")
    received: dict[str, object] = Field(
        description="The `feedback_received` event's data as this key may see it (the event "
        "catalogue decides: the words and the person only to keys that see personal data)."
    )
    steps: list[FeedbackStep] = Field(
        description="What happened since it was received, in order, as this key may see it (an "
        "enquiry's answer and a comment's response to the resident's portal too; a note passing "
        "a compliment on is the landlord's)."
    )
    next: list[str] = Field(description="The lifecycle events that may be recorded next.")
    version: int


class FeedbackPage(BaseModel):
    items: list[FeedbackView]
    next_cursor: str | None


class FeedbackErasureResult(BaseModel):
    feedback: list[str] = Field(description="The feedback whose personal data was erased.")
    keys_destroyed: int
