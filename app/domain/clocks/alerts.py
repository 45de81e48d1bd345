"""Deadline alerts (issue 15): which warnings a complaint's clocks owe the landlord at a moment.

A clock is watched while the SLA lists judge it (`sla_clocks`: the current stage's, the owed ones of
earlier stages and the complaint-wide ones; never the resident's escalation window), it is not met,
it has a due date and it is not paused. A watched clock due on D has a point for each of the
policy's `alert_days_before` p, on `subtract_working_days(D, p)`: the first day it reads
`due_soon` for a policy warning p working days ahead (p = 0 is D itself, even when D is not a
working day); and the breach point, the day after D, the first day it reads `breached`. A point is
crossed once the London date reaches it.

Each (clock, stage, due) raises only the latest point it has crossed, and only when no point as
late or later was raised for it: a scheduler that was down while a clock went from "due in two
days" to breached raises the breach, not a stale warning first. A superseded point is never raised
late. A due date that moves (an extension, a clock stop, a new closure day) is a new clock to
alert on: its points are raised afresh. The complaint-wide clocks (survey, overall limit, actions,
the Ombudsman's evidence) belong to no stage: an escalation does not make them new.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.deadlines import UNMET, Clock, sla_clocks
from app.domain.clocks.policy import ACTIONS, OMBUDSMAN_EVIDENCE, OVERALL, SURVEY
from app.domain.complaint.events import AlertKind, DeadlineAlertRaised
from app.domain.complaint.state import ComplaintState
from app.domain.policies.model import Policy

COMPLAINT_WIDE = frozenset({SURVEY, OVERALL, ACTIONS, OMBUDSMAN_EVIDENCE})

# (clock name, stage or None for a complaint-wide clock, due date): one clock to alert on.
Key = tuple[str, int | None, date]
# A point's order among its clock's points: warnings from the most days before, then the breach.
Rank = tuple[int, int]
_NONE_RAISED: Rank = (-1, 0)


@dataclass(frozen=True, slots=True)
class Point:
    working_days_before: int | None  # None: the breach
    on: date  # the London date it falls on

    @property
    def rank(self) -> Rank:
        return rank_of(self.working_days_before)


def rank_of(working_days_before: int | None) -> Rank:
    return (1, 0) if working_days_before is None else (0, -working_days_before)


def key_of(clock: str, stage: int, due: date) -> Key:
    return (clock, None if clock in COMPLAINT_WIDE else stage, due)


def points(due: date, policy: Policy, calendar: WorkingCalendar) -> list[Point]:
    """The clock's points, earliest first (distinct days: p working days before D is a working
    day strictly before the one for p - 1)."""
    warnings = [
        Point(p, calendar.subtract_working_days(due, p))
        for p in sorted(policy.alert_points, reverse=True)
    ]
    return [*warnings, Point(None, due + timedelta(days=1))]


def watched(clocks: Mapping[str, Clock]) -> Iterator[Clock]:
    """The clocks alerted on, each once."""
    seen: set[Key] = set()
    for clock in clocks.values():
        if clock.status not in UNMET or clock.due is None or clock.paused:
            continue
        key = key_of(clock.name, clock.stage, clock.due)
        if key not in seen:
            seen.add(key)
            yield clock


def latest_raised(state: ComplaintState) -> dict[Key, Rank]:
    """The latest point raised so far for each clock."""
    latest: dict[Key, Rank] = {}
    for alert in state.alerts:
        key = key_of(alert.clock, alert.stage, alert.due)
        latest[key] = max(latest.get(key, _NONE_RAISED), rank_of(alert.working_days_before))
    return latest


def due_alerts(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> list[DeadlineAlertRaised]:
    """The alerts to raise at `at`: per clock, the latest point crossed by then and not yet
    raised (nor passed over by a later one raised). Raising them and asking again raises none."""
    today = london_date(at)
    raised = latest_raised(state)
    alerts: list[DeadlineAlertRaised] = []
    for clock in watched(sla_clocks(state, policy, calendar, at)):
        assert clock.due is not None
        done = raised.get(key_of(clock.name, clock.stage, clock.due), _NONE_RAISED)
        crossed = [p for p in points(clock.due, policy, calendar) if p.on <= today]
        if not crossed or crossed[-1].rank <= done:
            continue
        point = crossed[-1]
        kind = AlertKind.breached if point.working_days_before is None else AlertKind.due_soon
        alerts.append(
            DeadlineAlertRaised(
                occurred_at=at,
                clock=clock.name,
                stage=clock.stage,
                due=clock.due,
                alert=kind,
                working_days_before=point.working_days_before,
                point_date=point.on,
            )
        )
    return alerts


def next_alert_among(
    clocks: Mapping[str, Clock], state: ComplaintState, policy: Policy, calendar: WorkingCalendar
) -> date | None:
    """`next_alert_on` from clocks already worked out (the projection row has them)."""
    raised = latest_raised(state)
    dates: list[date] = []
    for clock in watched(clocks):
        assert clock.due is not None
        done = raised.get(key_of(clock.name, clock.stage, clock.due), _NONE_RAISED)
        first = _first_after(clock.due, done, policy, calendar)
        if first is not None:
            dates.append(first)
    return min(dates, default=None)


def _first_after(due: date, done: Rank, policy: Policy, calendar: WorkingCalendar) -> date | None:
    """The day of the clock's first point later than `done`: `points` without working out the
    others (every append asks, for each running clock)."""
    for days in sorted(policy.alert_points, reverse=True):
        if rank_of(days) > done:
            return calendar.subtract_working_days(due, days)
    return due + timedelta(days=1) if rank_of(None) > done else None


def next_alert_on(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> date | None:
    """The earliest date on which a point not yet raised is crossed (today or earlier when one is
    owed now); None when no clock has one left. What the scheduler's index is ordered by."""
    return next_alert_among(sla_clocks(state, policy, calendar, at), state, policy, calendar)
