"""/v1/restrictions: contact restrictions for unreasonable behaviour (ADR 0020,
docs/restrictions.md). Impose one on a resident, list and read them, record their reviews, a
variation, the decision on a challenge and their end; the resident challenges theirs once from the
portal; erase one's personal data.

Roles: CRM and admin keys impose and record; a portal reads its own resident's and challenges it;
analysts read them without the person (a pseudonym) or any free text. A restriction never stops a
complaint being logged: the complaint view shows the one in force (`restriction_in_force`)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.erasure import ErasureRequest, sealing
from app.api.errors import ApiError
from app.api.event_views import event_view
from app.api.restriction_views import restriction_command, restriction_view
from app.api.schemas.events import StreamEvents
from app.api.schemas.inputs import DAY_RANGE, QueryDay
from app.api.schemas.restrictions import (
    ChallengeRequest,
    ImposeRestrictionRequest,
    ResidentId,
    RestrictionErasureResult,
    RestrictionEventRequest,
    RestrictionPage,
    RestrictionView,
)
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Rederive,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    rederive_stream,
    run_write,
)
from app.db import reading
from app.domain.restriction import commands as c
from app.events.store import EventStore
from app.events.streams import RESTRICTION_PREFIX, restriction_stream
from app.projections import restrictions as projection
from app.projections.complaints import InvalidCursor
from app.services import restrictions as service
from app.services.privacy import pseudonym_for

router = APIRouter(
    prefix="/v1", tags=["restrictions"], dependencies=[Depends(reject_unknown_query)]
)

RestrictionId = Annotated[str, Path(min_length=1, max_length=36, description="The restriction id.")]


def _written(found: service.Restriction, actor: Actor, store: EventStore) -> Written:
    return Written(
        201,
        dump(restriction_view(found, actor, store)),
        {"Location": f"/v1/restrictions/{found.id}", "ETag": f'"{found.version}"'},
        # Sealed with the restriction's own key, which its erasure destroys (app/api/writes.py).
        complaint_id=restriction_stream(found.id),
    )


def _rederive(store: EventStore, actor: Actor) -> Rederive:
    """A replay's body once the remembered one is shredded (the restriction was erased)."""
    return rederive_stream(
        RESTRICTION_PREFIX,
        lambda conn, restriction_id: service.load(conn, store, restriction_id),
        service.at_version,
        lambda found: dump(restriction_view(found, actor, store)),
        "No such restriction.",
    )


async def _visible(
    conn: AsyncConnection, store: EventStore, actor: Actor, restriction_id: str
) -> service.Restriction:
    found = await service.load(conn, store, restriction_id)
    # Another landlord's (or another resident's) restriction is indistinguishable from none.
    if found is None or not actor.can_see_record(found.state):
        raise ApiError(404, "not-found", "No such restriction.")
    return found


async def _execute(
    conn: AsyncConnection,
    store: EventStore,
    restriction_id: str,
    command: c.RestrictionCommand,
    *,
    actor: Actor,
    correlation_id: str | None,
    if_match: int | None,
) -> service.Restriction:
    try:
        return await service.execute(
            conn,
            store,
            restriction_id,
            command,
            metadata=event_metadata(actor, correlation_id),
            now=datetime.now(UTC),
            if_match=if_match,
        )
    except service.RestrictionInForce as error:
        raise ApiError(
            409,
            "restriction-in-force",
            "This resident already has a restriction in force: vary it (record "
            f"`restriction_imposed` at /v1/restrictions/{error.restriction_id}/events).",
            restriction_id=error.restriction_id,
        ) from error


async def _write(
    request: Request,
    engine: Engine,
    store: EventStore,
    actor: Actor,
    idempotency_key: str | None,
    run: Callable[[AsyncConnection], Awaitable[service.Restriction]],
) -> Response:
    async def operation(conn: AsyncConnection) -> Callable[[], Written]:
        found = await run(conn)
        return lambda: _written(found, actor, store)

    return await run_write(
        request,
        engine,
        actor,
        idempotency_key,
        operation,
        rederive=_rederive(store, actor),
        several_statements=True,
    )


@router.post(
    "/restrictions",
    status_code=201,
    response_model=RestrictionView,
    summary="Restrict how a resident contacts the landlord",
    responses={409: {}},
)
async def impose_restriction(
    request: Request,
    body: ImposeRestrictionRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.impose_restriction))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """Say what is restricted and why (the reason is explained to the resident); it is reviewed
    by `review_due` (a year on by default) and may be challenged once. One restriction is in force
    per resident at a time (409 `restriction-in-force`: vary that one). It never stops the
    resident's complaints being logged."""

    async def run(conn: AsyncConnection) -> service.Restriction:
        now = datetime.now(UTC)
        command = c.Impose(
            occurred_at=body.occurred_at or now,
            landlord=actor.landlord,
            resident_id=body.resident_id,
            measures=tuple(body.measures),
            reason=body.reason,
            contact_person=body.contact_person,
            channels=tuple(body.channels),
            times=body.times,
            review_due=body.review_due,
        )
        return await _execute(
            conn, store, str(uuid.uuid4()), command, actor=actor,
            correlation_id=correlation_id, if_match=None,
        )  # fmt: skip

    return await _write(request, engine, store, actor, idempotency_key, run)


