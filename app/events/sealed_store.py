"""An event store that seals personal fields on the way in and opens them on the way out.

It wraps the SQL store, so the hash the inner store computes covers the sealed form: after an
erasure the rows are untouched and `verify` still passes, while every reader (views, history, feed,
export) gets placeholders instead of the person's data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.keyring import Keyring
from app.events.sealing import key_id_of, seal, sealed_fields, unseal
from app.events.store import EventStore, Head, NewEvent, StoredEvent, Upsert

# The event that opens each kind of stream with personal data, and its field naming the person
# (whose resident id the stream's keys are filed under, for an erasure by resident); None: the
# event names the resident id itself (a restriction is on a resident, not by one).
_PERSON_OF: dict[str, str | None] = {
    "logged": "complainant",
    "feedback_received": "resident",
    "restriction_imposed": None,
}


def _resident_of(event_type: str, data: Mapping[str, object]) -> object:
    field = _PERSON_OF[event_type]
    if field is None:
        return data.get("resident_id")
    person = data.get(field)
    return person.get("resident_id") if isinstance(person, Mapping) else None


class SealingEventStore:
    def __init__(self, inner: EventStore, keyring: Keyring) -> None:
        self.inner = inner
        self.keyring = keyring

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
        key: tuple[str, bytes] | None = None,
    ) -> list[StoredEvent]:
        """`key`: the live key the caller already holds (from `key_for`), so it is not looked up
        twice in one write."""
        originals = [e.data for e in events]
        if any(sealed_fields(e.type) for e in events):
            key_id, data_key = key if key is not None else await self._key(conn, stream_id, events)
            events = [
                replace(e, data=seal(stream_id, e.type, e.data, data_key, key_id)) for e in events
            ]
        stored = await self.inner.append(
            conn, stream_id, expected_version, events, recorded_at=recorded_at, head=head, also=also
        )
        # The writer gets back what it wrote, readable, without a key lookup.
        return [replace(s, data=dict(d)) for s, d in zip(stored, originals, strict=True)]

    async def key_for(
        self, conn: AsyncConnection, stream_id: str, events: Sequence[NewEvent]
    ) -> tuple[str, bytes] | None:
        """The key this append seals with, fetched (or made) before it, for the projection's state
        document. None when the complaint has no live key and this append seals nothing: a key is
        not made only for the document (an erased complaint would look readable again)."""
        if any(sealed_fields(e.type) for e in events):
            return await self._key(conn, stream_id, events)
        return await self.keyring.live(conn, stream_id)

    async def _key(
        self, conn: AsyncConnection, stream_id: str, events: Sequence[NewEvent]
    ) -> tuple[str, bytes]:
        """The stream's live key; a new one (the first append, or after an erasure) is filed
        under the landlord and resident of its first event (a complaint's `logged`, a piece of
        feedback's `feedback_received`, a restriction's `restriction_imposed`). Only then is the
        stream read back."""
        found = await self.keyring.live(conn, stream_id)
        if found is not None:
            return found
        opening: NewEvent | StoredEvent | None = next(
            (e for e in events if e.type in _PERSON_OF), None
        )
        if opening is None:
            stored = await self.inner.read_stream(conn, stream_id)
            opening = next((e for e in stored if e.type in _PERSON_OF), None)
        first: Mapping[str, object] = {} if opening is None else opening.data
        resident = None if opening is None else _resident_of(opening.type, first)
        return await self.keyring.create(
            conn,
            stream_id,
            str(first.get("landlord", "")),
            None if resident is None else str(resident),
        )

    async def _open(self, conn: AsyncConnection, events: list[StoredEvent]) -> list[StoredEvent]:
        key_ids = {k for e in events if (k := key_id_of(e.data)) is not None}
        if not key_ids:
            return events
        keys = await self.keyring.keys(conn, key_ids)
        return [
            e
            if (k := key_id_of(e.data)) is None
            else replace(e, data=unseal(e.stream_id, e.type, e.data, keys.get(k)))
            for e in events
        ]

    async def read_stream(self, conn: AsyncConnection, stream_id: str) -> list[StoredEvent]:
        return await self._open(conn, await self.inner.read_stream(conn, stream_id))

    async def read_streams(
        self, conn: AsyncConnection, stream_ids: Sequence[str]
    ) -> dict[str, list[StoredEvent]]:
        streams = await self.inner.read_streams(conn, stream_ids)
        opened = await self._open(conn, [e for events in streams.values() for e in events])
        result: dict[str, list[StoredEvent]] = {stream_id: [] for stream_id in streams}
        for event in opened:
            result[event.stream_id].append(event)
        return result

    async def read_events(
        self, conn: AsyncConnection, keys: Sequence[tuple[str, int]]
    ) -> list[StoredEvent]:
        return await self._open(conn, await self.inner.read_events(conn, keys))

    async def stream_version(self, conn: AsyncConnection, stream_id: str) -> int:
        return await self.inner.stream_version(conn, stream_id)

    async def feed(self, conn: AsyncConnection, after: int, limit: int) -> list[StoredEvent]:
        return await self._open(conn, await self.inner.feed(conn, after, limit))

    async def last_position(self, conn: AsyncConnection) -> int:
        return await self.inner.last_position(conn)
