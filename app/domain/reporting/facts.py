"""What the reports need to know about one complaint, derived from its events alone.

One `ComplaintFacts`, one `StageFacts` per stage record and one `ItemFacts` per event the reports
count (an extension, an escalation request, a refusal, ...). The reporting projection stores
exactly these, written in the transaction of every append and rebuilt from the log, so a report
reads a few rows per complaint instead of folding every stream.

Everything that depends on the landlord's working-day calendar (due dates, working days taken) is
computed here, with the calendar in force when the row is written; `calendar_until` says up to
which day, so a change of calendar knows which complaints to write again.

Only plain fields are derived (stages, dates, codes, amounts: `plain` in the event catalogue,
app/domain/catalogue.py), never a personal one and never free text. Free text may name anyone, so
every free text is personal: sealed at rest with the complaint's data key and erased with it. The
words some figures show (extension and refusal reasons, root causes, lessons, improvements) are
therefore not facts here: an item keeps the version of its event in the complaint's stream, and a
report reads the words from the events themselves, for a reader allowed to see them
(app/domain/reporting/wording.py). Holding them here would keep them readable in the projection
after an erasure, and rows rebuilt without keys (where they read "[erased]") would differ from the
rows written on append.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.code import code_response_due
from app.domain.clocks.deadlines import ACKNOWLEDGEMENT, RESPONSE, stage_clocks
from app.domain.complaint.events import (
    ClosureReason,
    ComplaintEvent,
    DeclineReason,
    LateAcceptanceReason,
    Outcome,
    Tenure,
)
from app.domain.complaint.state import ComplaintState, StageRecord
from app.domain.policies.model import Policy
from app.domain.reporting.items import ItemFacts, ItemKind, RequestOutcome, fold_items

__all__ = [
    "ComplaintFacts",
    "Facts",
    "ItemFacts",
    "ItemKind",
    "RequestOutcome",
    "StageFacts",
    "complaint_facts",
    "facts_of",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class ComplaintFacts:
    complaint_id: str
    landlord: str
    policy_id: str
    policy_version: int
    received_at: datetime
    logged_stage: int
    category: str
    channel: str
    tenure: Tenure | None  # None: unknown
    declined_at: datetime | None
    decline_reason: DeclineReason | None
    ended_at: datetime | None  # closed or declined; None while live
    last_event_at: datetime
    calendar_until: date  # the last day any working-day figure of this complaint depends on
    # Why a matter older than the policy's time limit was taken on (`logged` v4); None: not late.
    late_acceptance_reason: LateAcceptanceReason | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class StageFacts:
    """One stage record: a stage the complaint entered."""

    complaint_id: str
    seq: int  # the record's place among the complaint's stage records, from 0
    stage: int
    informal: bool  # the policy's stage 0 / quick fix
    reopened: bool  # the record restarts a stage closed earlier (not a new receipt)
    started_at: datetime  # receipt, or the escalation request
    acknowledged_at: datetime | None
    acknowledgement_due: date | None  # None: the policy sets no acknowledgement deadline
    responded_at: datetime | None
    outcome: Outcome | None
    remedies: tuple[str, ...]
    # The pinned policy's response deadline, after agreed extensions, and before them.
    response_due: date
    response_original_due: date
    extended: bool
    # The Complaint Handling Code's deadline for the same stage (stages 1 and 2 only), whatever
    # policy the complaint was logged under (app/domain/clocks/code.py: the same clock with the
    # Code's numbers, so equal to the two above under hoc-2024); and, where an extension was
    # agreed, the latest date it can count to under the Code's cap.
    code_response_due: date | None
    code_extended_due: date | None
    working_days_to_respond: int | None  # from the stage's start, landlord's calendar
    ended_at: datetime | None  # the next stage's start, or the complaint's end
    closed_at: datetime | None  # the complaint was closed while this record was current
    closure_reason: ClosureReason | None
    # Its handler was assigned at an earlier stage of the complaint too (names compared ignoring
    # case and surrounding spaces): what `handler_independence` refuses or, advised, reports.
    handler_involved_before: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Facts:
    complaint: ComplaintFacts
    stages: tuple[StageFacts, ...]
    items: tuple[ItemFacts, ...]


def complaint_facts(
    complaint_id: str,
    state: ComplaintState,
    events: Sequence[ComplaintEvent],
    policy: Policy,
    calendar: WorkingCalendar,
) -> Facts:
    """The facts of a complaint whose events (in stream order) fold to `state`."""
    return facts_of(complaint_id, state, fold_items(complaint_id, events), policy, calendar)


def facts_of(
    complaint_id: str,
    state: ComplaintState,
    items: tuple[ItemFacts, ...],
    policy: Policy,
    calendar: WorkingCalendar,
) -> Facts:
    """The facts of a complaint at `state`, whose items are already folded (`ItemFold`)."""
    stages = tuple(
        _stage(complaint_id, seq, state, policy, calendar) for seq in range(len(state.stages))
    )
    dates = [london_date(state.last_occurred_at)]
    for stage in stages:
        dates += [stage.response_due, stage.response_original_due]
        dates += [d for d in (stage.acknowledgement_due, stage.code_response_due) if d]
        dates += [d for d in (stage.code_extended_due,) if d]
    complaint = ComplaintFacts(
        complaint_id=complaint_id,
        landlord=state.landlord,
        policy_id=state.policy_id,
        policy_version=state.policy_version,
        received_at=state.received_at,
        logged_stage=state.stages[0].stage,
        category=state.category,
        channel=state.channel.value,
        tenure=state.tenure,
        declined_at=state.declined_at,
        decline_reason=state.decline_reason,
        ended_at=state.ended_at,
        last_event_at=state.last_occurred_at,
        calendar_until=max(dates),
        late_acceptance_reason=state.late_acceptance_reason,
    )
    return Facts(complaint=complaint, stages=stages, items=items)


def _stage(
    complaint_id: str, seq: int, state: ComplaintState, policy: Policy, calendar: WorkingCalendar
) -> StageFacts:
    record = state.stages[seq]
    # Due dates do not depend on the moment they are read, only on the facts known by then.
    clocks = stage_clocks(state, record, policy, calendar, state.last_occurred_at)
    response = clocks[RESPONSE]
    acknowledgement = clocks.get(ACKNOWLEDGEMENT)
    assert response.due is not None
    assert response.original_due is not None
    code = code_response_due(record, calendar)
    return StageFacts(
        complaint_id=complaint_id,
        seq=seq,
        stage=record.stage,
        informal=policy.stage(record.stage).informal,
        reopened=record.reopened,
        started_at=record.started_at,
        acknowledged_at=record.acknowledged_at,
        acknowledgement_due=None if acknowledgement is None else acknowledgement.due,
        responded_at=record.responded_at,
        outcome=record.outcome,
        remedies=record.remedies,
        response_due=response.due,
        response_original_due=response.original_due,
        extended=response.extended,
        code_response_due=None if code is None else code.due,
        code_extended_due=None if code is None else code.extended_due,
        working_days_to_respond=(
            None
            if record.responded_at is None
            else calendar.working_days_between(
                london_date(record.started_at), london_date(record.responded_at)
            )
        ),
        ended_at=_ended(state, seq),
        closed_at=record.closed_at,
        closure_reason=record.closure_reason,
        handler_involved_before=_involved_before(state, record),
    )


def _involved_before(state: ComplaintState, record: StageRecord) -> bool:
    if record.handler is None:
        return False
    earlier = {r.handler.strip().casefold() for r in state.stages
               if r.stage < record.stage and r.handler is not None}  # fmt: skip
    return record.handler.strip().casefold() in earlier


def _ended(state: ComplaintState, seq: int) -> datetime | None:
    """When the record's stage ended: its closure, the next record's start, or the decline."""
    record = state.stages[seq]
    if record.closed_at is not None:
        return record.closed_at
    if seq + 1 < len(state.stages):
        return state.stages[seq + 1].started_at
    return state.ended_at
