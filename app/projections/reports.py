"""The reporting projection: the facts of each complaint (app/domain/reporting/facts.py) as rows.

Written in the transaction of every append, beside the complaint row: only the rows that the new
events changed are written (a complaint's facts before and after are compared in memory). Read by
the reports a period at a time; rebuilt and checked from the events by `redress rebuild`. No free
text: it is sealed in the events, and a report that shows some reads it from them by each item's
`version` (app/services/reports.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import insert_rows, one_of
from app.domain.clocks.calendar import london_date
from app.domain.complaint.events import (
    ClosureReason,
    DeclineReason,
    LateAcceptanceReason,
    Outcome,
    Tenure,
)
from app.domain.reporting.facts import ComplaintFacts, Facts, ItemFacts, ItemKind, StageFacts
from app.domain.reporting.period import Period
from app.domain.reporting.selection import ReportData
from app.events.store import Upsert
from app.events.tables import UtcDateTime
from app.projections.tables import report_complaints, report_items, report_stages

Row = dict[str, object]
Key = tuple[object, ...]
TABLES: tuple[sa.Table, ...] = (report_complaints, report_stages, report_items)
_KEYS: dict[str, tuple[str, ...]] = {
    report_complaints.name: ("id",),
    report_stages.name: ("complaint_id", "seq"),
    report_items.name: ("complaint_id", "version"),
}
OWNER: dict[str, str] = {  # the column naming the complaint a row belongs to
    report_complaints.name: "id",
    report_stages.name: "complaint_id",
    report_items.name: "complaint_id",
}


def _complaint_row(c: ComplaintFacts) -> Row:
    return {
        "id": c.complaint_id,
        "landlord": c.landlord,
        "policy_id": c.policy_id,
        "policy_version": c.policy_version,
        "received_at": c.received_at,
        "logged_stage": c.logged_stage,
        "category": c.category,
        "channel": c.channel,
        "tenure": None if c.tenure is None else c.tenure.value,
        "declined_at": c.declined_at,
        "decline_reason": None if c.decline_reason is None else c.decline_reason.value,
        "ended_at": c.ended_at,
        "last_event_at": c.last_event_at,
        "calendar_until": c.calendar_until,
        "late_acceptance": None
        if c.late_acceptance_reason is None
        else c.late_acceptance_reason.value,
        "received_date": london_date(c.received_at),
        "last_date": london_date(c.last_event_at),
    }


def _stage_row(s: StageFacts) -> Row:
    return {
        "complaint_id": s.complaint_id,
        "seq": s.seq,
        "stage": s.stage,
        "informal": s.informal,
        "reopened": s.reopened,
        "started_at": s.started_at,
        "acknowledged_at": s.acknowledged_at,
        "acknowledgement_due": s.acknowledgement_due,
        "responded_at": s.responded_at,
        "outcome": None if s.outcome is None else s.outcome.value,
        "remedies": list(s.remedies),
        "response_due": s.response_due,
        "response_original_due": s.response_original_due,
        "extended": s.extended,
        "code_response_due": s.code_response_due,
        "code_extended_due": s.code_extended_due,
        "working_days_to_respond": s.working_days_to_respond,
        "ended_at": s.ended_at,
        "closed_at": s.closed_at,
        "closure_reason": None if s.closure_reason is None else s.closure_reason.value,
        "handler_involved_before": s.handler_involved_before,
        "acknowledged_date": _day(s.acknowledged_at),
        "responded_date": _day(s.responded_at),
        "ended_date": _day(s.ended_at),
    }


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else london_date(moment)


def _item_row(i: ItemFacts) -> Row:
    return {
        "complaint_id": i.complaint_id,
        "version": i.version,
        "kind": i.kind.value,
        "stage": i.stage,
        "occurred_at": i.occurred_at,
        "code": i.code,
        "amount_pence": i.amount_pence,
        "due": i.due,
        "status": i.status,
        "answered_at": i.answered_at,
        "answered_date": _day(i.answered_at),
    }


def rows_of(facts: Facts | None) -> dict[str, dict[Key, Row]]:
    """The projection's rows for one complaint, by table name and primary key."""
    tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    if facts is not None:
        tables[report_complaints.name].append(_complaint_row(facts.complaint))
        tables[report_stages.name] += [_stage_row(s) for s in facts.stages]
        tables[report_items.name] += [_item_row(i) for i in facts.items]
    return {
        name: {tuple(row[k] for k in _KEYS[name]): row for row in rows}
        for name, rows in tables.items()
    }


def _where_key(table: sa.Table, key: Key) -> sa.ColumnElement[bool]:
    return sa.and_(*(table.c[k] == v for k, v in zip(_KEYS[table.name], key, strict=True)))


