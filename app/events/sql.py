"""The event store on SQLAlchemy Core, for SQLite and PostgreSQL.

Position assignment is serialised so that positions are gapless and in commit order (see
docs/adr/0001-global-feed-ordering.md): on PostgreSQL by a transaction-scoped advisory lock, on
SQLite by the write lock every writing transaction takes up front (`BEGIN IMMEDIATE`, app/db.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.hashing import canonical_bytes, chain_hash, format_timestamp, normalise_object
from app.events.store import ConcurrencyError, JsonValue, NewEvent, StoredEvent
from app.events.tables import (
    MAX_STREAM_ID_LENGTH,
    MAX_TYPE_LENGTH,
    STREAM_VERSION_CONSTRAINT,
)
from app.events.tables import events as table

# pg_advisory_xact_lock key for appends: b"redress\x01" read as a big-endian signed 64-bit integer.
APPEND_LOCK_KEY = int.from_bytes(b"redress\x01", "big", signed=True)

_COLUMNS = (
    table.c.position,
    table.c.stream_id,
    table.c.version,
    table.c.type,
    table.c.schema_version,
    table.c.data,
    table.c["metadata"],
    table.c.occurred_at,
    table.c.recorded_at,
    table.c.hash,
    table.c.previous_hash,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Prepared:
    version: int
    event: NewEvent
    data: dict[str, JsonValue]
    metadata: dict[str, JsonValue]
    occurred_at: datetime
    canonical: bytes


class SqlEventStore:
    """`EventStore` over the `events` table. Stateless apart from its clock; share one instance."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        recorded_at: datetime | None = None,
    ) -> list[StoredEvent]:
        recorded = _utc(recorded_at if recorded_at is not None else self._clock())
        prepared = _prepare(stream_id, expected_version, events, recorded)

        # Critical section: from here to the caller's commit, appends are serialised.
        await lock_appends(conn)
        last_position, head_version, head_hash = await _heads(conn, stream_id)
        if head_version != expected_version:
            raise ConcurrencyError(stream_id, expected_version, head_version)
        stored: list[StoredEvent] = []
        previous_hash = head_hash
        for offset, item in enumerate(prepared, start=1):
            hash_ = chain_hash(previous_hash, item.canonical)
            stored.append(
                StoredEvent(
                    position=last_position + offset,
                    stream_id=stream_id,
                    version=item.version,
                    type=item.event.type,
                    schema_version=item.event.schema_version,
                    data=item.data,
                    metadata=item.metadata,
                    occurred_at=item.occurred_at,
                    recorded_at=recorded,
                    hash=hash_,
                    previous_hash=previous_hash,
                )
            )
            previous_hash = hash_
        try:
            await conn.execute(table.insert(), [_row(event) for event in stored])
        except IntegrityError as error:
            # Only reachable if something bypassed the lock; never leak the raw database error.
            if _is_stream_version_conflict(error):
                raise ConcurrencyError(stream_id, expected_version, None) from error
            raise
        return stored

    async def read_stream(self, conn: AsyncConnection, stream_id: str) -> list[StoredEvent]:
        query = sa.select(*_COLUMNS).where(table.c.stream_id == stream_id).order_by(table.c.version)
        return [stored_event(row._mapping) for row in await conn.execute(query)]

    async def read_streams(
        self, conn: AsyncConnection, stream_ids: Sequence[str]
    ) -> dict[str, list[StoredEvent]]:
        result: dict[str, list[StoredEvent]] = {stream_id: [] for stream_id in stream_ids}
        if not result:
            return result
        query = (
            sa.select(*_COLUMNS)
            .where(table.c.stream_id.in_(list(result)))
            .order_by(table.c.stream_id, table.c.version)
        )
        for row in await conn.execute(query):
            result[row.stream_id].append(stored_event(row._mapping))
        return result

    async def stream_version(self, conn: AsyncConnection, stream_id: str) -> int:
        query = sa.select(sa.func.coalesce(sa.func.max(table.c.version), 0)).where(
            table.c.stream_id == stream_id
        )
        return int((await conn.execute(query)).scalar_one())

    async def feed(self, conn: AsyncConnection, after: int, limit: int) -> list[StoredEvent]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = (
            sa.select(*_COLUMNS)
            .where(table.c.position > after)
            .order_by(table.c.position)
            .limit(limit)
        )
        return [stored_event(row._mapping) for row in await conn.execute(query)]

    async def last_position(self, conn: AsyncConnection) -> int:
        query = sa.select(sa.func.coalesce(sa.func.max(table.c.position), 0))
        return int((await conn.execute(query)).scalar_one())


