"""The event log for followers and analysts: a landlord's events in position order, as pages or as
a stream of CloudEvents (JSON format, one per line) in constant memory, resumable from a position.

Positions are assigned in commit order (docs/adr/0001), so resuming after the last position seen
never skips or repeats an event. `redress export` reads the whole run in one snapshot, through one
server-side cursor; the service's stream reads a batch per short transaction instead, so that a
slow client holds neither a pooled connection nor a transaction open for the whole download.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import reading
from app.events.keyring import Keyring
from app.events.scan import snapshot
from app.events.store import EventStore, StoredEvent
from app.events.texts import Span, TextRow, texts
from app.projections.owners import stream_owners
from app.services.cloudevents import CACHED_STREAMS, Lines
from app.services.privacy import Reader

NDJSON = "application/x-ndjson"
BATCH = 1000  # events per transaction of the service's stream
CHUNK = 2000  # events fetched at a time from the export's cursor


@dataclass(frozen=True)
class Selection:
    """Which events: a landlord's (or, for operators, every landlord's), after a position, up to
    a position, occurred in a period."""

    landlord: str | None
    after: int = 0
    until: int | None = None  # inclusive
    occurred_from: datetime | None = None  # inclusive
    occurred_to: datetime | None = None  # exclusive

    def span(self, after: int) -> Span:
        return Span(after, self.until, self.occurred_from, self.occurred_to)

    def wants(self, event: StoredEvent) -> bool:
        if self.until is not None and event.position > self.until:
            return False
        if self.occurred_from is not None and event.occurred_at < self.occurred_from:
            return False
        return self.occurred_to is None or event.occurred_at < self.occurred_to


@dataclass(frozen=True)
class Page:
    events: list[StoredEvent]
    landlords: dict[str, str]  # stream id -> landlord, for the events in the page
    last: int  # the last position examined: resume after it (== `after` when nothing is newer)


async def page(
    conn: AsyncConnection, store: EventStore, selection: Selection, after: int, limit: int
) -> Page:
    """The selected events among the next `limit` of the log after `after`."""
    batch = await store.feed(conn, after, limit)
    if selection.until is not None:
        batch = [event for event in batch if event.position <= selection.until]
    if not batch:
        return Page([], {}, after)
    # A landlord's own stream (its calendar and policies) belongs to it, and is followed too: a
    # new closure day moves deadlines.
    stream_ids = {event.stream_id for event in batch}
    landlords = await stream_owners(conn, stream_ids, selection.landlord)
    chosen = [e for e in batch if e.stream_id in landlords and selection.wants(e)]
    return Page(chosen, landlords, batch[-1].position)


def _keyring(store: EventStore) -> Keyring | None:
    """The keyring of a sealing store (None: the store seals nothing, so nothing is opened)."""
    keyring = getattr(store, "keyring", None)
    return keyring if isinstance(keyring, Keyring) else None


async def snapshot_lines(
    engine: AsyncEngine,
    store: EventStore,
    selection: Selection,
    reader: Reader,
    *,
    chunk: int = CHUNK,
    cached: int = CACHED_STREAMS,
) -> AsyncGenerator[bytes]:
    """Every selected event as CloudEvents lines, `chunk` events at a time, as of one snapshot of
    the log taken when it starts: the log's end then is where a later run resumes. `cached`: how
    many complaints' landlords and keys are remembered at once."""
    lines = Lines(reader, _keyring(store), selection.landlord, cached=cached)
    async with snapshot(engine) as conn:
        span = selection.span(selection.after)

        async def prepare(rows: list[TextRow]) -> None:
            await lines.prepare(conn, rows)

        found = texts(conn, span, lines.shapes, chunk=chunk, prepare=prepare)
        async with aclosing(found):  # before the transaction ends, also when stopped early
            async for rows in found:
                if text := lines.render(rows):
                    yield text


async def batched_lines(
    engine: AsyncEngine,
    store: EventStore,
    selection: Selection,
    reader: Reader,
    *,
    batch: int = BATCH,
) -> AsyncGenerator[bytes]:
    """Every selected event as CloudEvents lines, `batch` events at a time, each batch read in its
    own transaction, until the log's current end."""
    lines = Lines(reader, _keyring(store), selection.landlord)
    after = selection.after
    while True:
        async with reading(engine) as conn:
            # Each batch reads the landlords and keys as they are: an erasure in between takes
            # effect at once.
            lines.forget()
            span = selection.span(after)
            async with aclosing(texts(conn, span, lines.shapes, chunk=batch, limit=batch)) as found:
                rows = [row async for part in found for row in part]
            if not rows:
                return
            await lines.prepare(conn, rows)
            text = lines.render(rows)
        if text:
            yield text
        after = rows[-1][0]


async def write(
    engine: AsyncEngine, store: EventStore, selection: Selection, reader: Reader, sink: BinaryIO
) -> int:
    """`redress export`: every selected event to `sink`, one snapshot; how many were written."""
    count = 0
    async for text in snapshot_lines(engine, store, selection, reader):
        sink.write(text)
        count += text.count(b"\n")  # one per line: JSON text holds no raw newline
    return count
