"""Reopening a closed complaint where the policy allows it: the stage closed at starts again.

No built-in policy allows reopening, so the allowed paths run under a copy of hoc-2024 with
`reopening_allowed`; the refusals under the built-in policies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.clocks.deadlines import ClockStatus, clocks, stage_clocks
from app.domain.complaint.commands import (
    Acknowledge,
    Close,
    Decline,
    Reopen,
    RequestEscalation,
)
from app.domain.complaint.errors import ComplaintClosed, InvalidTransition, ReopeningNotAllowed
from app.domain.complaint.events import ClosureReason, ComplaintEvent, Outcome, Reopened
from app.domain.complaint.state import ComplaintState, StageRecord, Status
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024
from app.domain.policies.model import Policy
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    assigned,
    closed,
    declined,
    escalated,
    escalation_requested,
    given,
    logged,
    responded,
    uk,
    when,
)

S = ClockStatus
REOPENING = replace(HOC_2024, id="hoc-reopening", reopening_allowed=True)

# Received Monday 14 December 2026, acknowledged on the 15th, answered on the 18th and closed as
# resolved on Monday 21 December; the repair then failed over Christmas.
CLOSED = (
    logged(uk(2026, 12, 14, 10), received_at=uk(2026, 12, 14, 9), policy=REOPENING),
    assigned(uk(2026, 12, 14, 11), handler="h-7"),
    acknowledged(uk(2026, 12, 15)),
    responded(uk(2026, 12, 18)),
    closed(uk(2026, 12, 21), ClosureReason.resolved),
)
REOPEN = Reopen(occurred_at=uk(2026, 12, 29, 10), reason="The repair failed")
REOPENED = Reopened(occurred_at=uk(2026, 12, 29, 10), stage=1, reason="The repair failed")


def state_of(*events: ComplaintEvent) -> ComplaintState:
    state = given(*events)
    assert state is not None
    return state


class TestReopen:
    def test_reopens_a_closed_complaint_at_the_stage_it_was_closed_at(self) -> None:
        assert when(given(*CLOSED), REOPEN, policy=REOPENING) == [REOPENED]

    def test_reopens_at_stage_2_after_the_final_response(self) -> None:
        history = (
            *CLOSED[:4],
            escalation_requested(uk(2026, 12, 21)),
            escalated(uk(2026, 12, 22)),
            responded(uk(2027, 1, 6), stage=2),
            closed(uk(2027, 1, 7), ClosureReason.final_response_issued),
        )
        [event] = when(
            given(*history), replace(REOPEN, occurred_at=uk(2027, 2, 1)), policy=REOPENING
        )
        assert isinstance(event, Reopened)
        assert event.stage == 2

    @pytest.mark.parametrize("policy", BUILTIN_POLICIES.all(), ids=lambda p: f"{p.id} v{p.version}")
    def test_refused_where_the_policy_does_not_allow_it(self, policy: Policy) -> None:
        history = (
            logged(uk(2026, 12, 14), policy=policy, stage=policy.first_stage),
            closed(uk(2026, 12, 21), ClosureReason.withdrawn),
        )
        with pytest.raises(ReopeningNotAllowed) as refused:
            when(given(*history), REOPEN, policy=policy)
        assert refused.value.code == "reopening-not-allowed"
        assert refused.value.message == (
            f"policy {policy.id} version 1 does not allow reopening a closed complaint: "
            "log a new complaint instead"
        )

    @pytest.mark.parametrize(
        "history",
        [CLOSED[:1], CLOSED[:4], (*CLOSED[:4], escalation_requested(uk(2026, 12, 21)))],
        ids=["open", "responded", "escalation-requested"],
    )
    def test_refused_unless_closed(self, history: tuple[ComplaintEvent, ...]) -> None:
        with pytest.raises(InvalidTransition, match="only a closed complaint can be reopened"):
            when(given(*history), REOPEN, policy=REOPENING)

    def test_a_declined_complaint_is_not_reopened(self) -> None:
        history = (CLOSED[0], declined(uk(2026, 12, 15)))
        with pytest.raises(ComplaintClosed) as refused:
            when(given(*history), REOPEN, policy=REOPENING)
        assert refused.value.code == "complaint-closed"

    def test_a_closed_complaint_names_what_can_still_be_recorded(self) -> None:
        with pytest.raises(ComplaintClosed) as refused:
            when(given(*CLOSED), Acknowledge(occurred_at=uk(2026, 12, 29)), policy=REOPENING)
        assert refused.value.message == (
            "the complaint is closed: "
            "only notes, attachments, actions, compensation, referral, Ombudsman evidence, "
            "Ombudsman determination, learning, telling the resident, letters, "
            "erasure of personal data, satisfaction and reopening can be recorded now"
        )


class TestReopenedComplaint:
    def test_is_open_again_with_a_fresh_record_of_the_same_stage(self) -> None:
        state = state_of(*CLOSED, REOPENED)
        assert (state.status, state.stage) == (Status.open, 1)
        assert (state.closed_at, state.closure_reason, state.ended_at) == (None, None, None)
        first, again = state.stages
        assert (first.closed_at, first.closure_reason) == (uk(2026, 12, 21), ClosureReason.resolved)
        assert first.outcome is Outcome.upheld
        assert again == StageRecord(
            stage=1,
            started_at=uk(2026, 12, 29, 10),
            handler="h-7",
            handler_role="officer",
            reopened=True,
            reopen_reason="The repair failed",
        )
        assert state.handler == "h-7"

    def test_its_clocks_run_again_from_the_reopening(self) -> None:
        state = state_of(*CLOSED, REOPENED)
        now = clocks(state, REOPENING, ENGLAND, uk(2026, 12, 29, 12))
        # Five working days after Tuesday 29 December: 30, 31 December, 4, 5, 6 January.
        assert now["acknowledgement"].due == date(2027, 1, 6)
        assert now["acknowledgement"].status is S.pending
        assert now["response"].provisional
        # Provisionally 10 working days after the acknowledgement's deadline.
        assert now["response"].due == ENGLAND.add_working_days(date(2027, 1, 6), 10)

    def test_the_closed_records_clocks_stopped_at_the_closure_not_the_reopening(self) -> None:
        history = (CLOSED[0], closed(uk(2026, 12, 16), ClosureReason.withdrawn))
        state = state_of(*history, replace(REOPENED, occurred_at=uk(2027, 3, 1)))
        first = stage_clocks(state, state.stages[0], REOPENING, ENGLAND, uk(2027, 3, 2))
        response = first["response"]
        assert (response.met_at, response.stopped, response.status) == (
            uk(2026, 12, 16),
            True,
            S.met,
        )

    def test_it_moves_on_as_any_open_stage(self) -> None:
        state = state_of(*CLOSED, REOPENED)
        for command in (
            Acknowledge(occurred_at=uk(2026, 12, 30)),
            Close(occurred_at=uk(2026, 12, 30), reason=ClosureReason.withdrawn),
        ):
            assert len(when(state, command, policy=REOPENING)) == 1
        # Once handled as a complaint, never declined; resolved at first contact is for the
        # first contact only.
        for refused in (
            Decline(occurred_at=uk(2026, 12, 30), reason=HOC_2024.exclusions[0], explanation="x"),
            Close(occurred_at=uk(2026, 12, 30), reason=ClosureReason.resolved_at_first_contact),
        ):
            with pytest.raises(InvalidTransition):
                when(state, refused, policy=REOPENING)
        # The resident may ask for stage 2 once the reopened stage is answered.
        answered = state_of(*CLOSED, REOPENED, responded(uk(2027, 1, 8)))
        request = RequestEscalation(occurred_at=uk(2027, 1, 11), reason="Still failing")
        assert len(when(answered, request, policy=REOPENING)) == 1

    def test_closed_again_and_reopened_again(self) -> None:
        state = state_of(
            *CLOSED,
            REOPENED,
            closed(uk(2027, 1, 4), ClosureReason.withdrawn),
            replace(REOPENED, occurred_at=uk(2027, 1, 5)),
        )
        assert [(r.stage, r.reopened, r.closed_at) for r in state.stages] == [
            (1, False, uk(2026, 12, 21)),
            (1, True, uk(2027, 1, 4)),
            (1, True, None),
        ]