def changes(before: Facts | None, after: Facts) -> tuple[list[Upsert], list[tuple[sa.Table, Key]]]:
    """What bringing a complaint's rows from `before` to `after` writes: the rows that changed or
    are new (each upserted: a complaint logged before the projection existed has none yet), and
    the keys of rows that are gone (none, as the facts only ever grow; kept for safety)."""
    old, new = rows_of(before), rows_of(after)
    upserts: list[Upsert] = []
    gone: list[tuple[sa.Table, Key]] = []
    for table in TABLES:
        was, now = old[table.name], new[table.name]
        changed = [row for key, row in now.items() if was.get(key) != row]
        if changed:
            upserts.append(Upsert(table, changed, _KEYS[table.name]))
        gone += [(table, key) for key in was.keys() - now.keys()]
    return upserts, gone


async def delete(conn: AsyncConnection, gone: Sequence[tuple[sa.Table, Key]]) -> None:
    for table, key in gone:
        await conn.execute(sa.delete(table).where(_where_key(table, key)))


async def replace(
    conn: AsyncConnection, complaint_ids: Sequence[str], facts: Iterable[Facts]
) -> None:
    """Delete every row of `complaint_ids` and insert the rows of `facts` in their place."""
    if not complaint_ids:
        return
    for table in TABLES:
        owner = table.c[OWNER[table.name]]
        await conn.execute(sa.delete(table).where(one_of(conn, owner, complaint_ids)))
    by_table: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for f in facts:
        for name, rows in rows_of(f).items():
            by_table[name] += rows.values()
    for table in TABLES:
        await insert_rows(conn, table, by_table[table.name])


async def live_rows(
    conn: AsyncConnection, complaint_ids: Sequence[str]
) -> dict[str, dict[str, dict[Key, Row]]]:
    """The stored rows of `complaint_ids`: complaint id -> table name -> key -> row."""
    found: dict[str, dict[str, dict[Key, Row]]] = {
        cid: {t.name: {} for t in TABLES} for cid in complaint_ids
    }
    for table in TABLES:
        owner = table.c[OWNER[table.name]]
        for r in await conn.execute(sa.select(table).where(one_of(conn, owner, complaint_ids))):
            row = dict(r._mapping)
            key = tuple(row[k] for k in _KEYS[table.name])
            found[str(row[OWNER[table.name]])][table.name][key] = row
    return found


@dataclass(frozen=True)
class Span:
    complaint_id: str
    first: date  # the day the complaint was received
    last: date  # calendar_until


async def calendar_spans(conn: AsyncConnection, landlord: str) -> list[Span]:
    c = report_complaints.c
    query = sa.select(c.id, c.received_date, c.calendar_until).where(c.landlord == landlord)
    return [Span(str(r.id), r.received_date, r.calendar_until) for r in await conn.execute(query)]


def _relevant(period: Period) -> sa.Select[tuple[str]]:
    c = report_complaints.c
    return sa.select(c.id).where(
        c.received_date < period.end, sa.or_(c.last_date >= period.start, c.ended_at.is_(None))
    )


# The columns a report reads, in the order the loaders below unpack them.
_COMPLAINT_COLUMNS = [report_complaints.c[name] for name in (
    "id", "landlord", "policy_id", "policy_version", "received_at", "logged_stage", "category",
    "channel", "tenure", "declined_at", "decline_reason", "ended_at", "last_event_at",
    "calendar_until", "late_acceptance",
)]  # fmt: skip
_STAGE_COLUMNS = [report_stages.c[name] for name in (
    "complaint_id", "seq", "stage", "informal", "reopened", "started_at", "acknowledged_at",
    "acknowledgement_due", "responded_at", "outcome", "remedies", "response_due",
    "response_original_due", "extended", "code_response_due", "code_extended_due",
    "working_days_to_respond", "ended_at", "closed_at", "closure_reason", "handler_involved_before",
)]  # fmt: skip
ITEM_COLUMNS = [report_items.c[name] for name in (
    "complaint_id", "version", "kind", "stage", "occurred_at", "code", "amount_pence", "due",
    "status", "answered_at",
)]  # fmt: skip


