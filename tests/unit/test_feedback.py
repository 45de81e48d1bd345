"""Compliments, comments and enquiries: their small lifecycle, as scenarios (given these events,
when this command, then these events or this error)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.complaint.errors import InvalidReceivedAt, NaiveDatetime, OccurredInFuture
from app.domain.complaint.events.people import Complainant
from app.domain.complaint.events.vocabulary import Channel, ContactMethod, ErasureReason
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
from app.domain.feedback.decide import decide_feedback, possible
from app.domain.feedback.errors import (
    FeedbackAlreadyErased,
    FeedbackAlreadyReceived,
    FeedbackNotReceived,
    FeedbackOutOfOrder,
    FeedbackStepRefused,
    WrongFeedbackKind,
)
from app.domain.feedback.events import (
    ComplimentPassedOn,
    EnquiryConverted,
    FeedbackErased,
    FeedbackEvent,
    FeedbackKind,
)
from app.domain.feedback.state import FeedbackState, FeedbackStatus, fold_feedback

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DAY = timedelta(days=1)
START = NOW - 10 * DAY


def received(kind: FeedbackKind) -> ReceiveFeedback:
    return ReceiveFeedback(
        occurred_at=START,
        landlord="acme",
        kind=kind,
        received_at=START - timedelta(hours=1),
        channel=Channel.phone,
        category="repairs",
        team="repairs-north",
        text="The plumber was quick and kind.",
        resident=Complainant(name="Ada Example", resident_id="R-1"),
        staff_member="Sam Madeup",
    )


def run(*commands: FeedbackCommand) -> tuple[FeedbackState, list[FeedbackEvent]]:
    events: list[FeedbackEvent] = []
    state: FeedbackState | None = None
    for command in commands:
        events += decide_feedback(command, state, now=NOW)
        state = fold_feedback("feedback:1", events)
    assert state is not None
    return state, events


def at(days: int) -> datetime:
    return START + days * DAY


class TestReceive:
    def test_a_compliment_is_received_with_its_team(self) -> None:
        state, _ = run(received(FeedbackKind.compliment))
        assert state.status is FeedbackStatus.received
        assert (state.kind, state.team, state.resident_id) == ("compliment", "repairs-north", "R-1")
        assert possible(state) == ["feedback_acknowledged", "compliment_passed_on"]

    def test_received_twice_is_refused(self) -> None:
        with pytest.raises(FeedbackAlreadyReceived):
            run(received(FeedbackKind.comment), received(FeedbackKind.comment))

    def test_received_after_it_was_entered_is_refused(self) -> None:
        command = received(FeedbackKind.comment)
        late = replace(command, received_at=START + DAY)
        with pytest.raises(InvalidReceivedAt):
            run(late)

    def test_times_need_a_timezone_and_must_have_happened(self) -> None:
        naive = replace(received(FeedbackKind.comment), received_at=START.replace(tzinfo=None))
        with pytest.raises(NaiveDatetime):
            run(naive)
        future = replace(received(FeedbackKind.comment), occurred_at=NOW + DAY)
        with pytest.raises(OccurredInFuture):
            run(future)

    def test_nothing_before_it_is_received(self) -> None:
        with pytest.raises(FeedbackNotReceived):
            decide_feedback(CloseFeedback(occurred_at=START), None, now=NOW)


class TestLifecycle:
    def test_a_compliment_is_acknowledged_passed_on_and_closed(self) -> None:
        state, events = run(
            received(FeedbackKind.compliment),
            AcknowledgeFeedback(occurred_at=at(1), method=ContactMethod.email),
            PassOnCompliment(occurred_at=at(2), team="repairs-north"),
            CloseFeedback(occurred_at=at(3)),
        )
        assert isinstance(events[2], ComplimentPassedOn)
        assert state.status is FeedbackStatus.closed
        assert (state.acknowledged_at, state.dealt_with_at, state.closed_at) == (
            at(1),
            at(2),
            at(3),
        )
        assert possible(state) == []

    def test_a_comment_is_considered_without_an_acknowledgement(self) -> None:
        state, _ = run(
            received(FeedbackKind.comment),
            ConsiderComment(occurred_at=at(1), acted_upon=True, response="We will add a bench."),
        )
        assert state.status is FeedbackStatus.considered
        assert possible(state) == ["feedback_closed"]

    def test_an_enquiry_is_answered(self) -> None:
        state, _ = run(
            received(FeedbackKind.enquiry),
            AnswerEnquiry(occurred_at=at(1), method=ContactMethod.phone),
        )
        assert state.status is FeedbackStatus.answered
        assert possible(state) == ["feedback_closed", "enquiry_converted"]

    def test_it_cannot_be_closed_before_it_is_dealt_with(self) -> None:
        with pytest.raises(FeedbackStepRefused, match="compliment_passed_on"):
            run(received(FeedbackKind.compliment), CloseFeedback(occurred_at=at(1)))

    def test_acknowledged_once(self) -> None:
        ack = AcknowledgeFeedback(occurred_at=at(1), method=ContactMethod.email)
        with pytest.raises(FeedbackStepRefused):
            run(received(FeedbackKind.comment), ack, ack)

    @pytest.mark.parametrize(
        ("kind", "command"),
        [
            (FeedbackKind.comment, PassOnCompliment(occurred_at=START + DAY, team="x")),
            (
                FeedbackKind.compliment,
                AnswerEnquiry(occurred_at=START + DAY, method=ContactMethod.phone),
            ),
            (FeedbackKind.enquiry, ConsiderComment(occurred_at=START + DAY, acted_upon=False)),
            (FeedbackKind.compliment, ConvertEnquiry(occurred_at=START + DAY, complaint_id="c")),
        ],
    )
    def test_each_step_belongs_to_its_kind(
        self, kind: FeedbackKind, command: FeedbackCommand
    ) -> None:
        with pytest.raises(WrongFeedbackKind):
            run(received(kind), command)

    def test_events_are_recorded_in_order(self) -> None:
        with pytest.raises(FeedbackOutOfOrder):
            run(
                received(FeedbackKind.comment),
                AcknowledgeFeedback(occurred_at=at(2), method=ContactMethod.email),
                ConsiderComment(occurred_at=at(1), acted_upon=False),
            )

    def test_nothing_after_closure_but_erasure(self) -> None:
        steps = (
            received(FeedbackKind.comment),
            ConsiderComment(occurred_at=at(1), acted_upon=False),
            CloseFeedback(occurred_at=at(2)),
        )
        with pytest.raises(FeedbackStepRefused, match="closed"):
            run(*steps, AcknowledgeFeedback(occurred_at=at(3), method=ContactMethod.email))
        state, events = run(*steps, EraseFeedback(occurred_at=at(3), reason=ErasureReason.request))
        assert isinstance(events[-1], FeedbackErased)
        assert state.erased_at == at(3)
        assert state.status is FeedbackStatus.closed


class TestConversion:
    def test_an_enquiry_that_is_a_complaint_ends_as_that_complaint(self) -> None:
        state, events = run(
            received(FeedbackKind.enquiry),
            ConvertEnquiry(occurred_at=at(1), complaint_id="c-1"),
        )
        assert events[-1] == EnquiryConverted(occurred_at=at(1), complaint_id="c-1")
        assert (state.status, state.complaint_id, state.closed_at) == ("converted", "c-1", at(1))
        with pytest.raises(FeedbackStepRefused, match="converted"):
            run(
                received(FeedbackKind.enquiry),
                ConvertEnquiry(occurred_at=at(1), complaint_id="c-1"),
                CloseFeedback(occurred_at=at(2)),
            )


class TestErasure:
    def test_erased_once(self) -> None:
        erase = EraseFeedback(occurred_at=at(1), reason=ErasureReason.request)
        with pytest.raises(FeedbackAlreadyErased):
            run(received(FeedbackKind.compliment), erase, erase)
