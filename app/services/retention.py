"""Which records the retention run erases (`redress retention run`): those that ended longer ago
than their landlord's retention period (`retention_years`, counted from their last event) and
whose data is still readable (a live key). One rule for every kind of stream with personal data:
complaints, feedback and contact restrictions each say only what "ended" means for them."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.tables import complainant_keys
from app.projections.tables import landlords


async def past_retention_in(
    conn: AsyncConnection,
    table: sa.Table,
    *,
    stream_id: sa.ColumnElement[str],
    ended: sa.ColumnElement[bool],
    now: datetime,
    landlord: str | None = None,
) -> list[str]:
    """The ids of `table`'s rows that are `ended`, past retention and still readable; their
    keys are filed under `stream_id` (the row's stream)."""
    found: list[str] = []
    for row in await conn.execute(sa.select(landlords.c.id, landlords.c.retention_years)):
        if landlord is not None and row.id != landlord:
            continue
        cutoff = now - timedelta(days=round(365.25 * int(row.retention_years)))
        live_key = sa.exists().where(
            complainant_keys.c.complaint_id == stream_id,
            complainant_keys.c.wrapped_key.is_not(None),
        )
        query = sa.select(table.c.id).where(
            table.c.landlord == row.id, ended, table.c.last_occurred_at < cutoff, live_key
        )
        found += [str(r.id) for r in await conn.execute(query.order_by(table.c.id))]
    return found
