"""The event store on SQLAlchemy Core, for SQLite and PostgreSQL.

Positions are gapless and in commit order (docs/adr/0001-global-feed-ordering.md): they are taken
from a counter row in the statement that inserts the events (app/events/batch.py), whose row lock
is held to the commit; on SQLite the write lock every writing transaction takes up front (`BEGIN
IMMEDIATE`, app/db.py) serialises them as well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events import batch
from app.events.hashing import canonical_bytes, chain_hash, format_timestamp, normalise_object
from app.events.store import (
    LAST_HASH,
    NEW_STREAM,
    ConcurrencyError,
    Head,
    JsonValue,
    NewEvent,
    StoredEvent,
    Upsert,
)
from app.events.tables import (
    MAX_STREAM_ID_LENGTH,
    MAX_TYPE_LENGTH,
    STREAM_VERSION_CONSTRAINT,
)
from app.events.tables import events as table

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
        head: Head | None = None,
        also: Sequence[Upsert] = (),
    ) -> list[StoredEvent]:
        recorded = _utc(recorded_at if recorded_at is not None else self._clock())
        prepared = _prepare(stream_id, expected_version, events, recorded)
        if head is None:
            head = await read_head(conn, stream_id)
        if head.version != expected_version:
            raise ConcurrencyError(stream_id, expected_version, head.version)
        rows: list[dict[str, object]] = []
        previous_hash = head.hash
        for item in prepared:
            hash_ = chain_hash(previous_hash, item.canonical)
            rows.append(
                {
                    "stream_id": stream_id,
                    "version": item.version,
                    "type": item.event.type,
                    "schema_version": item.event.schema_version,
                    "data": item.data,
                    "metadata": item.metadata,
                    "occurred_at": item.occurred_at,
                    "recorded_at": recorded,
                    "hash": hash_,
                    "previous_hash": previous_hash,
                }
            )
            previous_hash = hash_
        also = [_with_last_hash(upsert, previous_hash) for upsert in also]
        try:
            first = await batch.write(conn, rows, also)
        except IntegrityError as error:
            # A head read before another writer's append: the (stream, version) constraint is
            # what catches it. Never leak the raw database error.
            if _is_stream_version_conflict(error):
                raise ConcurrencyError(stream_id, expected_version, None) from error
            raise
        return [_stored(first + offset, row) for offset, row in enumerate(rows)]

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

    async def read_events(
        self, conn: AsyncConnection, keys: Sequence[tuple[str, int]]
    ) -> list[StoredEvent]:
        if not keys:
            return []
        key = sa.tuple_(table.c.stream_id, table.c.version)
        query = sa.select(*_COLUMNS).where(key.in_(list(keys)))
        return [stored_event(row._mapping) for row in await conn.execute(query)]

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


async def read_head(conn: AsyncConnection, stream_id: str) -> Head:
    """The stream's last version and hash, from the events table (NEW_STREAM if it has none)."""
    query = (
        sa.select(table.c.version, table.c.hash)
        .where(table.c.stream_id == stream_id)
        .order_by(table.c.version.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return NEW_STREAM if row is None else Head(int(row.version), str(row.hash))


def _is_stream_version_conflict(error: IntegrityError) -> bool:
    message = str(error.orig)
    return STREAM_VERSION_CONSTRAINT in message or "events.stream_id, events.version" in message


def _utc(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: a timezone is required")
    return value.astimezone(UTC)


def _with_last_hash(upsert: Upsert, last_hash: str | None) -> Upsert:
    rows = [{k: last_hash if v is LAST_HASH else v for k, v in row.items()} for row in upsert.rows]
    return replace(upsert, rows=rows)


def _stored(position: int, row: Mapping[str, object]) -> StoredEvent:
    return stored_event({**row, "position": position})


def stored_event(mapping: Mapping[Any, Any]) -> StoredEvent:
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
