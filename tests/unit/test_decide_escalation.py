"""Moving between stages: request, escalate, refuse."""

from __future__ import annotations

import pytest

from app.domain.complaint.commands import Escalate, RefuseEscalation, RequestEscalation
from app.domain.complaint.errors import ComplaintClosed, InvalidTransition, NoFurtherStage
from app.domain.complaint.events import (
    ComplaintEvent,
    Escalated,
    EscalationRefused,
    EscalationRequested,
)
from app.domain.complaint.state import Status
from tests.unit.scenario import (
    ACKNOWLEDGED,
    ESCALATED,
    ESCALATION_REQUESTED,
    LOGGED,
    RESPONDED,
    STAGE_2_ACKNOWLEDGED,
    STAGE_2_RESPONDED,
    closed,
    declined,
    escalation_refused,
    given,
    uk,
    when,
)


def request(day: int, month: int = 3) -> RequestEscalation:
    return RequestEscalation(occurred_at=uk(2026, month, day), reason="Damp is back")


class TestRequestEscalation:
    def test_after_the_stage_1_response_asks_for_stage_2(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED)
        assert when(state, request(16)) == [
            EscalationRequested(occurred_at=uk(2026, 3, 16), stage=2, reason="Damp is back")
        ]

    def test_before_any_response_is_accepted(self) -> None:
        # A resident may escalate when the landlord has not answered in time.
        [event] = when(given(LOGGED, ACKNOWLEDGED), request(20))
        assert isinstance(event, EscalationRequested)
        assert event.stage == 2

    def test_again_after_a_refusal_is_accepted(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            escalation_refused(uk(2026, 3, 17)),
        )
        assert len(when(state, request(18))) == 1

    def test_twice_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        with pytest.raises(InvalidTransition, match="escalation to stage 2 is pending"):
            when(state, request(17))

    def test_past_the_last_stage_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, ESCALATED)
        with pytest.raises(NoFurtherStage) as refused:
            when(state, request(18))
        assert refused.value.code == "no-further-stage"
        assert "stage 2 is the last stage" in refused.value.message

    def test_past_the_last_stage_after_its_response_is_refused(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            ESCALATED,
            STAGE_2_ACKNOWLEDGED,
            STAGE_2_RESPONDED,
        )
        with pytest.raises(NoFurtherStage):
            when(state, request(2, month=4))

    def test_closed_complaint_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, closed(uk(2026, 3, 11)))
        with pytest.raises(ComplaintClosed):
            when(state, request(16))


class TestEscalate:
    def test_moves_to_the_requested_stage(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        assert when(state, Escalate(occurred_at=uk(2026, 3, 17))) == [
            Escalated(occurred_at=uk(2026, 3, 17), stage=2)
        ]

    def test_without_a_request_is_refused(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED)
        with pytest.raises(InvalidTransition) as refused:
            when(state, Escalate(occurred_at=uk(2026, 3, 17)))
        assert refused.value.message == (
            "cannot escalate: the complaint is responded at stage 1; "
            "record escalation_requested first"
        )

    def test_after_a_refused_request_is_refused(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            escalation_refused(uk(2026, 3, 17)),
        )
        with pytest.raises(InvalidTransition):
            when(state, Escalate(occurred_at=uk(2026, 3, 18)))

    def test_past_the_last_stage_is_refused(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            ESCALATED,
            STAGE_2_ACKNOWLEDGED,
            STAGE_2_RESPONDED,
        )
        with pytest.raises(NoFurtherStage):
            when(state, Escalate(occurred_at=uk(2026, 4, 2)))

    def test_closed_complaint_is_refused(self) -> None:
        state = given(
            LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, closed(uk(2026, 3, 17))
        )
        with pytest.raises(ComplaintClosed):
            when(state, Escalate(occurred_at=uk(2026, 3, 18)))


class TestRefuseEscalation:
    def test_refuses_the_requested_stage_with_the_reason_given(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        command = RefuseEscalation(
            occurred_at=uk(2026, 3, 17),
            reason="legal_proceedings",
            explanation="Outside the window",
        )
        assert when(state, command) == [
            EscalationRefused(
                occurred_at=uk(2026, 3, 17),
                stage=2,
                reason="legal_proceedings",
                explanation="Outside the window",
            )
        ]

    @pytest.mark.parametrize(
        ("history", "back_to"),
        [
            ((LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED), Status.responded),
            ((LOGGED, ACKNOWLEDGED, ESCALATION_REQUESTED), Status.open),
        ],
        ids=["responded", "open"],
    )
    def test_status_returns_to_what_it_was_before_the_request(
        self, history: tuple[ComplaintEvent, ...], back_to: Status
    ) -> None:
        state = given(*history)
        command = RefuseEscalation(
            occurred_at=uk(2026, 3, 17), reason="legal_proceedings", explanation="No"
        )
        after = given(*history, *when(state, command))
        assert after is not None
        assert after.status is back_to
        assert after.requested_stage is None
        assert after.stage == 1

    def test_without_a_request_is_refused(self) -> None:
        with pytest.raises(InvalidTransition, match="no escalation has been requested"):
            when(
                given(LOGGED, ACKNOWLEDGED, RESPONDED),
                RefuseEscalation(
                    occurred_at=uk(2026, 3, 17), reason="legal_proceedings", explanation="No"
                ),
            )

    def test_declined_complaint_is_refused(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(
                given(LOGGED, declined(uk(2026, 3, 3))),
                RefuseEscalation(
                    occurred_at=uk(2026, 3, 4), reason="legal_proceedings", explanation="No"
                ),
            )
