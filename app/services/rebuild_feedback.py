"""Rebuild the feedback projection (compliments, comments, enquiries) from its streams alone
(app/services/rebuild_rows.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.feedback.state import FeedbackState, evolve_feedback
from app.events.codec import decode_feedback
from app.events.store import StoredEvent
from app.events.streams import FEEDBACK_PREFIX, feedback_of_stream
from app.projections import feedback as projection
from app.projections.tables import feedback
from app.services.rebuild_rows import Found, Row, rebuild_prefixed


async def _rows(conn: AsyncConnection, stored: Sequence[StoredEvent]) -> dict[str, Row]:
    states: dict[str, FeedbackState] = {}
    for event in stored:
        feedback_id = feedback_of_stream(event.stream_id)
        states[feedback_id] = evolve_feedback(
            feedback_id, states.get(feedback_id), decode_feedback(event)
        )
    return {feedback_id: projection.row_for(state) for feedback_id, state in states.items()}


async def rebuild_feedback(conn: AsyncConnection, *, apply: bool) -> tuple[int, list[Found]]:
    """How many feedback streams there are, and each row that differs from its stream (set
    right with `apply`)."""
    return await rebuild_prefixed(
        conn, feedback, FEEDBACK_PREFIX, _rows, projection.upsert, apply=apply
    )
