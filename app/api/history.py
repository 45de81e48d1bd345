"""/v1/complaints/{id}/history: replay a complaint event by event.

Each entry is an event and the complaint view it produced, with the clocks evaluated at the moment
the event occurred ("what did the service show right after this happened?"), and how long after
that moment the event was recorded, so backdated entries stand out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from app.api.deps import Action, Actor, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.event_views import event_view
from app.api.reads import Reads, lagging
from app.api.schemas.history import ComplaintHistory, HistoryEntry
from app.api.views import complaint_view
from app.api.writes import dump
from app.db import reading
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.events.codec import decode
from app.services import complaints as service

router = APIRouter(prefix="/v1", tags=["complaints"], dependencies=[Depends(reject_unknown_query)])


@router.get(
    "/complaints/{complaint_id}/history",
    response_model=ComplaintHistory,
    summary="Replay a complaint: each event and the view it produced",
    responses=lagging(),
)
async def history(
    complaint_id: Annotated[
        str, Path(min_length=1, max_length=64, description="The complaint id.")
    ],
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
) -> Response:
    # The past may lag: a history read from the replica may end before the latest write.
    async with reads.guard(), reading(reads.engine) as conn:
        complaint = await service.load(conn, store, complaint_id)
    # Another landlord's (or another resident's) complaint is indistinguishable from none.
    if complaint is None or not actor.can_see(complaint.state):
        raise ApiError(404, "not-found", "No such complaint.")
    body = ComplaintHistory(items=replay(complaint, actor))
    return Response(dump(body), media_type="application/json", headers=reads.headers)


def replay(complaint: service.Complaint, actor: Actor) -> list[HistoryEntry]:
    """The complaint after each of its events; the pinned policy is the same throughout."""
    entries: list[HistoryEntry] = []
    state: ComplaintState | None = None
    events = complaint.events
    reader = actor.reader
    for index, stored in enumerate(events):
        state = evolve(state, decode(stored))
        # Internal notes and the landlord's internal events: a portal is not shown they happened.
        if not reader.sees_event(stored.type, stored.data):
            continue
        step = replace(complaint, state=state, events=events[: index + 1])
        event = event_view(stored, actor, complaint.pseudonym)
        if not reader.internal:
            # Who recorded what (key ids, correlation ids) is the landlord's, not the resident's.
            event = event.model_copy(update={"metadata": {}})
        entries.append(
            HistoryEntry(
                event=event,
                complaint=complaint_view(
                    step, actor, at=stored.occurred_at, as_of=stored.occurred_at
                ),
                recorded_lag_seconds=(stored.recorded_at - stored.occurred_at).total_seconds(),
            )
        )
    return entries
