"""The write of an append: its events, their positions and the rows that go with them, at once.

On PostgreSQL it is one statement (one round trip, on a prepared statement): the rows come as JSON
documents expanded by `jsonb_populate_recordset`, each table's upsert is a data-modifying CTE, and
the positions are taken last, from the one row of `event_positions`, by the CTE that inserts the
events. The row lock that increment takes orders the feed (ADR 0001): it is held from there to the
end of the statement's transaction, which for the service's appends is the statement itself
(autocommit), so appends to different complaints never wait for each other across a round trip.

On SQLite the same writes are a few statements in the caller's transaction, which already holds the
database's write lock (`BEGIN IMMEDIATE`): nothing else can interleave, and a statement there is a
function call, not a round trip.
"""

# The SQL below is assembled from table and column names of our own metadata, never from input;
# every value travels as a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.store import Upsert
from app.events.tables import event_positions
from app.events.tables import events as events_table

Row = Mapping[str, object]
_EVENT_COLUMNS = tuple(c.name for c in events_table.columns if c.name != "position")


async def write(conn: AsyncConnection, events: Sequence[Row], also: Sequence[Upsert]) -> int:
    """Write `events` (every column but `position`) and `also`; the first event's position."""
    if conn.dialect.name == "postgresql":
        return await _write_postgresql(conn, events, also)
    return await _write_sqlite(conn, events, also)


def _json(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()  # bytea's input syntax
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot put a {type(value).__name__} into an append's rows")


def _document(rows: Sequence[Row]) -> str:
    # Every time here is aware already; OPT_NAIVE_UTC only keeps a slip from meaning server time.
    return orjson.dumps(list(rows), default=_json, option=orjson.OPT_NAIVE_UTC).decode()


async def _write_postgresql(
    conn: AsyncConnection, events: Sequence[Row], also: Sequence[Upsert]
) -> int:
    shape = tuple((u.table, u.key, u.update) for u in also)
    statement = _statement(shape)
    params = {"events": _document(events)}
    params |= {f"rows{i}": _document(u.rows) for i, u in enumerate(also)}
    first = (await conn.execute(statement, params)).scalar_one()
    return int(first)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _upsert_cte(index: int, table: sa.Table, key: tuple[str, ...], update: bool) -> str:
    columns = ", ".join(_quoted(c.name) for c in table.columns)
    conflict = ", ".join(_quoted(k) for k in key)
    rest = [c.name for c in table.columns if c.name not in key]
    if update and rest:
        sets = ", ".join(f"{_quoted(c)} = EXCLUDED.{_quoted(c)}" for c in rest)
        on_conflict = f" ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
    else:
        on_conflict = ""  # a taken key fails the append
    return (
        f"w{index} AS (INSERT INTO {_quoted(table.name)} ({columns}) SELECT {columns} "
        f"FROM jsonb_populate_recordset(NULL::{_quoted(table.name)}, CAST(:rows{index} AS jsonb))"
        f"{on_conflict} RETURNING 1)"
    )


@cache
def _statement(shape: tuple[tuple[sa.Table, tuple[str, ...], bool], ...]) -> sa.TextClause:
    ctes = [_upsert_cte(i, table, key, update) for i, (table, key, update) in enumerate(shape)]
    # The positions are taken after every other write is done (each CTE above is waited for), so
    # the lock they take is held for as little as the events' insert and the commit.
    after = " AND ".join(f"(SELECT count(*) FROM w{i}) >= 0" for i in range(len(shape))) or "TRUE"
    columns = ", ".join(_quoted(c) for c in _EVENT_COLUMNS)
    picked = ", ".join(f"r.{_quoted(c)}" for c in _EVENT_COLUMNS)
    ctes += [
        "input AS (SELECT CAST(:events AS jsonb) AS rows)",
        "counter AS (INSERT INTO event_positions (id, last_position) "
        "SELECT 1, (SELECT COALESCE(MAX(position), 0) FROM events) + jsonb_array_length(rows) "
        f"FROM input WHERE {after} "
        "ON CONFLICT (id) DO UPDATE SET last_position = event_positions.last_position "
        "+ (SELECT jsonb_array_length(rows) FROM input) RETURNING last_position)",
        f"appended AS (INSERT INTO events (position, {columns}) "
        "SELECT counter.last_position - jsonb_array_length(input.rows) + r.ordinality, "
        f"{picked} "
        "FROM counter, input, "
        "jsonb_populate_recordset(NULL::events, input.rows) WITH ORDINALITY AS r "
        "RETURNING position)",
    ]
    return sa.text("WITH " + ",\n".join(ctes) + "\nSELECT min(position) FROM appended")


async def _write_sqlite(
    conn: AsyncConnection, events: Sequence[Row], also: Sequence[Upsert]
) -> int:
    for upsert in also:
        if not upsert.rows:
            continue
        statement = sqlite.insert(upsert.table)
        if upsert.update:
            rest = [c.name for c in upsert.table.columns if c.name not in upsert.key]
            statement = statement.on_conflict_do_update(
                index_elements=list(upsert.key), set_={c: statement.excluded[c] for c in rest}
            )
        await conn.execute(statement, [dict(row) for row in upsert.rows])
    count = len(events)
    counter = sqlite.insert(event_positions).values(
        id=1,
        last_position=sa.select(
            sa.func.coalesce(sa.func.max(events_table.c.position), 0)
        ).scalar_subquery()
        + count,
    )
    taken = counter.on_conflict_do_update(
        index_elements=["id"], set_={"last_position": event_positions.c.last_position + count}
    ).returning(event_positions.c.last_position)
    last = int((await conn.execute(taken)).scalar_one())
    first = last - count + 1
    rows = [{**row, "position": first + offset} for offset, row in enumerate(events)]
    await conn.execute(sa.insert(events_table), rows)
    return first