async def load(conn: AsyncConnection, landlord: str, period: Period) -> ReportData:
    """The facts of the landlord's complaints that any figure of `period` can touch: received
    before it ended, and with an event in it or still live (open at its end).

    Rows are unpacked by position: a report reads hundreds of thousands of them."""
    c = report_complaints.c
    relevant = _relevant(period).where(c.landlord == landlord).scalar_subquery()
    raw = conn.dialect.name == "postgresql"
    complaints = {
        row[0]: _complaint(*row)
        for row in await conn.execute(
            sa.select(*readable(_COMPLAINT_COLUMNS, raw)).where(c.id.in_(relevant))
        )
    }
    stage_query = sa.select(*readable(_STAGE_COLUMNS, raw)).where(
        report_stages.c.complaint_id.in_(relevant)
    )
    item_query = sa.select(*readable(ITEM_COLUMNS, raw)).where(
        report_items.c.complaint_id.in_(relevant)
    )
    stages = [_stage(*row) for row in await conn.execute(stage_query)]
    items = [item_facts(*row) for row in await conn.execute(item_query)]
    return ReportData(complaints=complaints, stages=stages, items=items)


def readable(columns: list[sa.Column[Any]], raw: bool) -> list[sa.ColumnElement[Any]]:
    """The columns as a report reads them: remedies as their JSON text (most are `[]`, decoded
    only when not), and on PostgreSQL timestamps as asyncpg returns them, already in UTC."""
    read: list[sa.ColumnElement[Any]] = []
    for column in columns:
        if column.name == "remedies":
            read.append(sa.cast(column, sa.Text))
        elif raw and isinstance(column.type, UtcDateTime):
            read.append(sa.type_coerce(column, sa.DateTime(timezone=True)))
        else:
            read.append(column)
    return read


def _complaint(
    complaint_id: str, landlord: str, policy_id: str, policy_version: int,
    received_at: datetime, logged_stage: int, category: str, channel: str, tenure: str | None,
    declined_at: datetime | None, decline_reason: str | None, ended_at: datetime | None,
    last_event_at: datetime, calendar_until: date, late_acceptance: str | None,
) -> ComplaintFacts:  # fmt: skip
    return ComplaintFacts(
        complaint_id=complaint_id,
        landlord=landlord,
        policy_id=policy_id,
        policy_version=policy_version,
        received_at=received_at,
        logged_stage=logged_stage,
        category=category,
        channel=channel,
        tenure=None if tenure is None else TENURES[tenure],
        declined_at=declined_at,
        decline_reason=None if decline_reason is None else DECLINES[decline_reason],
        ended_at=ended_at,
        last_event_at=last_event_at,
        calendar_until=calendar_until,
        late_acceptance_reason=None if late_acceptance is None else LATE[late_acceptance],
    )


def _stage(
    complaint_id: str, seq: int, stage: int, informal: bool, reopened: bool,
    started_at: datetime, acknowledged_at: datetime | None, acknowledgement_due: date | None,
    responded_at: datetime | None, outcome: str | None, remedies: str, response_due: date,
    response_original_due: date, extended: bool, code_response_due: date | None,
    code_extended_due: date | None, working_days_to_respond: int | None,
    ended_at: datetime | None, closed_at: datetime | None, closure_reason: str | None,
    handler_involved_before: bool,
) -> StageFacts:  # fmt: skip
    return StageFacts(
        complaint_id=complaint_id,
        seq=seq,
        stage=stage,
        informal=informal,
        reopened=reopened,
        started_at=started_at,
        acknowledged_at=acknowledged_at,
        acknowledgement_due=acknowledgement_due,
        responded_at=responded_at,
        outcome=None if outcome is None else OUTCOMES[outcome],
        remedies=() if remedies == "[]" else tuple(orjson.loads(remedies)),
        response_due=response_due,
        response_original_due=response_original_due,
        extended=extended,
        code_response_due=code_response_due,
        code_extended_due=code_extended_due,
        working_days_to_respond=working_days_to_respond,
        ended_at=ended_at,
        closed_at=closed_at,
        closure_reason=None if closure_reason is None else CLOSURES[closure_reason],
        handler_involved_before=handler_involved_before,
    )


def item_facts(
    complaint_id: str, version: int, kind: str, stage: int | None, occurred_at: datetime,
    code: str | None, amount_pence: int | None, due: date | None, status: str | None,
    answered_at: datetime | None,
) -> ItemFacts:  # fmt: skip
    return ItemFacts(
        complaint_id=complaint_id,
        version=version,
        kind=KINDS[kind],
        stage=stage,
        occurred_at=occurred_at,
        code=code,
        amount_pence=amount_pence,
        due=due,
        status=status,
        answered_at=answered_at,
    )


# Enum members by value: a dictionary look-up is several times cheaper than calling the enum.
TENURES = {t.value: t for t in Tenure}
LATE = {r.value: r for r in LateAcceptanceReason}
OUTCOMES = {o.value: o for o in Outcome}
KINDS = {k.value: k for k in ItemKind}
DECLINES = {d.value: d for d in DeclineReason}
CLOSURES = {c.value: c for c in ClosureReason}
