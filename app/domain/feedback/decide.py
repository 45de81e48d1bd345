"""Turn a command on a piece of feedback into its events, or refuse it.

Pure: the time (`now`) comes in as an argument. The checks run in the order a complaint's do
(app/domain/complaint/decide.py): timezones, the future, existence, order, then the step's rules.
The lifecycle is small: received, acknowledged (optional), dealt with as its kind is (a compliment
passed on, a comment considered, an enquiry answered), closed; an enquiry may instead be converted
into the complaint it turned out to be, which ends it.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from app.domain.complaint.errors import (
    InvalidReceivedAt,
    NaiveDatetime,
    OccurredInFuture,
)
from app.domain.feedback.commands import (
    AcknowledgeFeedback,
    AnswerEnquiry,
    CloseFeedback,
    ConsiderComment,
    ConvertEnquiry,
    EraseFeedback,
    FeedbackCommand,
    PassOnCompliment,
    ReceiveFeedback,
)
from app.domain.feedback.errors import (
    FeedbackAlreadyErased,
    FeedbackAlreadyReceived,
    FeedbackNotReceived,
    FeedbackOutOfOrder,
    FeedbackStepRefused,
    WrongFeedbackKind,
)
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
from app.domain.feedback.state import DEALT_WITH, FeedbackState, FeedbackStatus

# The step that deals with each kind, as the API names it.
STEP_OF: dict[FeedbackKind, str] = {
    FeedbackKind.compliment: "compliment_passed_on",
    FeedbackKind.comment: "comment_considered",
    FeedbackKind.enquiry: "enquiry_answered",
}


def decide_feedback(
    command: FeedbackCommand, state: FeedbackState | None, *, now: datetime
) -> list[FeedbackEvent]:
    _check_times(command, now)
    if isinstance(command, ReceiveFeedback):
        if state is not None:
            raise FeedbackAlreadyReceived()
        return [_receive(command)]
    if state is None:
        raise FeedbackNotReceived()
    if command.occurred_at < state.last_occurred_at:
        raise FeedbackOutOfOrder()
    if isinstance(command, EraseFeedback):
        if state.erased_at is not None:
            raise FeedbackAlreadyErased()
        return [FeedbackErased(occurred_at=command.occurred_at, reason=command.reason)]
    _check_step(command, state)
    at = command.occurred_at
    match command:
        case AcknowledgeFeedback(method=method):
            return [FeedbackAcknowledged(occurred_at=at, method=method)]
        case PassOnCompliment(team=team, note=note):
            return [ComplimentPassedOn(occurred_at=at, team=team, note=note)]
        case ConsiderComment(acted_upon=acted, response=response):
            return [CommentConsidered(occurred_at=at, acted_upon=acted, response=response)]
        case AnswerEnquiry(method=method, answer=answer):
            return [EnquiryAnswered(occurred_at=at, method=method, answer=answer)]
        case ConvertEnquiry(complaint_id=complaint_id):
            return [EnquiryConverted(occurred_at=at, complaint_id=complaint_id)]
        case CloseFeedback():
            return [FeedbackClosed(occurred_at=at)]
        case _:
            assert_never(command)


def possible(state: FeedbackState) -> list[str]:
    """The lifecycle events that may be recorded next (erasure aside: always possible once)."""
    if not state.open:
        return []
    dealt = state.status is DEALT_WITH[state.kind]
    steps = (
        [] if dealt or state.status is FeedbackStatus.acknowledged else ["feedback_acknowledged"]
    )
    steps += ["feedback_closed"] if dealt else [STEP_OF[state.kind]]
    if state.kind is FeedbackKind.enquiry:
        steps.append("enquiry_converted")
    return steps


def _receive(command: ReceiveFeedback) -> FeedbackReceived:
    if command.received_at > command.occurred_at:
        raise InvalidReceivedAt("it is later than occurred_at (when the feedback was entered)")
    return FeedbackReceived(
        occurred_at=command.occurred_at,
        landlord=command.landlord,
        kind=command.kind,
        received_at=command.received_at,
        channel=command.channel,
        category=command.category,
        team=command.team,
        text=command.text,
        resident=command.resident,
        staff_member=command.staff_member,
    )


_NEEDS_KIND: dict[type, FeedbackKind] = {
    PassOnCompliment: FeedbackKind.compliment,
    ConsiderComment: FeedbackKind.comment,
    AnswerEnquiry: FeedbackKind.enquiry,
    ConvertEnquiry: FeedbackKind.enquiry,
}
_WHAT: dict[type, str] = {
    PassOnCompliment: "passed on",
    ConsiderComment: "considered",
    AnswerEnquiry: "answered",
    ConvertEnquiry: "converted into complaints",
}
_EVENT: dict[type, str] = {
    AcknowledgeFeedback: "feedback_acknowledged",
    PassOnCompliment: "compliment_passed_on",
    ConsiderComment: "comment_considered",
    AnswerEnquiry: "enquiry_answered",
    ConvertEnquiry: "enquiry_converted",
    CloseFeedback: "feedback_closed",
}


def _check_step(command: FeedbackCommand, state: FeedbackState) -> None:
    kind = _NEEDS_KIND.get(type(command))
    if kind is not None and kind is not state.kind:
        raise WrongFeedbackKind(_WHAT[type(command)], state.kind.value, f"{kind.value}s")
    if _EVENT[type(command)] not in possible(state):
        raise FeedbackStepRefused(state.status.value, possible(state))


def _check_times(command: FeedbackCommand, now: datetime) -> None:
    times = {"occurred_at": command.occurred_at}
    if isinstance(command, ReceiveFeedback):
        times["received_at"] = command.received_at
    for name, value in times.items():
        if value.utcoffset() is None:
            raise NaiveDatetime(name)
    if command.occurred_at > now:
        raise OccurredInFuture()