def _prepare(
    stream_id: str, expected_version: int, new_events: Sequence[NewEvent], recorded_at: datetime
) -> list[_Prepared]:
    """Validate and encode all that does not depend on the stream's head (outside the lock)."""
    if not 1 <= len(stream_id) <= MAX_STREAM_ID_LENGTH:
        raise ValueError(f"stream id must be 1 to {MAX_STREAM_ID_LENGTH} characters")
    if expected_version < 0:
        raise ValueError("expected_version must be 0 (a new stream) or more")
    if not new_events:
        raise ValueError("nothing to append")
    prepared: list[_Prepared] = []
    for version, event in enumerate(new_events, start=expected_version + 1):
        if not 1 <= len(event.type) <= MAX_TYPE_LENGTH:
            raise ValueError(f"event type must be 1 to {MAX_TYPE_LENGTH} characters")
        if event.schema_version < 1:
            raise ValueError("schema_version must be at least 1")
        format_timestamp(event.occurred_at)  # refuses naive datetimes
        occurred_at = _utc(event.occurred_at)
        data = normalise_object(event.data, "$.data")
        metadata = normalise_object(event.metadata, "$.metadata")
        canonical = canonical_bytes(
            stream_id=stream_id,
            version=version,
            type=event.type,
            schema_version=event.schema_version,
            data=data,
            metadata=metadata,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
        )
        prepared.append(_Prepared(version, event, data, metadata, occurred_at, canonical))
    return prepared


async def lock_appends(conn: AsyncConnection) -> None:
    """Take the append lock for the rest of the transaction (taking it again is harmless)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # Held until the transaction ends, so positions are assigned in commit order. It must be a
        # statement of its own: under READ COMMITTED the next statement then sees every append
        # committed before the lock was granted.
        lock = sa.func.pg_advisory_xact_lock(sa.literal(APPEND_LOCK_KEY, sa.BigInteger))
        await conn.execute(sa.select(lock))
    elif dialect != "sqlite":
        # SQLite needs nothing here: the transaction holds the database's write lock already.
        raise NotImplementedError(f"no event store for the {dialect} dialect")


async def _heads(conn: AsyncConnection, stream_id: str) -> tuple[int, int, str | None]:
    """The last position, and the stream's last version and hash, in one round trip."""
    last_position = sa.select(sa.func.max(table.c.position)).scalar_subquery()
    in_stream = table.c.stream_id == stream_id
    head_version = sa.select(sa.func.max(table.c.version)).where(in_stream).scalar_subquery()
    head_hash = (
        sa.select(table.c.hash)
        .where(in_stream)
        .order_by(table.c.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    row = (await conn.execute(sa.select(last_position, head_version, head_hash))).one()
    return int(row[0] or 0), int(row[1] or 0), row[2]


def _is_stream_version_conflict(error: IntegrityError) -> bool:
    message = str(error.orig)
    return STREAM_VERSION_CONSTRAINT in message or "events.stream_id, events.version" in message


def _utc(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: a timezone is required")
    return value.astimezone(UTC)


def _row(event: StoredEvent) -> dict[str, object]:
    return {
        "position": event.position,
        "stream_id": event.stream_id,
        "version": event.version,
        "type": event.type,
        "schema_version": event.schema_version,
        "data": event.data,
        "metadata": event.metadata,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "hash": event.hash,
        "previous_hash": event.previous_hash,
    }


def stored_event(mapping: RowMapping) -> StoredEvent:
    """A row of the events table as the event it stores (also used by the audit scans)."""
    return StoredEvent(
        position=int(mapping["position"]),
        stream_id=mapping["stream_id"],
        version=int(mapping["version"]),
        type=mapping["type"],
        schema_version=int(mapping["schema_version"]),
        data=mapping["data"],
        metadata=mapping["metadata"],
        occurred_at=mapping["occurred_at"],
        recorded_at=mapping["recorded_at"],
        hash=mapping["hash"],
        previous_hash=mapping["previous_hash"],
    )
