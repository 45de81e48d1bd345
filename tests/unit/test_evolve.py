"""What the events add up to: given these events, then this state."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.complaint.errors import AlreadyLogged, NotLogged
from app.domain.complaint.events import (
    Assigned,
    Channel,
    ClosureReason,
    DeclineReason,
    NoteVisibility,
    Outcome,
)
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.state import Note, StageRecord, Status
from tests.unit.scenario import (
    ACKNOWLEDGED,
    COMPLAINANT,
    ESCALATED,
    ESCALATION_REQUESTED,
    LOGGED,
    RECEIVED,
    RESPONDED,
    acknowledged,
    assigned,
    closed,
    contacted,
    declined,
    escalation_refused,
    extension_agreed,
    given,
    note_added,
    uk,
)


class TestLogged:
    def test_opens_the_first_stage_at_receipt(self) -> None:
        state = given(LOGGED)
        assert state is not None
        assert (state.status, state.stage, state.version) == (Status.open, 1, 1)
        assert state.stages == (StageRecord(stage=1, started_at=RECEIVED),)
        assert state.received_at == RECEIVED
        assert state.last_occurred_at == LOGGED.occurred_at
        assert state.channel is Channel.web
        assert state.complainant == COMPLAINANT
        assert state.handler is None
        assert state.requested_stage is None

    def test_an_empty_stream_is_no_complaint(self) -> None:
        assert fold([]) is None

    def test_logged_twice_cannot_be_folded(self) -> None:
        with pytest.raises(AlreadyLogged):
            given(LOGGED, LOGGED)

    def test_anything_before_logged_cannot_be_folded(self) -> None:
        with pytest.raises(NotLogged):
            evolve(None, ACKNOWLEDGED)


class TestStageFacts:
    def test_acknowledgement_contact_and_assignment(self) -> None:
        state = given(
            LOGGED,
            assigned(uk(2026, 3, 2, 11), handler="h-1"),
            ACKNOWLEDGED,
            contacted(uk(2026, 3, 4)),
            contacted(uk(2026, 3, 5)),
        )
        assert state is not None
        record = state.current
        assert record.acknowledged_at == ACKNOWLEDGED.occurred_at
        assert record.contacted_at == uk(2026, 3, 4)  # the first contact only
        assert (record.handler, record.handler_role) == ("h-1", "officer")
        assert state.handler == "h-1"
        assert state.version == 5
        assert state.last_occurred_at == uk(2026, 3, 5)

    def test_extensions_keep_the_latest_date_and_every_reason(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            extension_agreed(uk(2026, 3, 10), date(2026, 3, 20)),
            extension_agreed(uk(2026, 3, 12), date(2026, 3, 24)),
        )
        assert state is not None
        assert state.current.response_due_extended_to == date(2026, 3, 24)
        assert state.current.extension_reasons == ("other", "other")

    def test_response(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED)
        assert state is not None
        assert state.status is Status.responded
        record = state.current
        assert record.responded_at == RESPONDED.occurred_at
        assert record.outcome is Outcome.upheld
        assert record.remedies == ("repair",)
        assert record.escalation_rights_signposted
        assert not record.ombudsman_signposted


class TestEscalation:
    def test_request_marks_the_stage_and_the_requested_stage(self) -> None:
        state = given(LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED)
        assert state is not None
        assert state.status is Status.escalation_requested
        assert (state.stage, state.requested_stage) == (1, 2)
        assert state.current.escalation_requested_at == ESCALATION_REQUESTED.occurred_at

    def test_escalated_starts_the_new_stage_at_the_request_unassigned(self) -> None:
        state = given(
            LOGGED,
            assigned(uk(2026, 3, 2, 11)),
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            ESCALATED,
        )
        assert state is not None
        assert (state.status, state.stage, state.requested_stage) == (Status.open, 2, None)
        assert state.current == StageRecord(stage=2, started_at=ESCALATION_REQUESTED.occurred_at)
        assert state.stages[0].responded_at == RESPONDED.occurred_at
        assert state.stages[0].handler == "h-1"
        assert state.handler is None

    def test_assigning_stage_2_leaves_stage_1_alone(self) -> None:
        state = given(
            LOGGED,
            assigned(uk(2026, 3, 2, 11), handler="h-1"),
            RESPONDED,
            ESCALATION_REQUESTED,
            ESCALATED,
            Assigned(occurred_at=uk(2026, 3, 18), stage=2, handler="h-9", role="manager"),
        )
        assert state is not None
        assert [r.handler for r in state.stages] == ["h-1", "h-9"]
        assert state.handler == "h-9"

    def test_refusal_keeps_the_reason_and_clears_the_request(self) -> None:
        state = given(
            LOGGED,
            ACKNOWLEDGED,
            RESPONDED,
            ESCALATION_REQUESTED,
            escalation_refused(uk(2026, 3, 17)),
        )
        assert state is not None
        assert state.status is Status.responded
        assert state.requested_stage is None
        assert state.current.escalation_requested_at is None
        assert state.current.escalation_refused_reasons == ("legal_proceedings",)
        assert len(state.stages) == 1


class TestEnding:
    def test_closed(self) -> None:
        state = given(
            LOGGED, ACKNOWLEDGED, RESPONDED, closed(uk(2026, 3, 20), ClosureReason.resolved)
        )
        assert state is not None
        assert state.status is Status.closed
        assert (state.closed_at, state.closure_reason) == (uk(2026, 3, 20), ClosureReason.resolved)
        assert state.ended_at == uk(2026, 3, 20)
        assert state.is_terminal

    def test_closed_while_escalation_requested_drops_the_request(self) -> None:
        state = given(
            LOGGED, ACKNOWLEDGED, RESPONDED, ESCALATION_REQUESTED, closed(uk(2026, 3, 20))
        )
        assert state is not None
        assert (state.status, state.requested_stage, state.stage) == (Status.closed, None, 1)

    def test_declined(self) -> None:
        state = given(LOGGED, declined(uk(2026, 3, 3)))
        assert state is not None
        assert state.status is Status.declined
        assert state.declined_at == uk(2026, 3, 3)
        assert state.decline_reason is DeclineReason.service_request
        assert state.decline_explanation == "A repair request"
        assert state.ended_at == uk(2026, 3, 3)
        assert state.is_terminal

    def test_live_complaint_has_not_ended(self) -> None:
        state = given(LOGGED)
        assert state is not None
        assert state.ended_at is None
        assert not state.is_terminal

    def test_notes_after_closure(self) -> None:
        state = given(LOGGED, closed(uk(2026, 3, 3)), note_added(uk(2026, 3, 4), "After"))
        assert state is not None
        assert state.status is Status.closed
        assert state.notes == (
            Note(occurred_at=uk(2026, 3, 4), text="After", visibility=NoteVisibility.internal),
        )
        assert state.version == 3


def test_stage_2_acknowledgement_lands_on_stage_2() -> None:
    state = given(
        LOGGED,
        ACKNOWLEDGED,
        RESPONDED,
        ESCALATION_REQUESTED,
        ESCALATED,
        acknowledged(uk(2026, 3, 18), stage=2),
    )
    assert state is not None
    assert [r.acknowledged_at for r in state.stages] == [ACKNOWLEDGED.occurred_at, uk(2026, 3, 18)]
