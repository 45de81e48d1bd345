"""/v1/events: the global feed in commit order, for CRMs and analysts to follow.

Positions are assigned in commit order (see docs/adr/0001), so a follower that resumes from the last
position it saw never misses an event. A key sees only its landlord's events; `next_after` is the
last position examined, so pages thinned by that filter still advance.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.schemas import EventPage
from app.api.views import event_view
from app.api.writes import dump
from app.db import reading
from app.projections.tables import complaints

router = APIRouter(prefix="/v1", tags=["events"], dependencies=[Depends(reject_unknown_query)])


@router.get("/events", response_model=EventPage, summary="Follow the global event feed")
async def feed(
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_feed))],
    after: Annotated[int, Query(ge=0, le=2**62, description="Last position already seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    async with reading(engine) as conn:
        batch = await store.feed(conn, after, limit)
        stream_ids = sorted({event.stream_id for event in batch})
        owned: set[str] = set()
        if stream_ids:
            rows = await conn.execute(
                sa.select(complaints.c.id).where(
                    complaints.c.id.in_(stream_ids), complaints.c.landlord == actor.landlord
                )
            )
            owned = {str(row.id) for row in rows}
    items = [event_view(event, actor) for event in batch if event.stream_id in owned]
    page = EventPage(items=items, next_after=batch[-1].position if batch else after)
    return Response(dump(page), media_type="application/json")
