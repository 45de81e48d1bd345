"""Erasure: destroy a complaint's data keys (crypto-shredding) and record that it happened.

The `personal_data_erased` event says when and why; the keys go in the same transaction, so a
complaint is never recorded as erased while still readable, or the reverse. Remembered idempotent
responses quote the person, but they are sealed with the complaint's keys and go with them; their
records stay, so a retry after the erasure is replayed instead of logging the person again.
Evidence files are sealed with the same keys, and their stored ciphertext is emptied as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.commands import ErasePersonalData
from app.domain.complaint.events import ErasureReason
from app.events.sealed_store import SealingEventStore
from app.events.store import ConcurrencyError, JsonValue
from app.projections.tables import complaints
from app.services import attachments
from app.services import complaints as complaint_service
from app.services.retention import past_retention_in

_ATTEMPTS = 5
# Retention runs take this transaction-scoped lock first: two at once (two cron hosts, a rerun)
# run one after the other, and the second finds nothing left to erase.
_RETENTION_LOCK = 0x5245_4452_4553_53  # "REDRESS"


async def one_retention_run_at_a_time(conn: AsyncConnection) -> None:
    """Wait for any other retention run to end (PostgreSQL; SQLite writers are one at a time)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_RETENTION_LOCK)))


@dataclass
class Erasure:
    complaints: list[str] = field(default_factory=list)
    keys_destroyed: int = 0


async def erase(
    conn: AsyncConnection,
    store: SealingEventStore,
    complaint_ids: Sequence[str],
    *,
    reason: ErasureReason,
    metadata: Mapping[str, JsonValue],
    now: datetime | None = None,
) -> Erasure:
    now = now or datetime.now(UTC)
    done = Erasure()
    for complaint_id in sorted(set(complaint_ids)):
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                # A savepoint: a CRM appending to the complaint meanwhile costs one retry of this
                # complaint, not the whole run (a lost race aborts the statement on PostgreSQL).
                async with conn.begin_nested():
                    complaint = await complaint_service.load(conn, store, complaint_id)
                    if complaint is None:
                        break
                    at = max(now, complaint.state.last_occurred_at)
                    command = ErasePersonalData(occurred_at=at, reason=reason)
                    await complaint_service.record(
                        conn, store, complaint, command, if_match=None, metadata=metadata, now=at
                    )
                done.complaints.append(complaint_id)
                break
            except ConcurrencyError:
                if attempt == _ATTEMPTS:
                    raise
    done.keys_destroyed = await store.keyring.erase(conn, done.complaints)
    # The keys alone make the files unreadable; their ciphertext goes too, so nothing of a file
    # outlives the erasure but its size, type and hash.
    await attachments.shred(conn, done.complaints)
    return done


async def complaints_of_resident(
    conn: AsyncConnection, landlord: str, resident_id: str
) -> list[str]:
    query = sa.select(complaints.c.id).where(
        complaints.c.landlord == landlord, complaints.c.resident_id == resident_id
    )
    return sorted(str(row.id) for row in await conn.execute(query))


async def past_retention(
    conn: AsyncConnection, *, now: datetime, landlord: str | None = None
) -> list[str]:
    """Ended complaints whose last event is older than their landlord's retention period and
    whose data is still readable. Counting from the last event, not the closure, keeps a case
    that was still being acted on after it closed (a late repair, an Ombudsman referral)."""
    return await past_retention_in(
        conn,
        complaints,
        stream_id=complaints.c.id,
        ended=complaints.c.status.in_(["closed", "declined"]),
        now=now,
        landlord=landlord,
    )
