"""A piece of feedback as its events add up to, and the fold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import assert_never

from app.domain.complaint.events.vocabulary import Channel
from app.domain.feedback.events import (
    CommentConsidered,
    ComplimentPassedOn,
    EnquiryAnswered,
    EnquiryConverted,
    FeedbackAcknowledged,
    FeedbackClosed,
    FeedbackErased,
    FeedbackEvent,
    FeedbackKind,
    FeedbackReceived,
)


class FeedbackStatus(StrEnum):
    received = "received"
    acknowledged = "acknowledged"
    passed_on = "passed_on"  # a compliment, passed to the team praised
    considered = "considered"  # a comment
    answered = "answered"  # an enquiry
    converted = "converted"  # an enquiry that became a complaint: ended here
    closed = "closed"


# The step that deals with each kind, and the status it leaves the feedback in.
DEALT_WITH: dict[FeedbackKind, FeedbackStatus] = {
    FeedbackKind.compliment: FeedbackStatus.passed_on,
    FeedbackKind.comment: FeedbackStatus.considered,
    FeedbackKind.enquiry: FeedbackStatus.answered,
}
ENDED = frozenset({FeedbackStatus.converted, FeedbackStatus.closed})


@dataclass(frozen=True, kw_only=True, slots=True)
class FeedbackState:
    id: str
    landlord: str
    kind: FeedbackKind
    received_at: datetime
    channel: Channel
    category: str
    team: str | None
    resident_id: str | None
    status: FeedbackStatus
    acknowledged_at: datetime | None = None
    dealt_with_at: datetime | None = None
    closed_at: datetime | None = None  # closed, or converted
    complaint_id: str | None = None  # the complaint an enquiry became
    erased_at: datetime | None = None
    last_occurred_at: datetime
    version: int

    @property
    def open(self) -> bool:
        return self.status not in ENDED


class FeedbackStreamError(Exception):
    """The stream cannot be folded: a bug or a tampered log, never a client error."""


def fold_feedback(feedback_id: str, events: Iterable[FeedbackEvent]) -> FeedbackState | None:
    state: FeedbackState | None = None
    for event in events:
        state = evolve_feedback(feedback_id, state, event)
    return state


def evolve_feedback(
    feedback_id: str, state: FeedbackState | None, event: FeedbackEvent
) -> FeedbackState:
    if isinstance(event, FeedbackReceived):
        if state is not None:
            raise FeedbackStreamError(f"feedback {feedback_id} received twice")
        return FeedbackState(
            id=feedback_id,
            landlord=event.landlord,
            kind=event.kind,
            received_at=event.received_at,
            channel=event.channel,
            category=event.category,
            team=event.team,
            resident_id=event.resident.resident_id,
            status=FeedbackStatus.received,
            last_occurred_at=event.occurred_at,
            version=1,
        )
    if state is None:
        raise FeedbackStreamError(f"feedback {feedback_id} has events before it was received")
    at = event.occurred_at
    match event:
        case FeedbackAcknowledged():
            state = replace(state, status=FeedbackStatus.acknowledged, acknowledged_at=at)
        case ComplimentPassedOn() | CommentConsidered() | EnquiryAnswered():
            state = replace(state, status=DEALT_WITH[state.kind], dealt_with_at=at)
        case EnquiryConverted(complaint_id=complaint_id):
            state = replace(
                state, status=FeedbackStatus.converted, closed_at=at, complaint_id=complaint_id
            )
        case FeedbackClosed():
            state = replace(state, status=FeedbackStatus.closed, closed_at=at)
        case FeedbackErased():
            state = replace(state, erased_at=at)
        case _:
            assert_never(event)
    return replace(
        state, last_occurred_at=max(state.last_occurred_at, at), version=state.version + 1
    )
