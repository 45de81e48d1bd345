"""Read the whole event log in batches, in bounded memory, without the store's per-stream API.

Keyset pagination over an index (never OFFSET), so each batch costs the same however far in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import READ_ONLY_OPTION
from app.events.sql import stored_event
from app.events.store import StoredEvent
from app.events.tables import events

BATCH_SIZE = 1_000


@asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A read-only transaction in which every statement sees the same committed state.

    A whole-log pass runs many statements while writers carry on; under PostgreSQL's default
    READ COMMITTED each would see a newer log, and a stream read before an append would be
    compared with a projection row read after it. SQLite in WAL mode already reads one snapshot
    for the whole transaction.
    """
    async with engine.connect() as connection:
        options: dict[str, object] = {READ_ONLY_OPTION: True}
        if connection.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
            options["postgresql_readonly"] = True
        await connection.execution_options(**options)
        async with connection.begin():
            yield connection


# The events table's columns in StoredEvent's field order, for the driver's cursor below.
_COLUMNS = ", ".join(f.name for f in fields(StoredEvent))


async def by_stream(
    conn: AsyncConnection,
    *,
    batch_size: int = BATCH_SIZE,
    start: str | None = None,
    stop: str | None = None,
) -> AsyncIterator[list[StoredEvent]]:
    """Every event in (stream id, version) order — one stream's events are adjacent — in batches
    over the unique (stream_id, version) index; only the streams `start <= stream_id < stop` when
    given (a range of whole streams, for a pass split between processes).

    On PostgreSQL one server-side cursor streams the whole pass (call it inside a transaction,
    such as `snapshot`'s): rows come straight from the driver, a fifth of the cost of a keyset
    query per batch mapped through SQLAlchemy's rows. Other statements may run on `conn` between
    batches."""
    if conn.dialect.name == "postgresql":
        async for batch in _cursor(conn, batch_size, start, stop):
            yield batch
        return
    cursor: tuple[str, int] | None = None
    while True:
        query = sa.select(*events.c).order_by(events.c.stream_id, events.c.version)
        if start is not None:
            query = query.where(events.c.stream_id >= start)
        if stop is not None:
            query = query.where(events.c.stream_id < stop)
        if cursor is not None:
            # A row-value comparison: both databases answer it with a range scan of the index.
            key = sa.tuple_(events.c.stream_id, events.c.version)
            query = query.where(key > sa.tuple_(sa.literal(cursor[0]), sa.literal(cursor[1])))
        batch = [stored_event(row._mapping) for row in await conn.execute(query.limit(batch_size))]
        if not batch:
            return
        yield batch
        cursor = (batch[-1].stream_id, batch[-1].version)


async def _cursor(
    conn: AsyncConnection, batch_size: int, start: str | None, stop: str | None
) -> AsyncIterator[list[StoredEvent]]:
    # SQLAlchemy's adapter opens its transaction at the first statement; a cursor needs it open.
    await conn.execute(sa.text("SELECT 1"))
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # a live connection: it is in a transaction
    # Only the bounds given, as index conditions (an "$1 IS NULL OR" would be a filter instead).
    bounds = [("stream_id >= ", start), ("stream_id < ", stop)]
    given = [(condition, value) for condition, value in bounds if value is not None]
    where = " AND ".join(f"{condition}${i}" for i, (condition, _) in enumerate(given, 1))
    query = (
        f"SELECT {_COLUMNS} FROM events"  # noqa: S608
        + (f" WHERE {where}" if where else "")
        + " ORDER BY stream_id, version"
    )
    # jsonb arrives decoded by the codec SQLAlchemy registered on the connection (orjson, app.db),
    # timestamptz as aware UTC datetimes: the values `stored_event` makes of a mapped row.
    cursor = await driver.cursor(query, *(value for _, value in given))
    while batch := await cursor.fetch(batch_size):
        yield [StoredEvent(*record) for record in batch]


async def positions(
    conn: AsyncConnection, *, batch_size: int = BATCH_SIZE * 10
) -> AsyncIterator[list[int]]:
    """Every position, ascending, in batches over the primary key."""
    after = 0
    while True:
        query = (
            sa.select(events.c.position)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(batch_size)
        )
        batch = [int(row.position) for row in await conn.execute(query)]
        if not batch:
            return
        yield batch
        after = batch[-1]
