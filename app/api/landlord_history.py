"""GET /v1/landlords/{id}/events: who changed what in a landlord, and when."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.api.deps import Action, Actor, Store, authorize, reject_unknown_query
from app.api.landlords import LandlordId, load_own
from app.api.reads import Reads, lagging
from app.api.schemas.landlords import (
    FieldChange,
    LandlordEventView,
    LandlordHistory,
    LetterTemplateRef,
    PolicyRefView,
)
from app.api.writes import dump
from app.domain.landlord.events import (
    CHANGEABLE,
    LandlordChanged,
    LandlordRegistered,
    LetterTemplatePublished,
    PolicyPublished,
)
from app.domain.landlord.state import LandlordState, evolve_landlord
from app.events.codec import decode_landlord

router = APIRouter(prefix="/v1", tags=["landlords"], dependencies=[Depends(reject_unknown_query)])


@router.get(
    "/landlords/{landlord_id}/events",
    response_model=LandlordHistory,
    summary="Who changed what, and when",
    responses=lagging(),
)
async def landlord_history(
    landlord_id: LandlordId,
    reads: Reads,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_landlord))],
) -> Response:
    async with reads.guard():
        found = await load_own(reads.engine, store, actor, landlord_id)
    items: list[LandlordEventView] = []
    before: LandlordState | None = None
    for stored in found.events:
        event = decode_landlord(stored)
        after = evolve_landlord(landlord_id, before, event)
        published = event.policy if isinstance(event, PolicyPublished) else None
        template = event.template if isinstance(event, LetterTemplatePublished) else None
        if isinstance(event, LandlordChanged):
            fields = [f for f in CHANGEABLE if getattr(event, f) is not None]
        else:
            fields = list(CHANGEABLE) if isinstance(event, LandlordRegistered) else []
        items.append(
            LandlordEventView(
                version=stored.version,
                type=stored.type,
                occurred_at=stored.occurred_at,
                recorded_at=stored.recorded_at,
                actor=stored.metadata.get("actor"),
                changes={
                    name: FieldChange(
                        before=None if before is None else _shown(getattr(before, name)),
                        after=_shown(getattr(after, name)),
                    )
                    for name in fields
                },
                policy=(
                    None
                    if published is None
                    else PolicyRefView(id=published.id, version=published.version)
                ),
                letter_template=(
                    None
                    if template is None
                    else LetterTemplateRef(kind=template.kind, version=template.version)
                ),
            )
        )
        before = after
    return Response(
        dump(LandlordHistory(items=items)), media_type="application/json", headers=reads.headers
    )


def _shown(value: object) -> object:
    if isinstance(value, tuple):
        return [_shown(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "id") and hasattr(value, "version"):
        return {"id": value.id, "version": value.version}
    return value
