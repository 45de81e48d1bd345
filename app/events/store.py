"""The event store port: append to a stream with an expected version, read streams, follow the feed.

Every method takes an `AsyncConnection` whose transaction the caller owns (begins and commits):
the complaint projection is written in the same transaction as the append.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeAlias

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
    ) -> list[StoredEvent]:
        """Append `events` as versions expected_version + 1, ...; 0 means a new stream.

        Raises ConcurrencyError (and writes nothing) if the stream is at another version. The
        caller must then roll the transaction back. `recorded_at` defaults to the store's clock.
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

    async def stream_version(self, conn: AsyncConnection, stream_id: str) -> int:
        """The stream's last version, 0 if it has no events."""
        ...

    async def feed(self, conn: AsyncConnection, after: int, limit: int) -> list[StoredEvent]:
        """Up to `limit` events with position > `after`, in position (= commit) order."""
        ...

    async def last_position(self, conn: AsyncConnection) -> int:
        """The highest position recorded, 0 if there are no events."""
        ...
