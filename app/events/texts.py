"""The log as stored text, in position order, for the export: nothing decoded on the way.

One server-side cursor in the caller's transaction (its snapshot), read a chunk at a time, so memory
stays bounded however long the log. On PostgreSQL `data` is jsonb's own rendering of the stored
JSON and the times are rendered by `to_json` in UTC; where the caller describes how an event type
is shown (`Shape`), the database drops the hidden keys itself, and the row says so. On SQLite the
stored text is handed over as it is (the caller decodes it).
"""

# The SQL below is assembled from the catalogue's own type and field names, quoted, never from
# input; every value travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.sealing import SEALED
from app.events.tables import events

# An event as read here, a tuple-like row unpacked in this order: position, stream id, version,
# type, schema version; `shown`, the JSON text of its data as shaped by the database (None where
# no `Shape` applied); `resident`, where the shape asks for a pseudonym and the complainant is
# given, their resident id ('' if null); `sealed`, where the shape opens sealed events and the
# event has a sealed blob, the blob as JSON text; `data`, the stored JSON text (None where `shown`
# is given); the metadata's actor as JSON text (None if absent); occurred and recorded times as
# JSON strings (ISO 8601, UTC; see `padded`); hash; previous hash.
TextRow = Sequence[Any]


@dataclass(frozen=True)
class Span:
    """Which events: after a position, up to a position (inclusive), occurred in [from, to)."""

    after: int = 0
    until: int | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


@dataclass(frozen=True)
class Shape:
    """How the database may show the data of an event of one type by itself: drop `hidden`, but
    only from an event of `schema_version` whose keys are all `known` (else it is not shaped), and,
    if `unsealed_only`, that holds no sealed blob. With `pseudonym`, the row also carries the
    complainant's resident id, for the caller's pseudonym of them; with `opens`, the sealed blob,
    for the caller to open and add to what is shown."""

    schema_version: int
    known: frozenset[str]
    hidden: frozenset[str]
    unsealed_only: bool = False
    pseudonym: bool = False
    opens: bool = False


Prepare = Callable[[list[TextRow]], Awaitable[None]]


async def _nothing(_rows: list[TextRow]) -> None:
    return


def texts(
    conn: AsyncConnection,
    span: Span,
    shapes: Mapping[str, Shape],
    *,
    chunk: int,
    limit: int | None = None,
    prepare: Prepare = _nothing,
) -> AsyncGenerator[list[TextRow]]:
    """The events of `span` in position order, at most `limit`, in lists of up to `chunk`.

    Each list is handed to `prepare` first, which may query the connection (the streams it names),
    then yielded. The caller must not use the connection between the two, and must close the
    generator (`contextlib.aclosing`) before the transaction ends: on PostgreSQL the next list is
    on its way meanwhile."""
    if conn.dialect.name == "postgresql":
        return _postgresql(conn, span, shapes, chunk, limit, prepare)
    return _sqlite(conn, span, chunk, limit, prepare)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _keys(names: frozenset[str]) -> str:
    return f"ARRAY[{', '.join(_literal(n) for n in sorted(names))}]::text[]"


# Whose pseudonym: the complainant's resident id, '' where it is null or the complainant has no
# such part; NULL where there is no complainant (nothing for a pseudonym to stand in for).
_RESIDENT = (
    "CASE WHEN shaped IS NULL OR coalesce(data -> 'complainant', 'null') = 'null' THEN NULL "
    "ELSE coalesce(data -> 'complainant' ->> 'resident_id', '') END"
)


_BLOB = f"CASE WHEN shaped IS NOT NULL THEN (data -> {_literal(SEALED)})::text END"


def _only(shapes: Mapping[str, Shape], wanted: Callable[[Shape], bool], column: str) -> str:
    """`column` for the types whose shape is `wanted`, NULL for the rest."""
    types = [_literal(t) for t, shape in sorted(shapes.items()) if wanted(shape)]
    return f"CASE WHEN type IN ({', '.join(types)}) THEN {column} END" if types else "NULL"


