"""Erasure of a complainant's personal data (admin keys, their own landlord only).

`POST /v1/complainants/{resident_id}/erasure` erases every complaint of that resident, and every
compliment, comment and enquiry they gave and every contact restriction on them (those streams
have keys of their own);
`POST /v1/complaints/{id}/erasure` one complaint (also for complainants without a resident id).
The events stay, the hash chain still verifies, and stage, dates and outcomes still count in every
report: only the personal fields, sealed with the destroyed keys, become unreadable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.writes import CorrelationId, dump, event_metadata
from app.domain.complaint.events import ErasureReason
from app.events.sealed_store import SealingEventStore
from app.projections import feedback as feedback_rows
from app.projections import restrictions as restriction_rows
from app.services import complaints as complaint_service
from app.services import erasure as service
from app.services import feedback as feedback_service
from app.services import restrictions as restriction_service

router = APIRouter(prefix="/v1", tags=["privacy"], dependencies=[Depends(reject_unknown_query)])


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ErasureReason = Field(
        default=ErasureReason.request, description="`request` (the person asked) or `retention`."
    )


class ErasureResult(BaseModel):
    complaints: list[str] = Field(description="The complaints whose personal data was erased.")
    feedback: list[str] = Field(
        default_factory=list,
        description="The compliments, comments and enquiries whose personal data was erased.",
    )
    restrictions: list[str] = Field(
        default_factory=list,
        description="The contact restrictions whose personal data was erased.",
    )
    keys_destroyed: int


@dataclass(frozen=True)
class Streams:
    """What one erasure reaches: complaints, and a resident's feedback and restrictions."""

    complaints: list[str]
    feedback: list[str] = field(default_factory=list)
    restrictions: list[str] = field(default_factory=list)


Admin = Annotated[Actor, Depends(authorize(Action.erase))]


def sealing(store: Store) -> SealingEventStore:
    if not isinstance(store, SealingEventStore):  # the app always builds one; a bug otherwise
        raise TypeError("erasure needs the sealing event store")
    return store


async def _erase(
    engine: Engine,
    store: Store,
    actor: Actor,
    reason: ErasureReason,
    correlation_id: str | None,
    find: Callable[[AsyncConnection], Awaitable[Streams]],
) -> Response:
    """Erase the complaints, the feedback and the restrictions `find` names, in one
    transaction."""
    sealed = sealing(store)
    metadata = event_metadata(actor, correlation_id)
    async with engine.begin() as conn:
        found = await find(conn)
        now = datetime.now(UTC)
        done = await service.erase(conn, sealed, found.complaints, reason=reason, metadata=metadata)
        given = await feedback_service.erase(
            conn, sealed, sealed.keyring, found.feedback, reason=reason, metadata=metadata, now=now
        )
        lifted = await restriction_service.erase(
            conn, sealed, sealed.keyring, found.restrictions, reason=reason, metadata=metadata,
            now=now,
        )  # fmt: skip
    result = ErasureResult(
        complaints=done.complaints,
        feedback=given.feedback,
        restrictions=lifted.restrictions,
        keys_destroyed=done.keys_destroyed + given.keys_destroyed + lifted.keys_destroyed,
    )
    return Response(dump(result), media_type="application/json")


@router.post(
    "/complainants/{resident_id}/erasure",
    response_model=ErasureResult,
    summary="Erase a resident's personal data in all their complaints, feedback and restrictions",
)
async def erase_resident(
    resident_id: Annotated[str, Path(min_length=1, max_length=128)],
    body: ErasureRequest,
    engine: Engine,
    store: Store,
    actor: Admin,
    correlation_id: CorrelationId = None,
) -> Response:
    async def find(conn: AsyncConnection) -> Streams:
        found = Streams(
            await service.complaints_of_resident(conn, actor.landlord, resident_id),
            await feedback_rows.ids_of_resident(conn, actor.landlord, resident_id),
            await restriction_rows.ids_of_resident(conn, actor.landlord, resident_id),
        )
        if not (found.complaints or found.feedback or found.restrictions):
            raise ApiError(
                404,
                "not-found",
                "No complaint, feedback or restriction of this landlord has that resident.",
            )
        return found

    return await _erase(engine, store, actor, body.reason, correlation_id, find)


@router.post(
    "/complaints/{complaint_id}/erasure",
    response_model=ErasureResult,
    summary="Erase the personal data of one complaint",
)
async def erase_complaint(
    complaint_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: ErasureRequest,
    engine: Engine,
    store: Store,
    actor: Admin,
    correlation_id: CorrelationId = None,
) -> Response:
    async def find(conn: AsyncConnection) -> Streams:
        complaint = await complaint_service.load(conn, store, complaint_id)
        if complaint is None or not actor.can_see(complaint.state):
            raise ApiError(404, "not-found", "No such complaint.")
        return Streams([complaint_id])

    return await _erase(engine, store, actor, body.reason, correlation_id, find)
