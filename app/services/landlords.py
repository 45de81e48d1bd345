"""Application service for landlords: load the landlord's stream, decide, append, project.

A change of calendar (region or closure days) moves the deadlines of the landlord's complaints that
still have a clock running, so their projection rows (the `sla` list filters) are recomputed in the
same transaction, and so are the reporting rows whose working-day figures span a changed day.
Policy changes never touch complaints already logged: they pinned their version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.landlord.commands import LandlordCommand
from app.domain.landlord.decide import decide_landlord
from app.domain.landlord.state import LandlordState, evolve_landlord, fold_landlord
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.events.codec import decode_landlord, to_new_event
from app.events.store import EventStore, JsonValue, StoredEvent
from app.events.streams import landlord_stream
from app.projections import complaints as complaint_projection
from app.projections import landlords as projection
from app.projections.tables import complaints
from app.services import cache, reports
from app.services import complaints as complaint_service
from app.services.versions import StaleVersion

REPROJECT_BATCH = 500


class LandlordVersionMismatch(StaleVersion):
    what = "landlord"


@dataclass(frozen=True)
class Landlord:
    state: LandlordState
    events: tuple[StoredEvent, ...]

    @property
    def version(self) -> int:
        return self.state.version


async def load(conn: AsyncConnection, store: EventStore, landlord_id: str) -> Landlord | None:
    stored = await store.read_stream(conn, landlord_stream(landlord_id))
    state = fold_landlord(landlord_id, (decode_landlord(event) for event in stored))
    return None if state is None else Landlord(state, tuple(stored))


async def execute(
    conn: AsyncConnection,
    store: EventStore,
    landlord_id: str,
    command: LandlordCommand,
    *,
    metadata: Mapping[str, JsonValue],
    now: datetime,
    if_match: int | None = None,
) -> Landlord:
    """Apply `command` in the caller's transaction; a change that changes nothing writes nothing."""
    found = await load(conn, store, landlord_id)
    before = None if found is None else found.state
    if if_match is not None and if_match != (0 if before is None else before.version):
        raise LandlordVersionMismatch(if_match, 0 if before is None else before.version)
    events = decide_landlord(landlord_id, command, before, builtin=BUILTIN_POLICIES, now=now)
    if not events:
        assert found is not None  # a no-op is only possible on a registered landlord
        return found
    state = before
    for event in events:
        state = evolve_landlord(landlord_id, state, event)
    assert state is not None
    await projection.save(conn, before, state)
    # Before the reprojection below reads the catalog: this transaction must see its own change.
    cache.changed(conn, f"landlord:{landlord_id}")
    stored = await store.append(
        conn,
        landlord_stream(landlord_id),
        0 if before is None else before.version,
        [to_new_event(event, metadata) for event in events],
    )
    if before is not None and before.calendar != state.calendar:
        await reproject_running(conn, store, landlord_id)
        await reports.reproject_calendar_change(
            conn, store, landlord_id, before.calendar, state.calendar
        )
    return Landlord(state, (*(found.events if found else ()), *stored))


async def reproject_running(conn: AsyncConnection, store: EventStore, landlord_id: str) -> int:
    """Recompute the rows of the landlord's complaints that have a clock running (a non-null
    `sla_due`): their due dates move with the calendar. Returns how many were rewritten."""
    query = (
        sa.select(complaints.c.id)
        .where(complaints.c.landlord == landlord_id, complaints.c.sla_due.is_not(None))
        .order_by(complaints.c.id)
    )
    ids = [str(row.id) for row in await conn.execute(query)]
    for start in range(0, len(ids), REPROJECT_BATCH):
        batch: Sequence[str] = ids[start : start + REPROJECT_BATCH]
        for complaint in await complaint_service.load_many(conn, store, batch):
            row = complaint_projection.row_for(
                complaint.id, complaint.state, complaint.policy, complaint.calendar
            )
            await complaint_projection.upsert(conn, row)
    return len(ids)
