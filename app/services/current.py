"""Complaints as they stand now, read from the projection's sealed state documents (ADR 0007).

A read of the present opens the document on each complaint's projection row: one query for the
rows with their wrapped keys, whatever the length of the streams. A complaint without a readable
document (erased: its key is destroyed; a row written before migration 0008, or by a write that had
no key to seal with) is read by replaying its stream, as before: correct, only slower.

The complaints read here carry no events (`events == ()`): only the view and the list use them.
History, the stream and `as_of` reads replay the stream (`complaints.load`); a write reads its
complaint with `for_write`, which needs the stream only when the document cannot be continued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.state import ComplaintState
from app.events.sealed_store import SealingEventStore
from app.events.store import EventStore, Head
from app.events.tables import complainant_keys
from app.projections.restrictions import in_force_for, shown_for
from app.projections.state_document import open_document, open_state
from app.projections.tables import complaints
from app.services.complaints import (
    Complaint,
    Writable,
    catalog_for,
    load_many,
    with_pseudonym,
    writable_from_stream,
)

# The restriction in force on the row's resident, in the row's own statement (ADR 0020). Built
# once: a new subquery for every read would cost its construction and cache key each time.
_RESTRICTION = shown_for(complaints.c.landlord, complaints.c.resident_id).label("restriction")


async def _documents(
    conn: AsyncConnection, store: SealingEventStore, complaint_ids: Sequence[str]
) -> dict[str, tuple[ComplaintState, str | None]]:
    """The states whose documents open, with their restriction; a complaint missing here is to
    be replayed."""
    c, k = complaints.c, complainant_keys.c
    query = (
        sa.select(c.id, c.version, c.state_key_id, c.state_nonce, c.state_ciphertext,
                  c.state_version, k.wrapped_key, _RESTRICTION)
        .select_from(complaints.join(complainant_keys, k.id == c.state_key_id))
        .where(c.id.in_(list(complaint_ids)))
    )  # fmt: skip
    opened: dict[str, tuple[ComplaintState, str | None]] = {}
    for row in await conn.execute(query):
        # A document of an older version than its row (not written by this code) is not used;
        # an erased key (NULL) leaves the events' placeholders as what the complaint reads as.
        if row.state_version != row.version or row.wrapped_key is None:
            continue
        key = store.keyring.opened(str(row.state_key_id), str(row.wrapped_key))
        state = open_state(
            str(row.id), int(row.version), bytes(row.state_nonce), bytes(row.state_ciphertext), key
        )
        if state is not None:
            opened[str(row.id)] = (state, row.restriction)
    return opened


async def with_restrictions(conn: AsyncConnection, found: Sequence[Complaint]) -> list[Complaint]:
    """Complaints replayed from their streams, with their restriction (the slow path's query)."""
    people = {(c.state.landlord, c.state.complainant.resident_id) for c in found}
    shown = await in_force_for(conn, {(a, b) for a, b in people if b is not None})
    return [
        replace(c, restriction=shown.get((c.state.landlord, c.state.complainant.resident_id or "")))
        for c in found
    ]


async def read_many(
    conn: AsyncConnection, store: EventStore, complaint_ids: Sequence[str]
) -> list[Complaint]:
    """The complaints now, in the order asked for; unknown ids are left out."""
    if not complaint_ids:
        return []
    opened: dict[str, tuple[ComplaintState, str | None]] = {}
    if isinstance(store, SealingEventStore):
        opened = await _documents(conn, store, complaint_ids)
    rest = [cid for cid in complaint_ids if cid not in opened]
    replayed: dict[str, Complaint] = {}
    if rest:
        replayed = {
            c.id: c for c in await with_restrictions(conn, await load_many(conn, store, rest))
        }
    catalog = await catalog_for(conn, [state for state, _ in opened.values()])
    found: list[Complaint] = []
    for cid in complaint_ids:
        if cid not in opened:
            if cid in replayed:
                found.append(replayed[cid])
            continue
        state, restriction = opened[cid]
        complaint = Complaint(
            id=cid,
            state=state,
            policy=catalog.policy(state.landlord, state.policy_id, state.policy_version),
            calendar=catalog.calendar(state.landlord),
            events=(),
            restriction=restriction,
        )
        found.append(with_pseudonym(complaint, store))
    return found


async def for_write(conn: AsyncConnection, store: EventStore, complaint_id: str) -> Writable | None:
    """The complaint read for a write, in one statement: its projection row with the state
    document and report items, the head hash, and the document's wrapped key (a key destroyed by an
    erasure reads NULL, so it is never used). Without a document it can continue from, the stream
    is replayed."""
    if isinstance(store, SealingEventStore):
        c, k = complaints.c, complainant_keys.c
        query = (
            sa.select(c.version, c.state_key_id, c.state_nonce, c.state_ciphertext,
                      c.state_version, c.head_hash, k.wrapped_key, _RESTRICTION)
            .select_from(complaints.outerjoin(complainant_keys, k.id == c.state_key_id))
            .where(c.id == complaint_id)
        )  # fmt: skip
        row = (await conn.execute(query)).first()
        if row is None:
            return None
        document = None
        if row.wrapped_key is not None and row.head_hash is not None:
            key_id = str(row.state_key_id)
            key = store.keyring.opened(key_id, str(row.wrapped_key))
            document = open_document(
                complaint_id, int(row.version), bytes(row.state_nonce),
                bytes(row.state_ciphertext), key,
            )  # fmt: skip
        if document is not None and document.items is not None:
            catalog = await catalog_for(conn, [document.state])
            state = document.state
            complaint = Complaint(
                id=complaint_id,
                state=state,
                policy=catalog.policy(state.landlord, state.policy_id, state.policy_version),
                calendar=catalog.calendar(state.landlord),
                events=(),
                restriction=row.restriction,
            )
            head = Head(int(row.version), str(row.head_hash))
            return Writable(with_pseudonym(complaint, store), document.items, head, (key_id, key))
    writable = await writable_from_stream(conn, store, complaint_id)
    if writable is None:
        return None
    [complaint] = await with_restrictions(conn, [writable.complaint])
    return replace(writable, complaint=complaint)


async def read(conn: AsyncConnection, store: EventStore, complaint_id: str) -> Complaint | None:
    found = await read_many(conn, store, [complaint_id])
    return found[0] if found else None
