"""Filling the blind index for complaints logged before it existed (`redress search reindex`).

New complaints get their digests in the append that logs them; this walks the complaints whose
keys are live (an erased complaint must stay unfindable), opens each one's `logged` event and
writes the digests it finds (its old ones replaced): safe to run again."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import insert_rows
from app.domain.complaint.events import Logged
from app.events.blind_index import search_rows
from app.events.codec import decode
from app.events.sealed_store import SealingEventStore
from app.events.tables import complainant_keys, complaint_search
from app.projections.tables import complaints

BATCH = 500


async def reindex(engine: AsyncEngine, store: SealingEventStore) -> int:
    """Index every complaint with a live key; how many complaints were read."""
    after, seen = "", 0
    while True:
        async with engine.begin() as conn:
            live = (
                sa.select(complainant_keys.c.complaint_id)
                .where(complainant_keys.c.wrapped_key.is_not(None))
                .scalar_subquery()
            )
            ids = list(
                (
                    await conn.execute(
                        sa.select(complaints.c.id)
                        .where(complaints.c.id > after, complaints.c.id.in_(live))
                        .order_by(complaints.c.id)
                        .limit(BATCH)
                    )
                ).scalars()
            )
            if not ids:
                return seen
            rows: list[dict[str, object]] = []
            for event in await store.read_events(conn, [(cid, 1) for cid in ids]):
                logged = decode(event)
                if isinstance(logged, Logged):
                    rows += search_rows(store.keyring.blind_index, event.stream_id, logged)
            await conn.execute(
                sa.delete(complaint_search).where(complaint_search.c.complaint_id.in_(ids))
            )
            await insert_rows(conn, complaint_search, rows)
            seen += len(ids)
            after = ids[-1]
