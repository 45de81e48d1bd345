"""One clock of a complaint: a due date, the moment it was met, and its status at a moment.

Kept apart from `deadlines` so the policy-specific clocks (`policy`) and the stage clocks
share one definition of a clock and of its status without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.policies.model import Policy


class ClockStatus(StrEnum):
    pending = "pending"
    due_soon = "due_soon"  # not met, and due within the policy's warning window
    breached = "breached"  # not met, and the due day has passed
    met = "met"
    met_late = "met_late"
    # Never met, and its stage ended after the due day: the step can no longer be taken, so the
    # breach is final. Not `met_late`, which says the step was taken (late).
    missed = "missed"


UNMET = frozenset({ClockStatus.pending, ClockStatus.due_soon, ClockStatus.breached})
# A deadline the landlord did not keep and has not kept since: what the `sla=breached` list
# filter and the reports count as a breach (a `met_late` step was taken, late, and counts apart).
BREACHES = frozenset({ClockStatus.breached, ClockStatus.missed})


# Not slotted: a stage's response clock is completed with `changed` (app/domain/records.py).
@dataclass(frozen=True, kw_only=True)
class Clock:
    name: str
    stage: int
    due: date | None
    met_at: datetime | None
    status: ClockStatus
    provisional: bool = False  # the response due is counted from stage start: not acknowledged yet
    original_due: date | None = None  # before any extension; equal to `due` when not extended
    extended: bool = False
    # The stage ended before the fact the clock waited for: `met_at` is the end of the stage when
    # it ended by the due day (`met`), and None when it ended after (`missed`).
    stopped: bool = False
    paused: bool = False  # the stage's clock is stopped now: the due date moves at the restart


def known(t: datetime | None, at: datetime | None) -> datetime | None:
    """`t` if it had happened by `at`; facts from after `at` do not exist yet."""
    if t is None or (at is not None and t > at):
        return None
    return t


def clock_status(
    due: date | None,
    met_at: datetime | None,
    *,
    at: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
) -> ClockStatus:
    met = known(met_at, at)
    if due is None:
        return ClockStatus.pending if met is None else ClockStatus.met
    if met is not None:
        return ClockStatus.met if london_date(met) <= due else ClockStatus.met_late
    today = london_date(at)
    if today > due:
        return ClockStatus.breached
    if calendar.add_working_days(today, policy.warning_days) >= due:
        return ClockStatus.due_soon
    return ClockStatus.pending


def stage_clock(
    name: str,
    stage: int,
    due: date | None,
    fact_at: datetime | None,
    ended_at: datetime | None,
    *,
    at: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
    paused: bool = False,
) -> Clock:
    """A clock met by `fact_at`, or stopped by the end of its stage (`ended_at`) if first.

    A stopped clock reads `met` (with `met_at` the end) when its stage ended by the due day: the
    step was no longer owed before it fell due, and no breach ever happened. Ended after the due
    day it reads `missed`, with no `met_at`: the step was never taken and now never will be.
    A paused clock (its stage's clock is stopped) cannot be late while paused: it reads `pending`.
    """
    met_at = known(fact_at, at)
    stopped = met_at is None and ended_at is not None
    if stopped:
        assert ended_at is not None
        missed = due is not None and london_date(ended_at) > due
        return Clock(
            name=name,
            stage=stage,
            due=due,
            met_at=None if missed else ended_at,
            status=ClockStatus.missed if missed else ClockStatus.met,
            original_due=due,
            stopped=True,
        )
    paused = paused and met_at is None
    status = (
        ClockStatus.pending
        if paused
        else clock_status(due, met_at, at=at, policy=policy, calendar=calendar)
    )
    return Clock(
        name=name,
        stage=stage,
        due=due,
        met_at=met_at,
        status=status,
        original_due=due,
        paused=paused,
    )
