"""/v1/landlords: a landlord's calendar, homes and policies, managed by its admin keys.

A key belongs to one landlord, so an admin key manages only its own landlord: it registers it
(the operator creates the first admin key with `redress keys create --role admin --landlord L`),
changes it and publishes its own policy versions (app/api/landlord_policies.py). Every change is
an event in the landlord's stream; `GET /v1/landlords/{id}/events` (app/api/landlord_history.py)
says who changed what, and when. Those routes share this module's own-landlord checks and write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.schemas.landlords import (
    SLUG,
    CalendarView,
    HomesPatch,
    HomesView,
    LandlordCreate,
    LandlordList,
    LandlordPatch,
    LandlordView,
    PolicyChoiceIn,
    PolicyRefView,
    PublishedPolicyView,
)
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    run_write,
)
from app.db import reading
from app.domain.clocks.calendar import holidays_version
from app.domain.landlord.commands import (
    ChangeLandlord,
    LandlordCommand,
    PolicyChoice,
    RegisterLandlord,
)
from app.domain.landlord.state import LandlordState
from app.services import landlords as service

router = APIRouter(prefix="/v1", tags=["landlords"], dependencies=[Depends(reject_unknown_query)])

LandlordId = Annotated[
    str, Path(min_length=1, max_length=32, pattern=SLUG, description="The landlord id.")
]


def view(state: LandlordState) -> LandlordView:
    return LandlordView(
        id=state.id,
        name=state.name,
        region=state.region,
        closures=list(state.closures),
        homes=HomesView(
            rented=state.homes_rented,
            shared_ownership=state.homes_shared_ownership,
            total=state.homes,
        ),
        default_policy=PolicyRefView(
            id=state.default_policy.id, version=state.default_policy.version
        ),
        retention_years=state.retention_years,
        policies=[
            PublishedPolicyView(
                id=p.policy.id, version=p.policy.version, published_at=p.published_at
            )
            for p in state.policies
        ],
        calendar=CalendarView(
            region=state.region, holidays_version=holidays_version(), closures=list(state.closures)
        ),
        version=state.version,
        registered_at=state.registered_at,
        changed_at=state.changed_at,
    )


async def load_own(
    engine: Engine, store: Store, actor: Actor, landlord_id: str
) -> service.Landlord:
    own(actor, landlord_id)
    async with reading(engine) as conn:
        found = await service.load(conn, store, landlord_id)
    if found is None:
        raise ApiError(404, "not-found", "No such landlord.")
    return found


def own(actor: Actor, landlord_id: str) -> None:
    # Another landlord is indistinguishable from none.
    if landlord_id != actor.landlord:
        raise ApiError(404, "not-found", "No such landlord.")


def _choice(choice: PolicyChoiceIn | None) -> PolicyChoice | None:
    return None if choice is None else PolicyChoice(id=choice.id, version=choice.version)


async def write_landlord(
    request: Request,
    engine: Engine,
    store: Store,
    actor: Actor,
    landlord_id: str,
    command: LandlordCommand,
    *,
    status: int,
    idempotency_key: str | None,
    correlation_id: str | None,
    if_match: int | None = None,
    render: Callable[[service.Landlord], bytes] | None = None,
    location: str | None = None,
) -> Response:
    async def operation(conn: AsyncConnection) -> Callable[[], Written]:
        landlord = await service.execute(
            conn,
            store,
            landlord_id,
            command,
            metadata=event_metadata(actor, correlation_id),
            now=datetime.now(UTC),
            if_match=if_match,
        )

        def written() -> Written:
            body = dump(view(landlord.state)) if render is None else render(landlord)
            return Written(
                status,
                body,
                {
                    "Location": location or f"/v1/landlords/{landlord_id}",
                    "ETag": f'"{landlord.version}"',
                },
            )

        return written

    return await run_write(request, engine, actor, idempotency_key, operation)


@router.post(
    "/landlords",
    status_code=201,
    response_model=LandlordView,
    summary="Register the key's landlord",
    responses={409: {}},
)
async def register_landlord(
    request: Request,
    body: LandlordCreate,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.manage_landlord))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    if body.id != actor.landlord:
        raise ApiError(403, "forbidden", "An admin key may only register its own landlord.")
    command = RegisterLandlord(
        occurred_at=datetime.now(UTC),
        name=body.name,
        region=body.region,
        closures=tuple(body.closures),
        homes_rented=body.homes.rented,
        homes_shared_ownership=body.homes.shared_ownership,
        default_policy=_choice(body.default_policy),
        retention_years=body.retention_years,
    )
    return await write_landlord(
        request,
        engine,
        store,
        actor,
        body.id,
        command,
        status=201,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
    )


@router.get("/landlords", response_model=LandlordList, summary="The key's landlord")
async def list_landlords(
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_landlord))],
) -> Response:
    async with reading(engine) as conn:
        found = await service.load(conn, store, actor.landlord)
    items = [] if found is None else [view(found.state)]
    return Response(dump(LandlordList(items=items)), media_type="application/json")


@router.get("/landlords/{landlord_id}", response_model=LandlordView, summary="A landlord")
async def get_landlord(
    landlord_id: LandlordId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_landlord))],
) -> Response:
    found = await load_own(engine, store, actor, landlord_id)
    return Response(
        dump(view(found.state)),
        media_type="application/json",
        headers={"ETag": f'"{found.version}"'},
    )


@router.patch(
    "/landlords/{landlord_id}",
    response_model=LandlordView,
    summary="Change a landlord (calendar, homes, default policy)",
    responses={409: {}, 412: {}},
)
async def change_landlord(
    request: Request,
    landlord_id: LandlordId,
    body: LandlordPatch,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.manage_landlord))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """A change of region or closure days moves the due dates of the landlord's running clocks
    (deadlines are computed with the landlord's current calendar); a change of default policy
    applies to complaints logged from now on, never to those already logged."""
    own(actor, landlord_id)
    homes = body.homes or HomesPatch()
    command = ChangeLandlord(
        occurred_at=datetime.now(UTC),
        name=body.name,
        region=body.region,
        closures=None if body.closures is None else tuple(body.closures),
        homes_rented=homes.rented,
        homes_shared_ownership=homes.shared_ownership,
        default_policy=_choice(body.default_policy),
        retention_years=body.retention_years,
    )
    return await write_landlord(
        request,
        engine,
        store,
        actor,
        landlord_id,
        command,
        status=200,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        if_match=parse_if_match(if_match),
    )
