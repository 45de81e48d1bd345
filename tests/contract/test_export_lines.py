"""The export's CloudEvents lines, assembled from the stored JSON text, against the lines of the
path they replaced (`decoded_lines` below, kept as it was: every event decoded through the sealing
store, `privacy.visible_data`, orjson), on a realistic log, for every reader that exports, whole
and in parts, on both databases.

The log is the demo's complaints of two landlords as the service writes them, and what a long-lived
log also holds: an erased complaint, events of older schema versions, a type the catalogue does not
know, a key it does not list, events of a stream with no complaint row, an anonymous complaint,
awkward text and times whose microseconds end in zeros.

On SQLite every line is byte for byte the old one. On PostgreSQL the envelope is, and `data` is
the same JSON value, written as jsonb renders it where the database shaped it (whitespace, key
order).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.demo.load import load_demo
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sealing import ERASED
from app.events.sql import SqlEventStore
from app.events.store import EventStore, JsonValue, NewEvent, StoredEvent
from app.events.streams import family_of
from app.events.tables import events
from app.projections.tables import complaints
from app.services.export import BATCH, Selection, batched_lines, page, snapshot_lines
from app.services.privacy import (
    NO_PERSONAL_DATA,
    OPERATOR,
    Reader,
    current,
    logged_pseudonym,
    visible_data,
)

pytestmark = pytest.mark.asyncio

READERS = {
    "operator": OPERATOR,
    "no personal data": NO_PERSONAL_DATA,
    "case handler": Reader(personal=True, internal=True, identity=False),
    "analyst": Reader(personal=False, internal=True, identity=False),
}
AWKWARD = 'Zoë "Z" O\'Brien \\ café ☕ \u2028 tab\t new\nline \x01 </script>'
LATE = datetime(2026, 1, 5, 9, 30, 0, 120000, tzinfo=UTC)  # microseconds that end in zeros


def cloud_event(
    event: StoredEvent, landlord: str, reader: Reader, pseudonym: str | None = None
) -> dict[str, JsonValue]:
    return {
        "specversion": "1.0",
        "id": f"{event.stream_id}/{event.version}",
        "source": f"urn:redress:landlord:{landlord}",
        "type": f"uk.redress.{family_of(event.stream_id)}.{event.type}",
        "subject": event.stream_id,
        "time": event.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "dataschemaversion": current(event.type, event.schema_version, event.data)[0],
        "position": event.position,
        "streamversion": event.version,
        "recordedtime": event.recorded_at.isoformat(),
        "hash": event.hash,
        "previoushash": event.previous_hash,
        "actor": event.metadata.get("actor"),
        "data": visible_data(event, reader, pseudonym),
    }


async def decoded_lines(
    engine: AsyncEngine, store: EventStore, selection: Selection, reader: Reader
) -> AsyncIterator[bytes]:
    """The export as it was before its lines were assembled from the stored text."""
    after = selection.after
    while True:
        async with reading(engine) as conn:
            found = await page(conn, store, selection, after, BATCH)
        if found.last == after:
            return
        for event in found.events:
            landlord = found.landlords[event.stream_id]
            line = cloud_event(event, landlord, reader, logged_pseudonym(store, event, landlord))
            yield orjson.dumps(line) + b"\n"
        after = found.last


def sealing_store() -> SealingEventStore:
    return SealingEventStore(
        SqlEventStore(), Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    )


async def realistic_log(db: AsyncEngine, store: SealingEventStore) -> None:
    await load_demo(db, store, landlord="demo-homes", copies=1)
    await load_demo(db, store, landlord="elsewhere", copies=1, seed=3)
    async with db.begin() as conn:
        ids = [
            str(i)
            for i in await conn.scalars(
                sa.select(complaints.c.id)
                .where(complaints.c.landlord == "demo-homes")
                .order_by(complaints.c.id)
            )
        ]

        async def add(stream_id: str, event: NewEvent, *, sealed: bool = True) -> None:
            writer = store if sealed else store.inner
            version = await store.stream_version(conn, stream_id)
            await writer.append(conn, stream_id, version, [event])

        def new(kind: str, data: Mapping[str, JsonValue], version: int = 1) -> NewEvent:
            return NewEvent(kind, data, LATE, version, {"actor": AWKWARD, "role": "crm"})

        await add(ids[0], new("note_added", {"text": AWKWARD, "visibility": "internal"}))
        await add(ids[0], new("assigned", {"stage": 1, "handler": AWKWARD, "role": None}))
        # A refusal and an extension of schema version 1 (the reason was free text), in the clear.
        refused: dict[str, JsonValue] = {"stage": 1, "reason": "Out of time"}
        await add(ids[1], new("escalation_refused", refused), sealed=False)
        await add(ids[1], new("extension_agreed", {"stage": 1, "reason": "Late"}), sealed=False)
        # A type the catalogue does not know, and a known one with a key it does not list.
        await add(ids[2], new("rumour_heard", {"who": "a neighbour"}), sealed=False)
        unlisted: dict[str, JsonValue] = {"stage": 1, "method": None, "summary": None, "x": 1}
        await add(ids[2], new("acknowledged", unlisted))
        # An erased complaint: its keys are destroyed, its personal fields read as erased.
        await store.keyring.erase(conn, [ids[3]])
        # A stream with no complaint row is not exported.
        await add(str(uuid.uuid4()), new("note_added", {"text": "stray", "visibility": "internal"}))
        # Personal data written before it was sealed, and an anonymous complainant.
        summary: dict[str, JsonValue] = {"stage": 1, "method": "phone", "summary": AWKWARD}
        await add(ids[4], new("contacted", summary), sealed=False)
        await add(ids[4], new("note_added", {"text": "Hi", "visibility": "resident"}), sealed=False)
        anonymous = await conn.scalar(
            sa.select(events.c.data).where(events.c.stream_id == ids[5], events.c.version == 1)
        )
        assert isinstance(anonymous, dict)
        await conn.execute(
            sa.update(events)
            .where(events.c.stream_id == ids[5], events.c.version == 1)
            .values(data={**anonymous, "anonymous": True})
        )


async def joined(lines: AsyncIterator[bytes]) -> list[bytes]:
    return b"".join([chunk async for chunk in lines]).splitlines()


def assert_same_lines(new: list[bytes], old: list[bytes], backend: str) -> None:
    assert len(new) == len(old)
    for line, before in zip(new, old, strict=True):
        if backend == "sqlite":
            assert line == before
            continue
        # The envelope, up to `data` (the last member), byte for byte; `data` as a JSON value.
        assert line[: line.index(b',"data":')] == before[: before.index(b',"data":')]
        assert orjson.loads(line) == orjson.loads(before)


SELECTIONS = {
    "the whole log": Selection(landlord=None),
    "a landlord's": Selection(landlord="demo-homes"),
    "a range": Selection(landlord="demo-homes", after=7, until=40),
    "a period": Selection(
        landlord=None,
        occurred_from=datetime(2026, 1, 5, tzinfo=UTC),
        occurred_to=datetime(2026, 1, 6, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
async def test_the_lines_are_those_of_the_decoding_path(
    db: AsyncEngine, backend: str, reader: Reader
) -> None:
    store = sealing_store()
    await realistic_log(db, store)
    for name, selection in SELECTIONS.items():
        old = await joined(decoded_lines(db, store, selection, reader))
        assert old, name
        assert_same_lines(await joined(snapshot_lines(db, store, selection, reader)), old, backend)
        assert_same_lines(await joined(batched_lines(db, store, selection, reader)), old, backend)
        # A few events at a time, remembering few complaints: read ahead, forgotten and resolved
        # again.
        few = snapshot_lines(db, store, selection, reader, chunk=7, cached=4)
        assert_same_lines(await joined(few), old, backend)
        assert_same_lines(
            await joined(batched_lines(db, store, selection, reader, batch=5)), old, backend
        )


async def test_the_log_holds_what_it_should(db: AsyncEngine, backend: str) -> None:
    store = sealing_store()
    await realistic_log(db, store)
    lines = await joined(snapshot_lines(db, store, Selection(landlord=None), OPERATOR))
    found = [orjson.loads(line) for line in lines]
    async with db.connect() as conn:
        total = await conn.scalar(sa.select(sa.func.count()).select_from(events))
    assert len(found) == (total or 0) - 1  # all but the stray stream's
    # The log's refusals are stored as v1: shown upcast, their words the explanation.
    refusals = [e for e in found if e["type"].endswith("refused")]
    assert {e["dataschemaversion"] for e in refusals} == {2}
    assert {e["data"]["reason"] for e in refusals} == {"not_recorded"}
    assert {"[erased]"} <= {str(e["data"].get("description")) for e in found}
    assert [e["data"] for e in found if e["type"].endswith("rumour_heard")] == [{}]
    assert {e["time"] for e in found} >= {"2026-01-05T09:30:00.120000+00:00"}
    assert sum(e["actor"] == AWKWARD for e in found) == 8
    if backend == "postgresql":  # the database shaped some: they differ from the old lines
        old = await joined(decoded_lines(db, store, Selection(landlord=None), NO_PERSONAL_DATA))
        new = await joined(snapshot_lines(db, store, Selection(landlord=None), NO_PERSONAL_DATA))
        assert sum(a != b for a, b in zip(new, old, strict=True)) > len(new) // 2


async def test_an_export_stopped_early_leaves_the_connection_usable(db: AsyncEngine) -> None:
    store = sealing_store()
    await realistic_log(db, store)
    lines = snapshot_lines(db, store, Selection(landlord=None), OPERATOR, chunk=3)
    first = await anext(lines)
    await lines.aclose()  # with the next chunk on its way
    again = await joined(snapshot_lines(db, store, Selection(landlord=None), OPERATOR, chunk=3))
    assert again[:1] == first.splitlines()[:1]


async def test_without_a_sealing_store_nothing_is_opened(db: AsyncEngine, backend: str) -> None:
    await realistic_log(db, sealing_store())
    plain = SqlEventStore()
    for reader in (OPERATOR, NO_PERSONAL_DATA):
        old = await joined(decoded_lines(db, plain, Selection(landlord=None), reader))
        new = await joined(snapshot_lines(db, plain, Selection(landlord=None), reader))
        assert_same_lines(new, old, backend)


async def test_the_services_stream_reads_an_erasure_made_meanwhile(db: AsyncEngine) -> None:
    store = sealing_store()
    await load_demo(db, store, landlord="demo-homes", copies=1)
    async with db.connect() as conn:
        last = await conn.scalar(sa.select(events.c.stream_id).order_by(events.c.position.desc()))

    async def of_last(lines: AsyncIterator[bytes]) -> list[bytes]:
        return [line for line in await joined(lines) if orjson.loads(line)["subject"] == last]

    before = await of_last(snapshot_lines(db, store, Selection(landlord=None), OPERATOR))
    lines = batched_lines(db, store, Selection(landlord=None), OPERATOR, batch=2)
    first = await anext(lines)
    async with db.begin() as conn:
        await store.keyring.erase(conn, [str(last)])

    async def rest() -> AsyncIterator[bytes]:
        yield first
        async for text in lines:
            yield text

    streamed = await of_last(rest())
    after = await of_last(snapshot_lines(db, store, Selection(landlord=None), OPERATOR))
    assert streamed == after != before
    assert ERASED.encode() in b"".join(after)
