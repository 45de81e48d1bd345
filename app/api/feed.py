"""/v1/events: the global feed in commit order, for CRMs and analysts to follow.

Positions are assigned in commit order (see docs/adr/0001), so a follower that resumes from the last
position it saw never misses an event. A key sees only its landlord's events; `next_after` is the
last position examined, so pages thinned by that filter still advance. With
`Accept: application/x-ndjson` the whole selection streams as CloudEvents, one per line. With
`wait`, a follower that has seen everything waits for the next event (app/api/follow.py).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.api.deps import Action, Actor, Store, authorize, reject_unknown_query
from app.api.event_views import event_view
from app.api.follow import LOOK_AGAIN, MAX_WAIT, Appended
from app.api.reads import Reads, lagging
from app.api.schemas.events import EventPage
from app.api.schemas.inputs import MOMENT_RANGE, Moment
from app.api.writes import dump
from app.db import reading
from app.services import export
from app.services.privacy import logged_pseudonym

router = APIRouter(prefix="/v1", tags=["events"], dependencies=[Depends(reject_unknown_query)])

NDJSON_RESPONSE = lagging(
    {
        200: {
            "content": {
                export.NDJSON: {
                    "schema": {"type": "string", "description": "One CloudEvent (JSON) per line."}
                }
            }
        }
    }
)


@router.get(
    "/events",
    response_model=EventPage,
    summary="Follow the global event feed, or export it as NDJSON CloudEvents",
    responses=NDJSON_RESPONSE,
)
async def feed(
    request: Request,
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_feed))],
    after: Annotated[int, Query(ge=0, le=2**62, description="Last position already seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size (JSON only).")] = 100,
    until: Annotated[int | None, Query(ge=1, le=2**62, description="Last position wanted.")] = None,
    occurred_from: Annotated[Moment | None, Query(description=f"Inclusive. {MOMENT_RANGE}")] = None,
    occurred_to: Annotated[Moment | None, Query(description=f"Exclusive. {MOMENT_RANGE}")] = None,
    wait: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_WAIT,
            description="JSON only: with nothing after `after`, wait up to this many seconds for "
            "the next event, and answer as soon as there is one (long polling); 0 answers at once.",
        ),
    ] = 0,
    accept: Annotated[str | None, Header(max_length=500, include_in_schema=False)] = None,
) -> Response:
    selection = export.Selection(
        landlord=actor.landlord,
        after=after,
        until=until,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    if accept is not None and export.NDJSON in accept:
        lines = export.batched_lines(reads.engine, store, selection, actor.reader)
        # The first batch is read before the response starts, so a replica that is away is a
        # 503 rather than a stream cut short after its 200.
        async with reads.guard():
            first = await anext(lines, None)
        return StreamingResponse(
            _resumed(first, lines), media_type=export.NDJSON, headers=reads.headers
        )
    deadline = time.monotonic() + min(wait, request.app.state.feed_wait_cap)
    appended: Appended = request.app.state.appended
    while True:  # a connection is held only while looking, never while waiting
        async with reads.guard(), reading(reads.engine) as conn:
            found = await export.page(conn, store, selection, after, limit)
        left = deadline - time.monotonic()
        if found.events or found.last > after or left <= 0:
            break
        await appended.wait(min(LOOK_AGAIN, left))
    items = [
        event_view(e, actor, logged_pseudonym(store, e, found.landlords[e.stream_id]))
        for e in found.events
    ]
    body = EventPage(items=items, next_after=found.last)
    return Response(dump(body), media_type="application/json", headers=reads.headers)


async def _resumed(first: bytes | None, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first is None:
        return
    yield first
    async for line in rest:
        yield line