def _shaped(shapes: Mapping[str, Shape]) -> str:
    """The SQL of the shaped data (jsonb), or NULL where no shape applies."""
    cases = []
    for event_type, shape in sorted(shapes.items()):
        conditions = [
            f"schema_version = {int(shape.schema_version)}",
            f"(data - {_keys(shape.known | {SEALED})}) = '{{}}'::jsonb",
        ]
        if shape.unsealed_only:
            conditions.append(f"NOT data ? {_literal(SEALED)}")
        shown = f"data - {_keys(shape.hidden)}" if shape.hidden else "data"
        when = " AND ".join(conditions)
        cases.append(f"WHEN {_literal(event_type)} THEN CASE WHEN {when} THEN {shown} END")
    return f"CASE type {' '.join(cases)} END" if cases else "NULL::jsonb"


async def _postgresql(
    conn: AsyncConnection,
    span: Span,
    shapes: Mapping[str, Shape],
    chunk: int,
    limit: int | None,
    prepare: Prepare,
) -> AsyncGenerator[list[TextRow]]:
    conditions, values = ["position > $1"], list[object]([span.after])
    for condition, value in (
        ("position <=", span.until),
        ("occurred_at >=", span.occurred_from),
        ("occurred_at <", span.occurred_to),
    ):
        if value is not None:
            values.append(value)
            conditions.append(f"{condition} ${len(values)}")
    if limit is not None:
        values.append(limit)
    # The shaped data is computed in a subquery that is not flattened (OFFSET 0): referred to four
    # times below, it would otherwise be computed four times.
    query = (
        "SELECT position, stream_id, version, type, schema_version, shaped::text, "
        f"{_only(shapes, lambda shape: shape.pseudonym, _RESIDENT)}, "
        f"{_only(shapes, lambda shape: shape.opens, _BLOB)}, "
        "CASE WHEN shaped IS NULL THEN data::text END, "
        "(metadata -> 'actor')::text, "
        "to_json(occurred_at)::text, to_json(recorded_at)::text, hash, previous_hash "
        f"FROM (SELECT *, {_shaped(shapes)} AS shaped FROM events "
        f"WHERE {' AND '.join(conditions)} ORDER BY position "
        f"{'' if limit is None else f'LIMIT ${len(values)}'} OFFSET 0) AS e ORDER BY position"
    )
    await conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # to_json's offset: +00:00
    # Straight through asyncpg: its records are the rows, with no per-row work in between.
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    cursor = await raw.cursor(query, *values)
    batch = await cursor.fetch(chunk)
    while batch:
        await prepare(batch)
        # Ask for the next list before the caller works on this one, so that the database reads
        # and sends it meanwhile instead of waiting for the request: the work of the two sides
        # overlaps rather than adds up.
        following = asyncio.ensure_future(cursor.fetch(chunk))
        await asyncio.sleep(0)  # it sends its request
        try:
            yield batch
        finally:  # also when the caller stops early: the connection is free again after it
            batch = await following


async def _sqlite(
    conn: AsyncConnection, span: Span, chunk: int, limit: int | None, prepare: Prepare
) -> AsyncGenerator[list[TextRow]]:
    c = events.c
    query = sa.select(
        c.position,
        c.stream_id,
        c.version,
        c.type,
        c.schema_version,
        sa.null(),
        sa.null(),
        sa.null(),
        sa.type_coerce(c.data, sa.Text),
        sa.type_coerce(c["metadata"]["actor"], sa.Text),
        c.occurred_at,
        c.recorded_at,
        c.hash,
        c.previous_hash,
    ).where(c.position > span.after)
    if span.until is not None:
        query = query.where(c.position <= span.until)
    if span.occurred_from is not None:
        query = query.where(c.occurred_at >= span.occurred_from)
    if span.occurred_to is not None:
        query = query.where(c.occurred_at < span.occurred_to)
    query = query.order_by(c.position).limit(limit)
    result = await conn.stream(query.execution_options(yield_per=chunk))
    async for part in result.partitions(chunk):
        batch: list[TextRow] = [
            (*row[:10], f'"{row[10].isoformat()}"', f'"{row[11].isoformat()}"', *row[12:])
            for row in part
        ]
        await prepare(batch)
        yield batch


def padded(moment: str) -> str:
    """A JSON string of a UTC time as `datetime.isoformat` writes it: a fraction of a second has
    six digits (`to_json` trims its trailing zeros)."""
    size = len(moment)  # '"YYYY-MM-DDTHH:MM:SS+00:00"' is 27, with '.ffffff' 34
    if size == 27 or size == 34:
        return moment
    return f"{moment[:-7]}{'0' * (34 - size)}{moment[-7:]}"
