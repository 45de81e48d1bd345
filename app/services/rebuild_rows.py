"""Rebuild the projection of a kind of stream named `<prefix><id>` (feedback, contact
restrictions) from its streams alone.

Such streams are short and far fewer than complaints, so they are read in one ordered pass, like
the landlords' (app/services/rebuild.py), folded into the rows they should have, and compared with
the table: `check` reports each missing, extra or changed row, `apply` sets them right.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.sql import stored_event
from app.events.store import StoredEvent
from app.events.tables import events

Row = dict[str, object]
# (subject, "missing" | "extra" | "changed", column -> (live, rebuilt)), as rebuild's Difference.
Found = tuple[str, str, dict[str, tuple[object, object]]]
# The rows the streams' events (all of the kind, in stream and version order) add up to, by id.
Rows = Callable[[AsyncConnection, Sequence[StoredEvent]], Awaitable[dict[str, Row]]]
Upsert = Callable[[AsyncConnection, Row], Awaitable[None]]


async def rebuild_prefixed(
    conn: AsyncConnection,
    table: sa.Table,
    prefix: str,
    rows: Rows,
    upsert: Upsert,
    *,
    apply: bool,
) -> tuple[int, list[Found]]:
    """How many streams of the kind there are, and each row that differs from its stream (set
    right with `apply`)."""
    query = (
        sa.select(*events.c)
        .where(events.c.stream_id.startswith(prefix, autoescape=True))
        .order_by(events.c.stream_id, events.c.version)
    )
    stored = [stored_event(found._mapping) for found in await conn.execute(query)]
    expected = await rows(conn, stored)
    live = {str(r.id): dict(r._mapping) for r in await conn.execute(sa.select(table))}
    differences: list[Found] = []
    stale: list[str] = []
    for row_id in sorted(set(live) | set(expected)):
        subject = f"{prefix}{row_id}"
        rebuilt, current = expected.get(row_id), live.get(row_id)
        if rebuilt is None:
            differences.append((subject, "extra", {}))
        elif current is None:
            differences.append((subject, "missing", {}))
        else:
            changed = {
                name: (current[name], value)
                for name, value in rebuilt.items()
                if current[name] != value
            }
            if not changed:
                continue
            differences.append((subject, "changed", changed))
        stale.append(row_id)
    if apply and stale:
        await conn.execute(sa.delete(table).where(table.c.id.in_(stale)))
        for row_id in stale:
            if row_id in expected:
                await upsert(conn, expected[row_id])
    return len(expected), differences
