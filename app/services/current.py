"""Complaints as they stand now, read from the projection's sealed state documents (ADR 0007).

A read of the present opens the document on each complaint's projection row: one query for the
rows, one for their keys, whatever the length of the streams. A complaint without a readable
document (erased: its key is destroyed; a row written before migration 0008, or by a write that had
no key to seal with) is read by replaying its stream, as before: correct, only slower.

The complaints read here carry no events (`events == ()`): only the view and the list use them.
History, the stream, `as_of` reads and every write replay the stream (`complaints.load`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.state import ComplaintState
from app.events.sealed_store import SealingEventStore
from app.events.store import EventStore
from app.projections.state_document import open_state
from app.projections.tables import complaints
from app.services.complaints import Complaint, catalog_for, load_many, with_pseudonym


async def _documents(
    conn: AsyncConnection, store: SealingEventStore, complaint_ids: Sequence[str]
) -> dict[str, ComplaintState]:
    """The states whose documents open; a complaint missing here is to be replayed."""
    c = complaints.c
    rows = (
        await conn.execute(
            sa.select(
                c.id, c.version, c.state_key_id, c.state_nonce, c.state_ciphertext, c.state_version
            ).where(c.id.in_(list(complaint_ids)), c.state_key_id.is_not(None))
        )
    ).all()
    # A document of an older version than its row (not written by this code) is not used.
    current = [row for row in rows if row.state_version == row.version]
    keys = await store.keyring.keys(conn, {str(row.state_key_id) for row in current})
    opened: dict[str, ComplaintState] = {}
    for row in current:
        key = keys.get(str(row.state_key_id))
        if key is None:
            continue  # erased: the events' placeholders are what it reads as
        state = open_state(
            str(row.id), int(row.version), bytes(row.state_nonce), bytes(row.state_ciphertext), key
        )
        if state is not None:
            opened[str(row.id)] = state
    return opened


async def read_many(
    conn: AsyncConnection, store: EventStore, complaint_ids: Sequence[str]
) -> list[Complaint]:
    """The complaints now, in the order asked for; unknown ids are left out."""
    if not complaint_ids:
        return []
    opened: dict[str, ComplaintState] = {}
    if isinstance(store, SealingEventStore):
        opened = await _documents(conn, store, complaint_ids)
    rest = [cid for cid in complaint_ids if cid not in opened]
    replayed = {c.id: c for c in await load_many(conn, store, rest)} if rest else {}
    catalog = await catalog_for(conn, list(opened.values()))
    found: list[Complaint] = []
    for cid in complaint_ids:
        state = opened.get(cid)
        if state is None:
            if cid in replayed:
                found.append(replayed[cid])
            continue
        complaint = Complaint(
            id=cid,
            state=state,
            policy=catalog.policy(state.landlord, state.policy_id, state.policy_version),
            calendar=catalog.calendar(state.landlord),
            events=(),
        )
        found.append(with_pseudonym(complaint, store))
    return found


async def read(conn: AsyncConnection, store: EventStore, complaint_id: str) -> Complaint | None:
    found = await read_many(conn, store, [complaint_id])
    return found[0] if found else None
