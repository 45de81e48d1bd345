"""The clocks of a complaint (SPEC section 1, "Deadlines"): pure, given a policy and a calendar.

A clock has a due date and, once the fact it waits for happens, the time it was met. A deadline is
met by anything on or before the end of the due day in Europe/London, so dates are compared after
converting times to UK dates (23:30 BST on the due day is 22:30 UTC, and on time).

Clocks are evaluated at a moment `at`. The caller folds only the events that occurred at or before
`at`; as a second line of defence a fact recorded after `at` is ignored here too.

A clock whose stage ended before its fact happened (the complaint was closed or declined, or the
stage was escalated) stops: it is evaluated with `met_at` = the end of the stage and `stopped` set.
It reads `met` if the stage ended by the due date (no breach ever happened) and `met_late` if it
ended after (the clock did breach), and it never turns `breached` again, so a closed complaint does
not keep breaching for ever. Reports that must tell "answered" from "stopped" use `stopped`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from app.domain.calendar import WorkingCalendar, london_date
from app.domain.complaint.state import ComplaintState, StageRecord, Status
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

ACKNOWLEDGEMENT = "acknowledgement"
RESPONSE = "response"


class ClockStatus(StrEnum):
    pending = "pending"
    due_soon = "due_soon"  # not met, and due within the policy's warning window
    breached = "breached"  # not met, and the due day has passed
    met = "met"
    met_late = "met_late"


UNMET = frozenset({ClockStatus.pending, ClockStatus.due_soon, ClockStatus.breached})


@dataclass(frozen=True, kw_only=True, slots=True)
class Clock:
    name: str
    stage: int
    due: date | None
    met_at: datetime | None
    status: ClockStatus
    provisional: bool = False  # the response due is counted from stage start: not acknowledged yet
    original_due: date | None = None  # before any extension; equal to `due` when not extended
    extended: bool = False
    stopped: bool = False  # met_at is the end of the stage, not the fact the clock waited for


@dataclass(frozen=True, kw_only=True, slots=True)
class ResponseDue:
    due: date
    original_due: date
    provisional: bool
    extended: bool


def _known(t: datetime | None, at: datetime | None) -> datetime | None:
    """`t` if it had happened by `at`; facts from after `at` do not exist yet."""
    if t is None or (at is not None and t > at):
        return None
    return t


def response_due(
    record: StageRecord,
    stage_policy: StagePolicy,
    calendar: WorkingCalendar,
    at: datetime | None = None,
) -> ResponseDue:
    """The response due date of a stage, before and after extensions.

    An extension agreed before the acknowledgement was capped against the provisional due date; if
    a late acknowledgement then moves the original due date past the agreed one, the later date
    wins, so acknowledging never brings a deadline forward.
    """
    acknowledged_at = _known(record.acknowledged_at, at)
    provisional = False
    if stage_policy.response_from is ResponseFrom.acknowledgement and acknowledged_at is not None:
        start = london_date(acknowledged_at)
    else:
        start = london_date(record.started_at)
        provisional = stage_policy.response_from is ResponseFrom.acknowledgement
    original = calendar.add_working_days(start, stage_policy.response_days)
    extended_to = record.response_due_extended_to
    if extended_to is not None and extended_to > original:
        return ResponseDue(
            due=extended_to, original_due=original, provisional=provisional, extended=True
        )
    return ResponseDue(due=original, original_due=original, provisional=provisional, extended=False)


def clock_status(
    due: date | None,
    met_at: datetime | None,
    *,
    at: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
) -> ClockStatus:
    met = _known(met_at, at)
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


def _stage_end(state: ComplaintState, record: StageRecord) -> datetime | None:
    """When `record`'s stage ended: the next stage's start, or the complaint's end for the last.

    A record not among the state's stages (a requested stage not yet entered) has not ended.
    """
    numbers = [r.stage for r in state.stages]
    if record.stage not in numbers:
        return None
    index = numbers.index(record.stage)
    if index + 1 < len(state.stages):
        return state.stages[index + 1].started_at
    return state.ended_at


def _clock(
    name: str,
    record: StageRecord,
    due: date,
    fact_at: datetime | None,
    ended_at: datetime | None,
    *,
    at: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
) -> Clock:
    met_at = _known(fact_at, at)
    stopped = met_at is None and ended_at is not None
    if stopped:
        met_at = ended_at
    return Clock(
        name=name,
        stage=record.stage,
        due=due,
        met_at=met_at,
        status=clock_status(due, met_at, at=at, policy=policy, calendar=calendar),
        original_due=due,
        stopped=stopped,
    )


def stage_clocks(
    state: ComplaintState,
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
    at: datetime,
) -> dict[str, Clock]:
    """The clocks of one stage, evaluated at `at`. A clock the stage's policy lacks is left out."""
    stage_policy = policy.stage(record.stage)
    ended_at = _known(_stage_end(state, record), at)
    result: dict[str, Clock] = {}
    if stage_policy.acknowledge_days is not None:
        start = london_date(record.started_at)
        due = calendar.add_working_days(start, stage_policy.acknowledge_days)
        result[ACKNOWLEDGEMENT] = _clock(
            ACKNOWLEDGEMENT,
            record,
            due,
            record.acknowledged_at,
            ended_at,
            at=at,
            policy=policy,
            calendar=calendar,
        )
    response = response_due(record, stage_policy, calendar, at)
    result[RESPONSE] = replace(
        _clock(
            RESPONSE,
            record,
            response.due,
            record.responded_at,
            ended_at,
            at=at,
            policy=policy,
            calendar=calendar,
        ),
        original_due=response.original_due,
        provisional=response.provisional,
        extended=response.extended,
    )
    return result


def clocks(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> dict[str, Clock]:
    """The clocks of the current stage evaluated at `at`.

    While an escalation is requested, these are the requested stage's clocks as if that stage had
    started at the request: the Code runs the stage 2 acknowledgement from the request, so the
    landlord is on the clock before it records `escalated`.
    """
    if state.status is Status.escalation_requested and state.requested_stage is not None:
        requested_at = state.current.escalation_requested_at or state.last_occurred_at
        pending = StageRecord(stage=state.requested_stage, started_at=requested_at)
        return stage_clocks(state, pending, policy, calendar, at)
    return stage_clocks(state, state.current, policy, calendar, at)


def earliest_unmet_due(clocks: Mapping[str, Clock]) -> date | None:
    """The soonest due date among clocks not yet met, for "what is due next" list filters."""
    dues = [c.due for c in clocks.values() if c.status in UNMET and c.due is not None]
    return min(dues, default=None)
