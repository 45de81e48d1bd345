"""Clock stops for the tests: the policies that allow them, the events, and the clocks they give."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import Clock, ClockStatus, clocks
from app.domain.complaint.commands import (
    StopClock,
)
from app.domain.complaint.events import (
    ClockRestarted,
    ClockStopped,
    ComplaintEvent,
    StopReasonCategory,
)
from app.domain.complaint.state import ComplaintState
from app.domain.policies.builtin import HOC_2024, TUNTUM_2017
from app.domain.policies.model import Policy
from tests.unit.scenario import (
    acknowledged,
    given,
    logged,
    uk,
)

S = ClockStatus
ENGLAND = WorkingCalendar()
SCOTLAND = WorkingCalendar(region="scotland")
STOPPING = replace(HOC_2024, id="hoc-stopping", clock_stopping_allowed=True)
TUNTUM_STOPPING = replace(TUNTUM_2017, id="tuntum-stopping", clock_stopping_allowed=True)


def stopped(at: datetime, stage: int = 1) -> ClockStopped:
    return ClockStopped(
        occurred_at=at,
        stage=stage,
        reason_category=StopReasonCategory.awaiting_resident,
        reason="Waiting for photos of the damp",
    )


def restarted(at: datetime, stage: int = 1) -> ClockRestarted:
    return ClockRestarted(occurred_at=at, stage=stage, reason="Photos received")


def stop(at: datetime) -> StopClock:
    return StopClock(
        occurred_at=at, reason_category=StopReasonCategory.awaiting_third_party, reason="Survey"
    )


def clocks_at(
    events: tuple[ComplaintEvent, ...],
    at: datetime,
    *,
    policy: Policy = STOPPING,
    calendar: WorkingCalendar = ENGLAND,
) -> dict[str, Clock]:
    state = given(*events)
    assert state is not None
    return clocks(state, policy, calendar, at)


def state_of(*events: ComplaintEvent) -> ComplaintState:
    state = given(*events)
    assert state is not None
    return state


# Received Monday 14 December 2026: acknowledgement due Monday 21 December, response due
# provisionally 10 working days after that, Thursday 7 January 2027. Stopped on Friday 18
# December, before either.
DEC_14 = logged(uk(2026, 12, 14, 10), received_at=uk(2026, 12, 14, 9), policy=STOPPING)
STOPPED_DEC_18 = (DEC_14, stopped(uk(2026, 12, 18)))
# Received Monday 7 December 2026 and acknowledged the next day: response due Tuesday 22 December.
DEC_7 = (
    logged(uk(2026, 12, 7, 10), received_at=uk(2026, 12, 7, 9), policy=STOPPING),
    acknowledged(uk(2026, 12, 8)),
)
