"""The clocks of a complaint (SPEC section 1, "Deadlines"): pure, given a policy and a calendar.

A clock has a due date and, once the fact it waits for happens, the time it was met. A deadline is
met by anything on or before the end of the due day in Europe/London, so dates are compared after
converting times to UK dates (23:30 BST on the due day is 22:30 UTC, and on time).

Clocks are evaluated at a moment `at`. The caller folds only the events that occurred at or before
`at`; as a second line of defence a fact recorded after `at` is ignored here too.

A clock whose stage ended before its fact happened (the complaint was closed or declined, or the
stage was escalated) stops, with `stopped` set. It reads `met` (with `met_at` the end of the stage)
if the stage ended by the due date: no breach ever happened. It reads `missed` (with no `met_at`)
if the stage ended after: the step was never taken and can no longer be, so the breach is final and
the lists and reports count it as one; `met_late` is only ever a step taken late. An acknowledgement
is refused once the stage is answered, so for the acknowledgement clock the response ends its
stage too.

One due date per step: the response clock here is the one the view, the list filters, the
self-assessment figures and (with the Code's numbers, `code.py`) the TSM's CH02 all read. Where the
response runs from the acknowledgement, it is counted from the acknowledgement as made, early or
late, as the Code words it; with none (yet), from the acknowledgement's deadline, the latest day an
acknowledgement in time could have been made (docs/reports.md, "The Code's clock").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.clock import BREACHES as BREACHES
from app.domain.clocks.clock import UNMET as UNMET
from app.domain.clocks.clock import Clock as Clock
from app.domain.clocks.clock import ClockStatus as ClockStatus
from app.domain.clocks.clock import clock_status as clock_status
from app.domain.clocks.clock import known, stage_clock
from app.domain.clocks.policy import (
    ACTIONS,
    CONTACT,
    ESCALATION_WINDOW,
    OMBUDSMAN_EVIDENCE,
    OVERALL,
    SURVEY,
    actions_clock,
    contact_clock,
    escalation_window_clock,
    ombudsman_evidence_clock,
    overall_clock,
    survey_clock,
)
from app.domain.clocks.stops import earliest, moved_due
from app.domain.complaint.state import ComplaintState, StageRecord, Status
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from app.domain.records import changed

ACKNOWLEDGEMENT = "acknowledgement"
RESPONSE = "response"
# The names of the clocks only some policies define, exported here beside the Code's two.
__all__ = [
    "ACKNOWLEDGEMENT",
    "ACTIONS",
    "BREACHES",
    "CONTACT",
    "ESCALATION_WINDOW",
    "OMBUDSMAN_EVIDENCE",
    "OVERALL",
    "RESIDENT_CLOCKS",
    "RESPONSE",
    "SURVEY",
    "UNMET",
    "Clock",
    "ClockStatus",
    "ResponseDue",
    "clock_status",
    "clocks",
    "earliest_unmet_due",
    "landlord_clocks",
    "response_due",
    "sla_clocks",
    "stage_clocks",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class ResponseDue:
    due: date
    original_due: date  # before any extension (moved by the stage's clock stops)
    provisional: bool
    extended: bool
    paused: bool = False


def response_due(
    record: StageRecord,
    stage_policy: StagePolicy,
    calendar: WorkingCalendar,
    at: datetime | None = None,
    *,
    ended_at: datetime | None = None,
    paused_until: datetime | None = None,
) -> ResponseDue:
    """The response due date of a stage, before and after extensions, moved by clock stops.

    Where the response runs from the acknowledgement it is counted from the acknowledgement made
    (on time or late: the Code counts "from the complaint being acknowledged", and a late
    acknowledgement is the acknowledgement clock's breach, not the response's). Until there is
    one, and if there never is, it is counted from the acknowledgement's deadline: the date holds
    if no acknowledgement comes, and is marked provisional while one still can (the stage is
    neither answered nor ended). A policy with no acknowledgement deadline counts from the start.

    An extension agreed before the acknowledgement was capped against the provisional due date; if
    a late acknowledgement (or a stop) then moves the original due date past the agreed one, the
    later date wins. `ended_at` is when the stage ended, if it has; `paused_until` is passed to
    `moved_due`.
    """
    acknowledged_at = known(record.acknowledged_at, at)
    responded_at = known(record.responded_at, at)
    counted_from = london_date(record.started_at)
    running_from = record.started_at
    provisional = False
    if stage_policy.response_from is ResponseFrom.acknowledgement:
        if acknowledged_at is not None:
            running_from = acknowledged_at
            counted_from = london_date(acknowledged_at)
        else:
            provisional = responded_at is None and ended_at is None
            if stage_policy.acknowledge_days is not None:
                # Running from the stage start, the stops move this date as they move the
                # acknowledgement's deadline, and then the response's.
                days = stage_policy.acknowledge_days
                counted_from = calendar.add_working_days(counted_from, days)
    original = calendar.add_working_days(counted_from, stage_policy.response_days)
    moment = datetime.max.replace(tzinfo=UTC) if at is None else at
    until = earliest(responded_at, ended_at)
    original, paused = moved_due(
        original,
        record.stops,
        calendar,
        running_from=running_from,
        until=until,
        at=moment,
        paused_until=paused_until,
    )
    extended_to = record.response_due_extended_to
    if extended_to is not None and record.response_due_extended_at is not None:
        extended_to, extension_paused = moved_due(
            extended_to,
            record.stops,
            calendar,
            running_from=record.started_at,
            until=until,
            at=moment,
            agreed_at=record.response_due_extended_at,
            paused_until=paused_until,
        )
        if extended_to > original:
            return ResponseDue(
                due=extended_to,
                original_due=original,
                provisional=provisional,
                extended=True,
                paused=extension_paused,
            )
    return ResponseDue(
        due=original, original_due=original, provisional=provisional, extended=False, paused=paused
    )


def _stage_end(state: ComplaintState, record: StageRecord) -> datetime | None:
    """When `record`'s stage ended: its closure, else the next record's start, else the
    complaint's end (a decline) for the last.

    Records are found by identity, since a reopened stage has two records with one number; a
    record not among the state's stages (a requested stage not yet entered) has not ended.
    """
    if record.closed_at is not None:
        return record.closed_at
    index = next((i for i, r in enumerate(state.stages) if r is record), None)
    if index is None:
        return None
    if index + 1 < len(state.stages):
        return state.stages[index + 1].started_at
    return state.ended_at


# The last stages' clocks, by the identity of what they were computed from: an append and a
# rebuild ask for each stage's clocks twice with the same arguments (the list row's SLA, then the
# report facts). Records are never changed in place (`changed` copies) and each entry holds them,
# so no identity is reused while its entry lives.
_RECENT: dict[
    tuple[int, int, int, int, datetime],
    tuple[ComplaintState, StageRecord, Policy, WorkingCalendar, dict[str, Clock]],
] = {}
RECENT = 32


def stage_clocks(
    state: ComplaintState,
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
    at: datetime,
) -> dict[str, Clock]:
    """The clocks of one stage, evaluated at `at`. A clock the stage's policy lacks is left out.
    (A new dict each call, which callers may add to; the clocks themselves are frozen.)"""
    key = (id(state), id(record), id(policy), id(calendar), at)
    hit = _RECENT.get(key)
    if hit is not None and _same(hit[:4], (state, record, policy, calendar)):
        return dict(hit[4])
    return _remember(key, state, record, policy, calendar)


def _same(these: tuple[object, ...], those: tuple[object, ...]) -> bool:
    return all(a is b for a, b in zip(these, those, strict=True))


def _remember(
    key: tuple[int, int, int, int, datetime],
    state: ComplaintState,
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
) -> dict[str, Clock]:
    result = _stage_clocks(state, record, policy, calendar, key[4])
    if len(_RECENT) >= RECENT:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[key] = (state, record, policy, calendar, result)
    return dict(result)


def _stage_clocks(
    state: ComplaintState,
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
    at: datetime,
) -> dict[str, Clock]:
    stage_policy = policy.stage(record.stage)
    ended_at = known(_stage_end(state, record), at)
    result: dict[str, Clock] = {}
    if stage_policy.acknowledge_days is not None:
        start = london_date(record.started_at)
        # `decide` refuses an acknowledgement once the stage is answered: the response ends the
        # acknowledgement's wait as the end of the stage does.
        no_longer_owed = earliest(known(record.responded_at, at), ended_at)
        due, paused = moved_due(
            calendar.add_working_days(start, stage_policy.acknowledge_days),
            record.stops,
            calendar,
            running_from=record.started_at,
            until=earliest(known(record.acknowledged_at, at), no_longer_owed),
            at=at,
        )
        result[ACKNOWLEDGEMENT] = stage_clock(
            ACKNOWLEDGEMENT,
            record.stage,
            due,
            record.acknowledged_at,
            no_longer_owed,
            at=at,
            policy=policy,
            calendar=calendar,
            paused=paused,
        )
    contact = contact_clock(record, policy, calendar, ended_at, at)
    if contact is not None:
        result[CONTACT] = contact
    response = response_due(record, stage_policy, calendar, at, ended_at=ended_at)
    result[RESPONSE] = changed(
        stage_clock(
            RESPONSE,
            record.stage,
            response.due,
            record.responded_at,
            ended_at,
            at=at,
            policy=policy,
            calendar=calendar,
            paused=response.paused,
        ),
        original_due=response.original_due,
        provisional=response.provisional,
        extended=response.extended,
    )
    window = escalation_window_clock(record, policy, calendar, ended_at, at)
    if window is not None:
        result[ESCALATION_WINDOW] = window
    return result


def clocks(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> dict[str, Clock]:
    """The clocks of the current stage, then the complaint-wide ones, evaluated at `at`.

    While an escalation is requested, the stage clocks are the requested stage's as if that stage
    had started at the request: the Code runs the stage 2 acknowledgement from the request, so the
    landlord is on the clock before it records `escalated`.
    """
    if state.status is Status.escalation_requested and state.requested_stage is not None:
        requested_at = state.current.escalation_requested_at or state.last_occurred_at
        pending = StageRecord(stage=state.requested_stage, started_at=requested_at)
        result = stage_clocks(state, pending, policy, calendar, at)
    else:
        result = stage_clocks(state, state.current, policy, calendar, at)
    for name, clock in (
        (SURVEY, survey_clock(state, policy, calendar, at)),
        (OVERALL, overall_clock(state, policy, calendar, at)),
        (ACTIONS, actions_clock(state, policy, calendar, at)),
        (OMBUDSMAN_EVIDENCE, ombudsman_evidence_clock(state, policy, calendar, at)),
    ):
        if clock is not None:
            result[name] = clock
    return result


# Deadlines the resident must meet, not the landlord: they never make a complaint breach its SLA.
RESIDENT_CLOCKS = frozenset({ESCALATION_WINDOW})


def landlord_clocks(clocks: Mapping[str, Clock]) -> dict[str, Clock]:
    """The clocks the landlord must meet: what the SLA filters (`breached`, `due_soon`) judge."""
    return {name: c for name, c in clocks.items() if name not in RESIDENT_CLOCKS}


def earliest_unmet_due(clocks: Mapping[str, Clock]) -> date | None:
    """The soonest due date among the landlord's clocks not yet met, for "what is due next" list
    filters. A `missed` clock counts, at its due date (already past): its breach is final, so the
    complaint stays `breached` in the lists. The resident's escalation window is not the
    landlord's deadline, so it never counts; nor does a paused clock, which cannot fall due until
    it restarts (and its date moves).
    """
    dues = [
        c.due
        for c in landlord_clocks(clocks).values()
        if (c.status in UNMET or c.status is ClockStatus.missed)
        and c.due is not None
        and not c.paused
    ]
    return min(dues, default=None)


def sla_clocks(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> dict[str, Clock]:
    """The clocks the SLA list filters judge: the landlord's clocks the view shows for the current
    stage, and those of every other stage still owed or missed there.

    A response left unanswered when the resident escalated reads `missed` at the stage it belonged
    to; the view shows it under that stage, and the lists must still count it as a breach after the
    complaint moved on. The other stages' clocks are keyed `stage<N>.<i>.<name>`, `i` the record's
    position (a reopened stage has a record per opening).
    """
    result = landlord_clocks(clocks(state, policy, calendar, at))
    shown = None if state.status is Status.escalation_requested else state.current
    for index, record in enumerate(state.stages):
        if record is shown:
            continue
        owed = landlord_clocks(stage_clocks(state, record, policy, calendar, at))
        for name, clock in owed.items():
            if clock.status in UNMET or clock.status is ClockStatus.missed:
                result[f"stage{record.stage}.{index}.{name}"] = clock
    return result
