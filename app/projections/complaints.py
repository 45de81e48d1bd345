"""The complaint projection: one row per complaint with the columns the list endpoint filters on.

It is written in the same transaction as the append that changed the complaint, and holds nothing
that cannot be derived from the events (see `row_for`), so it can be rebuilt from the log alone.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import upsert_by_id
from app.domain.clocks.alerts import next_alert_among
from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import earliest_unmet_due, sla_clocks
from app.domain.complaint.state import ComplaintState, Status
from app.domain.policies.model import Policy
from app.events.tables import complaint_search
from app.projections.tables import complaints

Row = dict[str, object]


def row_for(
    complaint_id: str, state: ComplaintState, policy: Policy, calendar: WorkingCalendar
) -> Row:
    # Due dates do not depend on when they are read, so evaluating at the last event is exact.
    clocks = sla_clocks(state, policy, calendar, state.last_occurred_at)
    sla_due = earliest_unmet_due(clocks)
    return {
        "id": complaint_id,
        "landlord": state.landlord,
        "reference": state.reference,
        "resident_id": state.complainant.resident_id,
        "policy_id": state.policy_id,
        "policy_version": state.policy_version,
        "status": state.status.value,
        "stage": state.stage,
        "category": state.category,
        "channel": state.channel.value,
        "handler": state.handler,
        "team": state.team,
        "received_at": state.received_at,
        "last_occurred_at": state.last_occurred_at,
        "version": state.version,
        "sla_due": sla_due,
        "sla_due_soon_from": (
            None
            if sla_due is None
            else calendar.subtract_working_days(sla_due, policy.warning_days)
        ),
        # When the alert scheduler must next look at the complaint (app/services/alerts.py).
        "alert_due_on": next_alert_among(clocks, state, policy, calendar),
    }


async def upsert(conn: AsyncConnection, row: Row) -> None:
    await upsert_by_id(conn, complaints, row)


@dataclass(frozen=True)
class ListFilter:
    landlord: str
    status: Status | None = None
    stage: int | None = None
    sla: str | None = None  # "breached" | "due_soon", judged on `today`
    category: str | None = None
    handler: str | None = None
    team: str | None = None
    resident_id: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    # (field, blind index digest) pairs the complaint must be found by (app/events/blind_index.py)
    found_by: tuple[tuple[str, str], ...] = ()


class InvalidCursor(ValueError):
    pass


def encode_cursor(received_at: datetime, complaint_id: str) -> str:
    raw = orjson.dumps([received_at.isoformat(), complaint_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        received_at, complaint_id = orjson.loads(raw)
        moment = datetime.fromisoformat(received_at)
        if moment.tzinfo is None or not isinstance(complaint_id, str):
            raise ValueError("bad cursor")
    except (ValueError, TypeError) as error:
        raise InvalidCursor("the cursor is not one this API issued") from error
    return moment, complaint_id


def list_query(
    flt: ListFilter, *, today: date, limit: int, cursor: str | None
) -> sa.Select[tuple[str, datetime]]:
    """The query of a list page (one row more than `limit`, to know whether there is a next)."""
    c = complaints.c
    query = sa.select(c.id, c.received_at).where(c.landlord == flt.landlord)
    if flt.status is not None:
        query = query.where(c.status == flt.status.value)
    if flt.stage is not None:
        query = query.where(c.stage == flt.stage)
    if flt.category is not None:
        query = query.where(c.category == flt.category)
    if flt.handler is not None:
        query = query.where(c.handler == flt.handler)
    if flt.team is not None:
        query = query.where(c.team == flt.team)
    if flt.resident_id is not None:
        query = query.where(c.resident_id == flt.resident_id)
    for field, digest in flt.found_by:
        s = complaint_search.c
        query = query.where(
            c.id.in_(
                sa.select(s.complaint_id).where(
                    s.landlord == flt.landlord, s.field == field, s.digest == digest
                )
            )
        )
    if flt.received_from is not None:
        query = query.where(c.received_at >= flt.received_from)
    if flt.received_to is not None:
        query = query.where(c.received_at < flt.received_to)
    if flt.sla == "breached":
        query = query.where(c.sla_due < today)
    elif flt.sla == "due_soon":
        query = query.where(c.sla_due >= today, c.sla_due_soon_from <= today)
    return newest_first(query, c.received_at, c.id, limit=limit, cursor=cursor)


Q = TypeVar("Q", bound=sa.Select[Any])


def newest_first(
    query: Q, moment: sa.Column[datetime], key: sa.Column[str], *, limit: int, cursor: str | None
) -> Q:
    """`query` ordered newest first by (`moment`, `key`), after `cursor`, one row more than
    `limit` (to know whether there is a next page): the lists of complaints, feedback and
    restrictions."""
    if cursor is not None:
        after_moment, after_id = decode_cursor(cursor)
        # A row comparison, so the database seeks in the index instead of filtering.
        after = sa.tuple_(
            sa.bindparam("after_moment", after_moment, type_=moment.type),
            sa.bindparam("after_id", after_id, type_=key.type),
        )
        query = query.where(sa.tuple_(moment, key) < after)
    return query.order_by(moment.desc(), key.desc()).limit(limit + 1)


async def page_ids(
    conn: AsyncConnection, query: sa.Select[Any], moment: sa.Column[datetime], limit: int
) -> tuple[list[str], str | None]:
    """The ids of a `newest_first` page, and the cursor of the next page (None: the last)."""
    rows = (await conn.execute(query)).all()
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = encode_cursor(last._mapping[moment.name], str(last.id))
    return [str(row.id) for row in page], next_cursor


async def list_ids(
    conn: AsyncConnection, flt: ListFilter, *, today: date, limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """A page of complaint ids, newest received first, and the cursor of the next page."""
    query = list_query(flt, today=today, limit=limit, cursor=cursor)
    return await page_ids(conn, query, complaints.c.received_at, limit)


async def find_id_by_reference(conn: AsyncConnection, landlord: str, reference: str) -> str | None:
    row = (
        await conn.execute(
            sa.select(complaints.c.id).where(
                complaints.c.landlord == landlord, complaints.c.reference == reference
            )
        )
    ).first()
    return None if row is None else str(row.id)
