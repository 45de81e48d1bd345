"""Rebuild the restrictions projection (ADR 0020) from its streams alone.

Restriction streams (`restriction:<id>`) are short and few, so they are read in one ordered pass,
as feedback's are (app/services/rebuild_feedback.py), and compared with the table: `check` reports
each missing, extra or changed row, `apply` sets them right. The review's next alert day is worked
out with the landlord's calendar and policy points, as an append does.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.restriction.state import RestrictionState, evolve
from app.events.codec import decode_restriction
from app.events.sql import stored_event
from app.events.streams import RESTRICTION_PREFIX, restriction_of_stream, restriction_stream
from app.events.tables import events
from app.projections import restrictions as projection
from app.projections.tables import restrictions
from app.services.catalog import LandlordSettings, settings_for
from app.services.rebuild_feedback import Found
from app.services.restrictions import alert_due_on


async def rebuild_restrictions(conn: AsyncConnection, *, apply: bool) -> tuple[int, list[Found]]:
    """How many restriction streams there are, and each row that differs from its stream (set
    right with `apply`)."""
    query = (
        sa.select(*events.c)
        .where(events.c.stream_id.startswith(RESTRICTION_PREFIX, autoescape=True))
        .order_by(events.c.stream_id, events.c.version)
    )
    states: dict[str, RestrictionState] = {}
    for found in await conn.execute(query):
        stored = stored_event(found._mapping)
        restriction_id = restriction_of_stream(stored.stream_id)
        states[restriction_id] = evolve(states.get(restriction_id), decode_restriction(stored))
    live = {str(r.id): dict(r._mapping) for r in await conn.execute(sa.select(restrictions))}
    differences: list[Found] = []
    rebuilt: dict[str, projection.Row] = {}
    settings: dict[str, LandlordSettings] = {}  # each landlord's, read once
    for restriction_id in sorted(set(live) | set(states)):
        subject = restriction_stream(restriction_id)
        state, current = states.get(restriction_id), live.get(restriction_id)
        if state is None:
            differences.append((subject, "extra", {}))
            continue
        if state.landlord not in settings:
            settings[state.landlord] = await settings_for(conn, state.landlord)
        expected = projection.row_for(
            restriction_id, state, alert_due_on(state, settings[state.landlord])
        )
        if current is None:
            differences.append((subject, "missing", {}))
        else:
            changed = {
                name: (current[name], value)
                for name, value in expected.items()
                if current[name] != value
            }
            if not changed:
                continue
            differences.append((subject, "changed", changed))
        rebuilt[restriction_id] = expected
    if apply and differences:
        stale = [subject.removeprefix(RESTRICTION_PREFIX) for subject, _, _ in differences]
        await conn.execute(sa.delete(restrictions).where(restrictions.c.id.in_(stale)))
        for row in rebuilt.values():
            await projection.upsert(conn, row)
    return len(states), differences
