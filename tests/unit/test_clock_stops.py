"""Stopping the clock: which stops are accepted, and how they move a stage's deadlines.

No built-in policy stops the clock (the Code's tool is the extension), so the allowed paths run
under copies of hoc-2024 and tuntum-2017 with `clock_stopping_allowed`. Dates cross Christmas 2026
(25 and 28 December), New Year 2027 (1 January; 4 January in Scotland) and Easter 2027 (Good Friday
26 March; Easter Monday 29 March outside Scotland), with bank holidays from `holidays`.
"""

from __future__ import annotations

import pytest

from app.domain.complaint.commands import (
    Acknowledge,
    Close,
    Command,
    Respond,
    RestartClock,
)
from app.domain.complaint.errors import (
    ClockStoppingNotAllowed,
    ComplaintClosed,
    InvalidTransition,
)
from app.domain.complaint.events import (
    ClockRestarted,
    ClockStopped,
    ClosureReason,
    ComplaintEvent,
    Outcome,
    StopReasonCategory,
)
from app.domain.complaint.state import ClockStop
from app.domain.policies.builtin import HOC_2024, JJH_2020, JLIVING_2018, POLICY_2022, TUNTUM_2017
from app.domain.policies.model import Policy
from tests.unit.scenario import (
    closed,
    escalation_requested,
    given,
    logged,
    responded,
    uk,
    when,
)
from tests.unit.stopping import (
    DEC_7,
    DEC_14,
    STOPPED_DEC_18,
    STOPPING,
    restarted,
    state_of,
    stop,
    stopped,
)


class TestStopClock:
    def test_stops_a_running_stage(self) -> None:
        assert when(given(*DEC_7), stop(uk(2026, 12, 9)), policy=STOPPING) == [
            ClockStopped(
                occurred_at=uk(2026, 12, 9),
                stage=1,
                reason_category=StopReasonCategory.awaiting_third_party,
                reason="Survey",
            )
        ]

    @pytest.mark.parametrize(
        "policy", [HOC_2024, JJH_2020, TUNTUM_2017, JLIVING_2018, POLICY_2022], ids=lambda p: p.id
    )
    def test_refused_where_the_policy_does_not_allow_it(self, policy: Policy) -> None:
        history = (logged(uk(2026, 12, 7), policy=policy, stage=policy.first_stage),)
        with pytest.raises(ClockStoppingNotAllowed) as refused:
            when(given(*history), stop(uk(2026, 12, 9)), policy=policy)
        assert refused.value.code == "clock-stopping-not-allowed"
        assert refused.value.message == (
            f"policy {policy.id} version 1 does not allow stopping the clock: "
            "agree an extension instead"
        )

    def test_a_restart_is_refused_too_where_stopping_is_not_allowed(self) -> None:
        history = (logged(uk(2026, 12, 7)),)
        with pytest.raises(ClockStoppingNotAllowed):
            when(given(*history), RestartClock(occurred_at=uk(2026, 12, 9)))

    @pytest.mark.parametrize(
        ("history", "hint"),
        [
            ((*DEC_7, responded(uk(2026, 12, 10))), "only a stage awaiting its response"),
            (
                (*DEC_7, responded(uk(2026, 12, 10)), escalation_requested(uk(2026, 12, 11))),
                "only a stage awaiting its response",
            ),
            ((*DEC_7, stopped(uk(2026, 12, 9))), "already stopped"),
        ],
        ids=["responded", "escalation-requested", "already-stopped"],
    )
    def test_refused_unless_the_stage_is_running(
        self, history: tuple[ComplaintEvent, ...], hint: str
    ) -> None:
        with pytest.raises(InvalidTransition, match=hint) as refused:
            when(given(*history), stop(uk(2026, 12, 14)), policy=STOPPING)
        assert refused.value.code == "invalid-transition"

    def test_refused_on_a_closed_complaint(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(*DEC_7, closed(uk(2026, 12, 9))), stop(uk(2026, 12, 14)), policy=STOPPING)

    def test_the_refusal_never_quotes_the_reason(self) -> None:
        with pytest.raises(InvalidTransition) as refused:
            when(given(*STOPPED_DEC_18), stop(uk(2026, 12, 21)), policy=STOPPING)
        assert "Survey" not in refused.value.message


class TestRestartClock:
    def test_restarts_a_stopped_stage(self) -> None:
        command = RestartClock(occurred_at=uk(2027, 1, 4), reason="Survey received")
        assert when(given(*STOPPED_DEC_18), command, policy=STOPPING) == [
            ClockRestarted(occurred_at=uk(2027, 1, 4), stage=1, reason="Survey received")
        ]

    @pytest.mark.parametrize(
        "history",
        [(DEC_14,), (*STOPPED_DEC_18, restarted(uk(2026, 12, 21)))],
        ids=["never-stopped", "already-restarted"],
    )
    def test_refused_when_not_stopped(self, history: tuple[ComplaintEvent, ...]) -> None:
        with pytest.raises(InvalidTransition, match="the clock of stage 1 is not stopped"):
            when(given(*history), RestartClock(occurred_at=uk(2027, 1, 4)), policy=STOPPING)

    def test_refused_once_the_complaint_closed_while_stopped(self) -> None:
        state = given(*STOPPED_DEC_18, closed(uk(2026, 12, 21)))
        with pytest.raises(ComplaintClosed):
            when(state, RestartClock(occurred_at=uk(2027, 1, 4)), policy=STOPPING)

    def test_the_stop_is_kept_on_its_stage(self) -> None:
        state = state_of(*STOPPED_DEC_18, restarted(uk(2027, 1, 4)))
        assert state.current.stops == (
            ClockStop(
                stopped_at=uk(2026, 12, 18),
                reason_category=StopReasonCategory.awaiting_resident,
                reason="Waiting for photos of the damp",
                restarted_at=uk(2027, 1, 4),
                restart_reason="Photos received",
            ),
        )
        assert not state.current.clock_stopped


class TestWhileStopped:
    def test_acknowledging_and_closing_are_accepted(self) -> None:
        state = given(*STOPPED_DEC_18)
        for command in (
            Acknowledge(occurred_at=uk(2026, 12, 21)),
            Close(occurred_at=uk(2026, 12, 21), reason=ClosureReason.withdrawn),
        ):
            assert len(when(state, command, policy=STOPPING)) == 1

    def test_responding_is_refused_until_the_restart(self) -> None:
        command: Command = Respond(
            occurred_at=uk(2026, 12, 21), outcome=Outcome.upheld, summary="x"
        )
        with pytest.raises(InvalidTransition, match="stopped: restart it first"):
            when(given(*STOPPED_DEC_18), command, policy=STOPPING)
        after = given(*STOPPED_DEC_18, restarted(uk(2026, 12, 21)))
        assert len(when(after, command, policy=STOPPING)) == 1
