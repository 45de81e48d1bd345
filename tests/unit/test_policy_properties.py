"""Random histories under every built-in policy keep the invariants, and their clocks read."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import ClockStatus, clocks
from app.domain.complaint.decide import decide
from app.domain.complaint.events import ComplaintEvent, EscalationRefused, Responded
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.state import Status
from app.domain.errors import DomainError
from app.domain.policies.builtin import BUILTIN_POLICIES
from tests.depth import examples
from tests.unit.scenario import logged, uk
from tests.unit.test_properties import commands

REGIONS = [WorkingCalendar(region=r) for r in ("england-and-wales", "scotland", "northern-ireland")]


@settings(max_examples=examples(100, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_histories_under_every_policy(data: st.DataObject) -> None:
    policy = data.draw(
        st.sampled_from(sorted(BUILTIN_POLICIES.all(), key=lambda p: (p.id, p.version)))
    )
    calendar = data.draw(st.sampled_from(REGIONS))
    start = policy.first_stage
    events: list[ComplaintEvent] = [logged(uk(2026, 12, 21), stage=start, policy=policy)]
    state = fold(events)
    assert state is not None
    for _ in range(data.draw(st.integers(min_value=1, max_value=40))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=policy, calendar=calendar, now=now)
        except DomainError:
            continue
        for event in new:
            if isinstance(event, EscalationRefused):
                # Only where the policy lets the stage being left refuse escalation.
                assert policy.stage(state.stage).escalation_refusable
            state = evolve(state, event)
        events.extend(new)
        assert [r.stage for r in state.stages] == list(range(start, state.stage + 1))
        assert policy.has_stage(state.stage)
        responses = [e.stage for e in events if isinstance(e, Responded)]
        assert len(responses) == len(set(responses))
        assert (state.requested_stage is not None) == (state.status is Status.escalation_requested)
    later = state.last_occurred_at + timedelta(days=data.draw(st.integers(0, 120)))
    for name, clock in clocks(state, policy, calendar, later).items():
        if clock.status is ClockStatus.met_late:
            assert clock.met_at is not None
        if clock.status is ClockStatus.met and clock.met_at is None:
            # Only a lapsed escalation window is met with no moment.
            assert (name, clock.stopped) == ("escalation_window", True)
        if clock.due is None:
            assert name in {"escalation_window", "survey"}
            assert clock.status in {ClockStatus.pending, ClockStatus.met, ClockStatus.met_late}
        if name == "escalation_window":
            assert clock.status is not ClockStatus.breached