@router.get("/restrictions", response_model=RestrictionPage, summary="List contact restrictions")
async def list_restrictions(
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_restrictions))],
    resident_id: Annotated[ResidentId | None, Query()] = None,
    in_force: bool | None = None,
    review_due_by: Annotated[
        QueryDay | None,
        Query(description=f"Only those in force whose review is due by this day. {DAY_RANGE}"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """Newest imposed first. `?review_due_by=` lists the reviews coming up. A portal lists its own
    resident's only; finding a resident's needs a key that may see personal data."""
    if resident_id is not None and not actor.reader.personal:
        raise ApiError(
            403,
            "personal-search-forbidden",
            "Finding a resident's restrictions needs a key that may see personal data.",
        )
    flt = projection.RestrictionFilter(
        landlord=actor.landlord,
        resident_id=actor.resident_id or resident_id,
        in_force=in_force,
        review_due_by=review_due_by,
    )
    async with reading(engine) as conn:
        try:
            ids, next_cursor = await projection.list_ids(conn, flt, limit=limit, cursor=cursor)
        except InvalidCursor as error:
            raise ApiError(422, "invalid-cursor", str(error)) from error
        found = await service.load_many(conn, store, ids)
    items = [restriction_view(r, actor, store) for r in found]
    page = RestrictionPage(items=items, next_cursor=next_cursor)
    return Response(dump(page), media_type="application/json")


@router.get(
    "/restrictions/{restriction_id}",
    response_model=RestrictionView,
    summary="Read a contact restriction",
)
async def get_restriction(
    restriction_id: RestrictionId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_restrictions))],
) -> Response:
    async with reading(engine) as conn:
        found = await _visible(conn, store, actor, restriction_id)
    return Response(
        dump(restriction_view(found, actor, store)),
        media_type="application/json",
        headers={"ETag": f'"{found.version}"'},
    )


@router.post(
    "/restrictions/{restriction_id}/events",
    status_code=201,
    response_model=RestrictionView,
    summary="Record a review, a variation, a challenge's decision or the end of a restriction",
    responses={409: {}, 412: {}},
)
async def append_restriction_event(
    request: Request,
    restriction_id: RestrictionId,
    body: RestrictionEventRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.impose_restriction))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The view's `next` lists what may be recorded now. A review `ended`, or a challenge
    `upheld`, ends the restriction."""
    expected = parse_if_match(if_match)

    async def run(conn: AsyncConnection) -> service.Restriction:
        await _visible(conn, store, actor, restriction_id)
        command = restriction_command(body, datetime.now(UTC))
        return await _execute(
            conn, store, restriction_id, command, actor=actor,
            correlation_id=correlation_id, if_match=expected,
        )  # fmt: skip

    return await _write(request, engine, store, actor, idempotency_key, run)


@router.post(
    "/restrictions/{restriction_id}/challenge",
    status_code=201,
    response_model=RestrictionView,
    summary="Challenge a contact restriction (once)",
    responses={409: {}},
)
async def challenge_restriction(
    request: Request,
    restriction_id: RestrictionId,
    body: ChallengeRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.challenge_restriction))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The resident's challenge, from the portal (or recorded by the CRM from a letter). Heard
    once: a second is refused (409 `restriction-already-challenged`). The landlord records its
    decision with `restriction_challenge_decided`."""

    async def run(conn: AsyncConnection) -> service.Restriction:
        await _visible(conn, store, actor, restriction_id)
        command = c.Challenge(
            occurred_at=body.occurred_at or datetime.now(UTC), grounds=body.grounds
        )
        return await _execute(
            conn, store, restriction_id, command, actor=actor,
            correlation_id=correlation_id, if_match=None,
        )  # fmt: skip

    return await _write(request, engine, store, actor, idempotency_key, run)


@router.get(
    "/restrictions/{restriction_id}/events",
    response_model=StreamEvents,
    summary="The restriction's events, in order",
)
async def list_restriction_events(
    restriction_id: RestrictionId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_events))],
) -> Response:
    async with reading(engine) as conn:
        found = await _visible(conn, store, actor, restriction_id)
    state = found.state
    pseudonym = pseudonym_for(store, state.landlord, found.id, state.resident_id)
    body = StreamEvents(items=[event_view(e, actor, pseudonym) for e in found.events])
    return Response(
        dump(body), media_type="application/json", headers={"ETag": f'"{found.version}"'}
    )


@router.post(
    "/restrictions/{restriction_id}/erasure",
    response_model=RestrictionErasureResult,
    summary="Erase the personal data of one contact restriction",
    tags=["privacy"],
)
async def erase_restriction(
    restriction_id: RestrictionId,
    body: ErasureRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.erase))],
    correlation_id: CorrelationId = None,
) -> Response:
    """The events stay and still count; the reason, times, notes, grounds and explanations become
    `[erased]`. A resident's erasure (`POST /v1/complainants/{resident_id}/erasure`) reaches their
    restrictions too."""
    sealed = sealing(store)
    async with engine.begin() as conn:
        await _visible(conn, store, actor, restriction_id)
        done = await service.erase(
            conn,
            sealed,
            sealed.keyring,
            [restriction_id],
            reason=body.reason,
            metadata=event_metadata(actor, correlation_id),
            now=datetime.now(UTC),
        )
    result = RestrictionErasureResult(
        restrictions=done.restrictions, keys_destroyed=done.keys_destroyed
    )
    return Response(dump(result), media_type="application/json")
