"""Agreed actions: agreed and completed at any time, closure waiting for them where the policy says
so, and the complaint-wide `actions` clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.clocks.deadlines import Clock, ClockStatus, clocks
from app.domain.complaint.commands import AgreeAction, Close, CompleteAction
from app.domain.complaint.errors import (
    ActionAlreadyAgreed,
    ActionAlreadyCompleted,
    ActionsOutstanding,
    InvalidDueDate,
    InvalidTransition,
    UnknownAction,
)
from app.domain.complaint.events import (
    ActionAgreed,
    ActionCompleted,
    ClosureReason,
    ComplaintEvent,
)
from app.domain.complaint.state import AgreedAction
from app.domain.policies.builtin import HOC_2024, JJH_2020
from app.domain.policies.model import Policy
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    closed,
    declined,
    given,
    logged,
    responded,
    uk,
    when,
)

S = ClockStatus
WAITING = replace(HOC_2024, id="hoc-waiting", closure_waits_for_actions=True)

# Received Monday 14 December 2026, acknowledged the next day, answered on Friday 18 December.
LOGGED = logged(uk(2026, 12, 14), policy=WAITING)
RESPONDED = (LOGGED, acknowledged(uk(2026, 12, 15)), responded(uk(2026, 12, 18)))


def agreed(at: datetime, action_id: str = "A-1", due: date = date(2026, 12, 24)) -> ActionAgreed:
    return ActionAgreed(
        occurred_at=at,
        action_id=action_id,
        description="Treat the mould in the back bedroom",
        due=due,
        owner="repairs team",
    )


def completed(at: datetime, action_id: str = "A-1") -> ActionCompleted:
    return ActionCompleted(occurred_at=at, action_id=action_id, summary="Treated and painted")


def agree(at: datetime, action_id: str = "A-1", due: date = date(2026, 12, 24)) -> AgreeAction:
    return AgreeAction(
        occurred_at=at,
        action_id=action_id,
        description="Treat the mould in the back bedroom",
        due=due,
        owner="repairs team",
    )


def complete(at: datetime, action_id: str = "A-1") -> CompleteAction:
    return CompleteAction(occurred_at=at, action_id=action_id, summary="Treated and painted")


def actions_clock(
    events: tuple[ComplaintEvent, ...], at: datetime, policy: Policy = WAITING
) -> Clock | None:
    state = given(*events)
    assert state is not None
    return clocks(state, policy, ENGLAND, at).get("actions")


class TestAgreeAction:
    @pytest.mark.parametrize(
        "history",
        [
            (LOGGED,),
            RESPONDED,
            (*RESPONDED, closed(uk(2026, 12, 21), ClosureReason.withdrawn)),
            (LOGGED, declined(uk(2026, 12, 15))),
        ],
        ids=["open", "responded", "closed", "declined"],
    )
    def test_agreed_at_any_time(self, history: tuple[ComplaintEvent, ...]) -> None:
        assert when(given(*history), agree(uk(2026, 12, 22)), policy=WAITING) == [
            agreed(uk(2026, 12, 22))
        ]

    def test_an_id_is_used_once(self) -> None:
        state = given(*RESPONDED, agreed(uk(2026, 12, 18, 12)), completed(uk(2026, 12, 21)))
        with pytest.raises(ActionAlreadyAgreed) as refused:
            when(state, agree(uk(2026, 12, 22)), policy=WAITING)
        assert refused.value.code == "action-already-agreed"
        assert "A-1" not in refused.value.message

    def test_due_on_the_day_it_is_agreed_but_not_before(self) -> None:
        state = given(*RESPONDED)
        assert when(state, agree(uk(2026, 12, 22, 16), due=date(2026, 12, 22)), policy=WAITING)
        with pytest.raises(InvalidDueDate) as refused:
            when(state, agree(uk(2026, 12, 22), due=date(2026, 12, 21)), policy=WAITING)
        assert refused.value.message == (
            "the due date 2026-12-21 is before 2026-12-22, the day it was set: "
            "a due date cannot be in the past when it is set"
        )


class TestCompleteAction:
    def test_completes_an_agreed_action_also_after_the_closure(self) -> None:
        state = given(*RESPONDED, agreed(uk(2026, 12, 18, 12)), closed(uk(2026, 12, 21)))
        assert when(state, complete(uk(2027, 1, 4)), policy=WAITING) == [completed(uk(2027, 1, 4))]

    def test_an_unknown_id_is_refused(self) -> None:
        state = given(*RESPONDED, agreed(uk(2026, 12, 18, 12)))
        with pytest.raises(UnknownAction) as refused:
            when(state, complete(uk(2026, 12, 21), action_id="A-2"), policy=WAITING)
        assert (refused.value.code, refused.value.action_id) == ("unknown-action", "A-2")

    def test_completed_once(self) -> None:
        state = given(*RESPONDED, agreed(uk(2026, 12, 18, 12)), completed(uk(2026, 12, 21)))
        with pytest.raises(ActionAlreadyCompleted):
            when(state, complete(uk(2026, 12, 22)), policy=WAITING)

    def test_the_state_keeps_each_action(self) -> None:
        state = given(
            *RESPONDED,
            agreed(uk(2026, 12, 18, 12)),
            agreed(uk(2026, 12, 18, 13), action_id="A-2", due=date(2027, 1, 8)),
            completed(uk(2026, 12, 21)),
        )
        assert state is not None
        assert state.actions == (
            AgreedAction(
                action_id="A-1",
                description="Treat the mould in the back bedroom",
                due=date(2026, 12, 24),
                owner="repairs team",
                agreed_at=uk(2026, 12, 18, 12),
                completed_at=uk(2026, 12, 21),
                summary="Treated and painted",
            ),
            AgreedAction(
                action_id="A-2",
                description="Treat the mould in the back bedroom",
                due=date(2027, 1, 8),
                owner="repairs team",
                agreed_at=uk(2026, 12, 18, 13),
            ),
        )
        assert [a.action_id for a in state.outstanding_actions] == ["A-2"]


class TestClosureWaitsForActions:
    CLOSE = Close(occurred_at=uk(2026, 12, 22), reason=ClosureReason.resolved)

    @pytest.mark.parametrize("policy", [WAITING, JJH_2020], ids=lambda p: p.id)
    def test_refused_while_an_action_is_outstanding(self, policy: Policy) -> None:
        history = (
            logged(uk(2026, 12, 14), policy=policy),
            responded(uk(2026, 12, 18)),
            agreed(uk(2026, 12, 18, 12)),
            agreed(uk(2026, 12, 18, 13), action_id="A-2"),
            completed(uk(2026, 12, 21), action_id="A-2"),
        )
        with pytest.raises(ActionsOutstanding) as refused:
            when(given(*history), self.CLOSE, policy=policy)
        assert refused.value.code == "actions-outstanding"
        assert refused.value.outstanding == 1
        assert refused.value.message == (
            f"policy {policy.id} closes a complaint only once its agreed actions are completed: "
            "1 action is outstanding (a withdrawal may still close it)"
        )
        # Withdrawn closes anyway; once the action is done, so does resolved.
        withdrawn = replace(self.CLOSE, reason=ClosureReason.withdrawn)
        assert when(given(*history), withdrawn, policy=policy)
        done = given(*history, completed(uk(2026, 12, 22)))
        assert when(done, self.CLOSE, policy=policy)

    def test_counts_every_outstanding_action(self) -> None:
        history = (*RESPONDED, agreed(uk(2026, 12, 18, 12)), agreed(uk(2026, 12, 21), "A-2"))
        with pytest.raises(ActionsOutstanding, match="2 actions are outstanding"):
            when(given(*history), self.CLOSE, policy=WAITING)

    def test_a_policy_that_does_not_wait_closes_anyway(self) -> None:
        history = (
            logged(uk(2026, 12, 14)),
            acknowledged(uk(2026, 12, 15)),
            responded(uk(2026, 12, 18)),
            agreed(uk(2026, 12, 18, 12)),
        )
        assert when(given(*history), self.CLOSE, policy=HOC_2024)

    def test_the_reason_is_checked_first(self) -> None:
        # Not responded: resolved does not fit, whatever the actions.
        history = (LOGGED, agreed(uk(2026, 12, 14, 12)))
        with pytest.raises(InvalidTransition, match="reasons possible now"):
            when(given(*history), self.CLOSE, policy=WAITING)


class TestActionsClock:
    def test_none_until_an_action_is_agreed(self) -> None:
        assert actions_clock(RESPONDED, uk(2026, 12, 21)) is None
        # Not before the agreement, read as of then.
        assert actions_clock((*RESPONDED, agreed(uk(2026, 12, 21))), uk(2026, 12, 20)) is None

    def test_runs_to_the_earliest_outstanding_due_date(self) -> None:
        events = (
            *RESPONDED,
            agreed(uk(2026, 12, 18, 12), "A-1", due=date(2027, 1, 8)),
            agreed(uk(2026, 12, 18, 13), "A-2", due=date(2026, 12, 24)),
        )
        clock = actions_clock(events, uk(2026, 12, 21))
        assert clock is not None
        assert (clock.due, clock.status, clock.met_at) == (date(2026, 12, 24), S.pending, None)
        # Two working days before Christmas Eve it is due soon; after it, breached.
        assert (c := actions_clock(events, uk(2026, 12, 22))) is not None
        assert c.status is S.due_soon
        assert (c := actions_clock(events, uk(2026, 12, 29))) is not None
        assert c.status is S.breached
        # A-2 done: the clock moves on to A-1, due Friday 8 January.
        later = (*events, completed(uk(2026, 12, 29), "A-2"))
        assert (c := actions_clock(later, uk(2026, 12, 30))) is not None
        assert (c.due, c.status) == (date(2027, 1, 8), S.pending)

    def test_met_at_the_last_completion(self) -> None:
        events = (
            *RESPONDED,
            agreed(uk(2026, 12, 18, 12), "A-1", due=date(2027, 1, 8)),
            agreed(uk(2026, 12, 18, 13), "A-2", due=date(2026, 12, 24)),
            completed(uk(2026, 12, 23), "A-2"),
            completed(uk(2027, 1, 6), "A-1"),
        )
        clock = actions_clock(events, uk(2027, 2, 1))
        assert clock is not None
        assert (clock.due, clock.met_at, clock.status) == (date(2027, 1, 8), uk(2027, 1, 6), S.met)

    def test_met_late_if_any_was_late(self) -> None:
        events = (
            *RESPONDED,
            agreed(uk(2026, 12, 18, 12), "A-1", due=date(2027, 1, 8)),
            agreed(uk(2026, 12, 18, 13), "A-2", due=date(2026, 12, 24)),
            completed(uk(2026, 12, 29), "A-2"),  # after Christmas Eve
            completed(uk(2027, 1, 6), "A-1"),
        )
        clock = actions_clock(events, uk(2027, 2, 1))
        assert clock is not None
        assert (clock.met_at, clock.status) == (uk(2027, 1, 6), S.met_late)

    def test_outlives_the_closure(self) -> None:
        events = (*RESPONDED, agreed(uk(2026, 12, 18, 12)), closed(uk(2026, 12, 21)))
        clock = actions_clock(events, uk(2027, 1, 4))
        assert clock is not None
        assert (clock.status, clock.stopped) == (S.breached, False)
