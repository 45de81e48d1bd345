"""The event store port: append to a stream with an expected version, read streams, follow the feed.

Every method takes an `AsyncConnection` whose transaction the caller owns (begins and commits):
the complaint projection is written in the same transaction as the append.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

JsonValue: TypeAlias = (
    "str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)


@dataclass(frozen=True)
class NewEvent:
    """An event to append; the store assigns its stream, version, position, times and hash."""

    type: str
    data: Mapping[str, JsonValue]
    occurred_at: datetime
    schema_version: int = 1
    metadata: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredEvent:
    """An event as recorded. Times are timezone-aware UTC."""

    position: int
    stream_id: str
    version: int
    type: str
    schema_version: int
    data: Mapping[str, JsonValue]
    metadata: Mapping[str, JsonValue]
    occurred_at: datetime
    recorded_at: datetime
    hash: str
    previous_hash: str | None


@dataclass(frozen=True)
class Head:
    """A stream's last version and the hash of its last event (None for a new stream), as the
    caller read them (from a projection row): the append continues the chain from there. A head
    that is stale is caught by the (stream, version) constraint and raised as ConcurrencyError."""

    version: int
    hash: str | None


NEW_STREAM = Head(0, None)


class _LastHash:
    def __repr__(self) -> str:
        return "LAST_HASH"


# A value in an `Upsert` row that the store writes as the hash of the last event it appends (a
# projection row keeps its stream's head, so the next append continues the chain from it).
LAST_HASH = _LastHash()


@dataclass(frozen=True)
class Upsert:
    """Rows written by the append's own statement (projections, an idempotency record), so they
    commit with the events or not at all. `key` names the conflict columns: a row whose key is
    taken is updated, or, with `update=False`, fails the whole append (IntegrityError)."""

    table: sa.Table
    rows: Sequence[Mapping[str, object]]
    key: tuple[str, ...]
    update: bool = True


class ConcurrencyError(Exception):
    """The stream was not at the expected version: another writer got there first.

    `actual_version` is None when only the database's unique constraint noticed the conflict
    (the transaction is then unusable and the current version cannot be read in it).
    """

    def __init__(self, stream_id: str, expected_version: int, actual_version: int | None) -> None:
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        actual = "another version" if actual_version is None else f"version {actual_version}"
        super().__init__(
            f"stream {stream_id!r} is at {actual}, not the expected version {expected_version}"
        )


class EventStore(Protocol):
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
        """Append `events` as versions expected_version + 1, ...; 0 means a new stream.

        Raises ConcurrencyError (and writes nothing) if the stream is at another version. The
        caller must then roll the transaction back. `recorded_at` defaults to the store's clock.
        `head`: the stream's head as the caller knows it (else the store reads it); `also`: rows
        to write in the same statement as the events (on PostgreSQL one round trip in all).
        """
        ...

    async def read_stream(self, conn: AsyncConnection, stream_id: str) -> list[StoredEvent]:
        """The stream's events in version order ([] if there is no such stream)."""
        ...

    async def read_streams(
        self, conn: AsyncConnection, stream_ids: Sequence[str]
    ) -> dict[str, list[StoredEvent]]:
        """Several streams in one query; every id asked for is a key ([] if it has no events)."""
        ...

    async def read_events(
        self, conn: AsyncConnection, keys: Sequence[tuple[str, int]]
    ) -> list[StoredEvent]:
        """The events of (stream id, version) `keys` that exist, in one query, in no order."""
        ...

    async def stream_version(self, conn: AsyncConnection, stream_id: str) -> int:
        """The stream's last version, 0 if it has no events."""
        ...

    async def feed(self, conn: AsyncConnection, after: int, limit: int) -> list[StoredEvent]:
        """Up to `limit` events with position > `after`, in position (= commit) order."""
        ...

    async def last_position(self, conn: AsyncConnection) -> int:
        """The highest position recorded, 0 if there are no events."""
        ...
