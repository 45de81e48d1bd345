"""A stage's clocks asked for twice with the same state, record, policy, calendar and moment are
computed once; the answer is the same as computed afresh, and a caller adding to it changes no
later answer."""

from __future__ import annotations

from app.domain.clocks import deadlines
from app.domain.clocks.deadlines import stage_clocks
from app.domain.policies.builtin import HOC_2024
from tests.unit.scenario import ACKNOWLEDGED, ENGLAND, LOGGED, given, uk


def test_the_second_ask_is_the_first_answer_and_callers_cannot_spoil_it() -> None:
    state = given(LOGGED, ACKNOWLEDGED)
    assert state is not None
    at = uk(2026, 3, 10)
    first = stage_clocks(state, state.current, HOC_2024, ENGLAND, at)
    first["extra"] = first[next(iter(first))]  # as `clocks` adds the complaint-wide ones
    again = stage_clocks(state, state.current, HOC_2024, ENGLAND, at)
    assert "extra" not in again
    assert again == deadlines._stage_clocks(state, state.current, HOC_2024, ENGLAND, at)
    # Another moment is computed afresh.
    later = stage_clocks(state, state.current, HOC_2024, ENGLAND, uk(2026, 4, 30))
    assert later != again
