"""Rebuild the restrictions projection (ADR 0020) from its streams alone
(app/services/rebuild_rows.py). The review's next alert day is worked out with the landlord's
calendar and policy points, as an append does."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.restriction.state import RestrictionState, evolve
from app.events.codec import decode_restriction
from app.events.store import StoredEvent
from app.events.streams import RESTRICTION_PREFIX, restriction_of_stream
from app.projections import restrictions as projection
from app.projections.tables import restrictions
from app.services.catalog import LandlordSettings, settings_for
from app.services.rebuild_rows import Found, Row, rebuild_prefixed
from app.services.restrictions import alert_due_on


async def _rows(conn: AsyncConnection, stored: Sequence[StoredEvent]) -> dict[str, Row]:
    states: dict[str, RestrictionState] = {}
    for event in stored:
        restriction_id = restriction_of_stream(event.stream_id)
        states[restriction_id] = evolve(states.get(restriction_id), decode_restriction(event))
    settings: dict[str, LandlordSettings] = {}  # each landlord's, read once
    rows: dict[str, Row] = {}
    for restriction_id, state in states.items():
        if state.landlord not in settings:
            settings[state.landlord] = await settings_for(conn, state.landlord)
        due_on = alert_due_on(state, settings[state.landlord])
        rows[restriction_id] = projection.row_for(restriction_id, state, due_on)
    return rows


async def rebuild_restrictions(conn: AsyncConnection, *, apply: bool) -> tuple[int, list[Found]]:
    """How many restriction streams there are, and each row that differs from its stream (set
    right with `apply`)."""
    return await rebuild_prefixed(
        conn, restrictions, RESTRICTION_PREFIX, _rows, projection.upsert, apply=apply
    )
