"""A compliment, comment or enquiry as the API shows it, and a lifecycle request as the command
it asks for."""

from __future__ import annotations

from app.api.deps import Actor
from app.api.schemas.feedback import (
    CommentConsideredIn,
    ComplimentPassedOnIn,
    EnquiryAnsweredIn,
    EnquiryConvertedIn,
    FeedbackAcknowledgedIn,
    FeedbackClosedIn,
    FeedbackEventRequest,
    FeedbackStep,
    FeedbackView,
)
from app.domain.feedback import commands as c
from app.domain.feedback.decide import possible
from app.services import feedback as service
from app.services.privacy import visible_data


def feedback_view(found: service.Feedback, actor: Actor) -> FeedbackView:
    state = found.state
    return FeedbackView(
        id=found.id,
        landlord=state.landlord,
        kind=state.kind,
        status=state.status,
        received_at=state.received_at,
        channel=state.channel,
        category=state.category,
        team=state.team,
        complaint_id=state.complaint_id,
        acknowledged_at=state.acknowledged_at,
        dealt_with_at=state.dealt_with_at,
        closed_at=state.closed_at,
        erased=state.erased_at is not None,
        received=visible_data(found.received, actor.reader),
        steps=[
            FeedbackStep(type=e.type, occurred_at=e.occurred_at, data=visible_data(e, actor.reader))
            for e in found.events[1:]
            if actor.reader.sees_event(e.type, e.data)
        ],
        next=possible(state),
        version=state.version,
    )


def feedback_command(body: FeedbackEventRequest) -> c.FeedbackCommand:
    at = body.occurred_at
    match body:
        case FeedbackAcknowledgedIn():
            return c.AcknowledgeFeedback(occurred_at=at, method=body.method)
        case ComplimentPassedOnIn():
            return c.PassOnCompliment(occurred_at=at, team=body.team, note=body.note)
        case CommentConsideredIn():
            return c.ConsiderComment(
                occurred_at=at, acted_upon=body.acted_upon, response=body.response
            )
        case EnquiryAnsweredIn():
            return c.AnswerEnquiry(occurred_at=at, method=body.method, answer=body.answer)
        case EnquiryConvertedIn():
            return c.ConvertEnquiry(occurred_at=at, complaint_id=body.complaint_id)
        case FeedbackClosedIn():
            return c.CloseFeedback(occurred_at=at)
