"""The event log as `verify` reads it: plain tuples straight from the driver, in batches.

A full check reads every row once, so the cost per row is the cost of the check. The store's
reads map each row to a `StoredEvent` with aware datetimes and decoded documents; here PostgreSQL
formats the times as the hash's canonical text itself (`to_char`, on the server's core rather
than Python's) and sends `data` and `metadata` as text, which the walk decodes with one orjson
call each (the driver's jsonb codec wraps that call in two more of Python's).
"""

# The SQL below names our own tables and columns only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import one_of
from app.events.sql import stored_event
from app.events.store import StoredEvent
from app.events.tables import event_positions, events

# (position, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at,
#  hash, previous_hash): data and metadata as JSON text, times as `format_timestamp` writes them.
Row = Sequence[Any]
# (position, stream_id, version, hash, previous_hash): what the stream checks need.
Link = tuple[int, str, int, str, str | None]

_TEXT = '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\''
_POSTGRES_ROWS = (
    "SELECT position, stream_id, version, type, schema_version, data::text, metadata::text, "
    f"to_char(occurred_at AT TIME ZONE 'UTC', {_TEXT}), "
    f"to_char(recorded_at AT TIME ZONE 'UTC', {_TEXT}), hash, previous_hash "
    "FROM events WHERE position > $1 ORDER BY position"
)
# SQLAlchemy keeps SQLite's times as 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC.
_SQLITE_ROWS = (
    "SELECT position, stream_id, version, type, schema_version, data, metadata, "
    "replace(occurred_at, ' ', 'T') || 'Z', replace(recorded_at, ' ', 'T') || 'Z', "
    "hash, previous_hash FROM events WHERE position > ? ORDER BY position LIMIT ?"
)
_LINKS = "SELECT position, stream_id, version, hash, previous_hash FROM events"


async def _driver(conn: AsyncConnection) -> Any:
    # SQLAlchemy's adapter opens its transaction at the first statement; a cursor needs it open.
    await conn.execute(sa.text("SELECT 1"))
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # a live connection: it is in a transaction
    return driver


async def by_position(
    conn: AsyncConnection, *, after: int, batch_size: int
) -> AsyncGenerator[Sequence[Row], None]:
    """Every event after position `after`, in position order. On PostgreSQL one server-side
    cursor (call it inside a transaction, such as `scan.snapshot`'s)."""
    if conn.dialect.name == "postgresql":
        driver = await _driver(conn)
        cursor = await driver.cursor(_POSTGRES_ROWS, after)
        # The next batch is asked for before this one is handed out, so that the server reads and
        # formats it while Python checks this one, each on its own core. So the caller must not
        # use `conn` until the iteration ends (`contextlib.aclosing` when it may stop early).
        ahead = asyncio.ensure_future(cursor.fetch(batch_size))
        try:
            while batch := await ahead:
                ahead = asyncio.ensure_future(cursor.fetch(batch_size))
                await asyncio.sleep(0)  # the request goes out now, not at the next await
                yield batch
        finally:
            await asyncio.wait([ahead])
            if not ahead.cancelled():
                ahead.exception()  # the caller's own error, if any, is the one that matters
        return
    while True:
        found: list[Any] = list(await conn.exec_driver_sql(_SQLITE_ROWS, (after, batch_size)))
        if not found:
            return
        yield found
        after = found[-1][0]


async def links(conn: AsyncConnection, *, batch_size: int) -> AsyncIterator[list[Link]]:
    """Every event's link fields, in (stream id, version) order."""
    if conn.dialect.name == "postgresql":
        driver = await _driver(conn)
        cursor = await driver.cursor(f"{_LINKS} ORDER BY stream_id, version")
        while batch := await cursor.fetch(batch_size):
            yield [tuple(record) for record in batch]
        return
    key: tuple[str, int] | None = None
    order = "ORDER BY stream_id, version LIMIT ?"
    while True:
        query = f"{_LINKS} {order}"
        params: tuple[object, ...] = (batch_size,)
        if key is not None:
            # A row-value comparison: a range scan of the unique (stream_id, version) index.
            query = f"{_LINKS} WHERE (stream_id, version) > (?, ?) {order}"
            params = (key[0], key[1], batch_size)
        found: list[Any] = list(await conn.exec_driver_sql(query, params))
        if not found:
            return
        yield [tuple(row) for row in found]
        key = (found[-1][1], found[-1][2])


async def links_of(
    conn: AsyncConnection, stream_ids: Sequence[str], *, chunk: int = 500
) -> AsyncIterator[list[Link]]:
    """The link fields of every event of these streams, in (stream id, version) order."""
    ordered = sorted(stream_ids)
    for start in range(0, len(ordered), chunk):
        query = (
            sa.select(
                events.c.position,
                events.c.stream_id,
                events.c.version,
                events.c.hash,
                events.c.previous_hash,
            )
            .where(one_of(conn, events.c.stream_id, ordered[start : start + chunk]))
            .order_by(events.c.stream_id, events.c.version)
        )
        found: list[Any] = list(await conn.execute(query))
        yield [tuple(row) for row in found]


def at_positions(conn: AsyncConnection, positions: Sequence[int]) -> sa.ColumnElement[bool]:
    """`events.position IN positions`, one prepared statement for any number of them."""
    return one_of(conn, events.c.position, sorted(positions))


async def stored(conn: AsyncConnection, positions: Sequence[int]) -> list[StoredEvent]:
    """These events as the store reads them, for the reference hash."""
    query = sa.select(*events.c).where(at_positions(conn, positions))
    return [stored_event(row._mapping) for row in await conn.execute(query)]


async def hashes_between(
    conn: AsyncConnection, first: int, last: int | None
) -> list[tuple[int, str, int, str]]:
    """(position, stream id, version, hash) of the events from `first` to `last` (None: the end)."""
    query = sa.select(events.c.position, events.c.stream_id, events.c.version, events.c.hash)
    query = query.where(events.c.position >= first).order_by(events.c.position)
    if last is not None:
        query = query.where(events.c.position <= last)
    found: list[Any] = list(await conn.execute(query))
    return [tuple(row) for row in found]


async def last_position(conn: AsyncConnection) -> int:
    """The last position given out: the counter's (ADR 0001), or a row's past it."""
    counter = sa.select(event_positions.c.last_position).scalar_subquery()
    highest = sa.select(sa.func.max(events.c.position)).scalar_subquery()
    found = (await conn.execute(sa.select(counter, highest))).one()
    return max(int(found[0] or 0), int(found[1] or 0))
