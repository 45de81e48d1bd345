"""The feedback projection: one row per compliment, comment or enquiry, written in the transaction
that appends its events and rebuilt from them alone (`redress rebuild`). Lists page through it
newest first, with the complaint list's cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import one_of, upsert_by_id
from app.domain.clocks.calendar import london_date
from app.domain.feedback.state import FeedbackState
from app.projections.complaints import newest_first, page_ids
from app.projections.tables import feedback

Row = dict[str, object]


def row_for(state: FeedbackState) -> Row:
    return {
        "id": state.id,
        "landlord": state.landlord,
        "kind": state.kind.value,
        "status": state.status.value,
        "channel": state.channel.value,
        "category": state.category,
        "team": state.team,
        "resident_id": state.resident_id,
        "received_at": state.received_at,
        "received_date": london_date(state.received_at),
        "complaint_id": state.complaint_id,
        "erased": state.erased_at is not None,
        "last_occurred_at": state.last_occurred_at,
        "version": state.version,
    }


async def upsert(conn: AsyncConnection, row: Row) -> None:
    await upsert_by_id(conn, feedback, row)


@dataclass(frozen=True)
class FeedbackFilter:
    landlord: str
    kind: str | None = None
    status: str | None = None
    category: str | None = None
    resident_id: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


async def list_ids(
    conn: AsyncConnection, flt: FeedbackFilter, *, limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """A page of feedback ids, newest received first, and the cursor of the next page
    (`InvalidCursor` for one this API did not issue)."""
    c = feedback.c
    query = sa.select(c.id, c.received_at).where(c.landlord == flt.landlord)
    for column, value in (
        (c.kind, flt.kind),
        (c.status, flt.status),
        (c.category, flt.category),
        (c.resident_id, flt.resident_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if flt.received_from is not None:
        query = query.where(c.received_at >= flt.received_from)
    if flt.received_to is not None:
        query = query.where(c.received_at < flt.received_to)
    query = newest_first(query, c.received_at, c.id, limit=limit, cursor=cursor)
    return await page_ids(conn, query, c.received_at, limit)


async def ids_of_resident(conn: AsyncConnection, landlord: str, resident_id: str) -> list[str]:
    query = sa.select(feedback.c.id).where(
        feedback.c.landlord == landlord, feedback.c.resident_id == resident_id
    )
    return sorted(str(row.id) for row in await conn.execute(query))


async def owners(conn: AsyncConnection, feedback_ids: list[str]) -> dict[str, tuple[str, int]]:
    """Each feedback's landlord and version, for the ids that have a row."""
    if not feedback_ids:
        return {}
    query = sa.select(feedback.c.id, feedback.c.landlord, feedback.c.version).where(
        one_of(conn, feedback.c.id, feedback_ids)
    )
    return {str(r.id): (str(r.landlord), int(r.version)) for r in await conn.execute(query)}
