"""Rebuild the feedback projection (compliments, comments, enquiries) from its streams alone.

Feedback streams (`feedback:<id>`) are short and far fewer than complaints, so they are read in
one ordered pass, like the landlords' (app/services/rebuild.py), and compared with the table:
`check` reports each missing, extra or changed row, `apply` sets them right.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.feedback.state import FeedbackState, evolve_feedback
from app.events.codec import decode_feedback
from app.events.sql import stored_event
from app.events.streams import FEEDBACK_PREFIX, feedback_of_stream, feedback_stream
from app.events.tables import events
from app.projections import feedback as projection
from app.projections.tables import feedback

# (subject, "missing" | "extra" | "changed", column -> (live, rebuilt)), as rebuild's Difference.
Found = tuple[str, str, dict[str, tuple[object, object]]]


async def rebuild_feedback(conn: AsyncConnection, *, apply: bool) -> tuple[int, list[Found]]:
    """How many feedback streams there are, and each row that differs from its stream (set
    right with `apply`)."""
    query = (
        sa.select(*events.c)
        .where(events.c.stream_id.startswith(FEEDBACK_PREFIX, autoescape=True))
        .order_by(events.c.stream_id, events.c.version)
    )
    states: dict[str, FeedbackState] = {}
    for found in await conn.execute(query):
        stored = stored_event(found._mapping)
        feedback_id = feedback_of_stream(stored.stream_id)
        states[feedback_id] = evolve_feedback(
            feedback_id, states.get(feedback_id), decode_feedback(stored)
        )
    live = {str(r.id): dict(r._mapping) for r in await conn.execute(sa.select(feedback))}
    differences: list[Found] = []
    stale: list[str] = []
    for feedback_id in sorted(set(live) | set(states)):
        subject = feedback_stream(feedback_id)
        state, current = states.get(feedback_id), live.get(feedback_id)
        if state is None:
            differences.append((subject, "extra", {}))
        elif current is None:
            differences.append((subject, "missing", {}))
        else:
            expected = projection.row_for(state)
            changed = {
                name: (current[name], value)
                for name, value in expected.items()
                if current[name] != value
            }
            if not changed:
                continue
            differences.append((subject, "changed", changed))
        stale.append(feedback_id)
    if apply and stale:
        await conn.execute(sa.delete(feedback).where(feedback.c.id.in_(stale)))
        for feedback_id in stale:
            if feedback_id in states:
                await projection.upsert(conn, projection.row_for(states[feedback_id]))
    return len(states), differences
