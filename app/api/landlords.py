"""/v1/landlords: a landlord's calendar, homes and policies, managed by its admin keys.

A key belongs to one landlord, so an admin key manages only its own landlord: it registers it
(the operator creates the first admin key with `redress keys create --role admin --landlord L`),
changes it and publishes its own policy versions. Every change is an event in the landlord's
stream; `GET /v1/landlords/{id}/events` says who changed what, and when.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
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
    PublishPolicy,
    RegisterLandlord,
)
from app.domain.landlord.events import CHANGEABLE, LandlordChanged, PolicyPublished
from app.domain.landlord.state import LandlordState, evolve_landlord
from app.domain.policies.check import Divergence, check_policy
from app.domain.policies.model import Policy
from app.events.codec import decode_landlord
from app.services import landlords as service

router = APIRouter(prefix="/v1", tags=["landlords"], dependencies=[Depends(reject_unknown_query)])

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"
POLICY_ID = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
Region = Literal["england-and-wales", "scotland", "northern-ireland"]
HomesCount = Annotated[int, Field(ge=0, le=10_000_000)]
Closures = Annotated[list[date], Field(max_length=1000)]
RetentionYears = Annotated[
    int,
    Field(
        ge=1,
        le=100,
        description="Years after closure a complaint's personal data is kept "
        "(`redress retention run` erases it after).",
    ),
]
LandlordId = Annotated[
    str, Path(min_length=1, max_length=32, pattern=SLUG, description="The landlord id.")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyChoiceIn(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=POLICY_ID)
    version: int | None = Field(
        default=None, ge=1, le=10_000, description="The latest version when omitted."
    )


class HomesIn(_Strict):
    rented: HomesCount = 0
    shared_ownership: HomesCount = 0


class HomesPatch(_Strict):
    rented: HomesCount | None = None
    shared_ownership: HomesCount | None = None


class LandlordCreate(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=SLUG, description="A slug, e.g. `acme`.")
    name: str = Field(min_length=1, max_length=200)
    region: Region = "england-and-wales"
    closures: Closures = Field(
        default_factory=list, description="Extra days the office is shut, e.g. 29-31 December."
    )
    homes: HomesIn = Field(default_factory=HomesIn)
    default_policy: PolicyChoiceIn | None = Field(
        default=None, description="The policy new complaints are logged under; hoc-2024 if omitted."
    )
    retention_years: RetentionYears = 6


class LandlordPatch(_Strict):
    """Only the fields given change; `closures` replaces the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: Region | None = None
    closures: Closures | None = None
    homes: HomesPatch | None = None
    default_policy: PolicyChoiceIn | None = None
    retention_years: RetentionYears | None = None


class PolicyRefView(BaseModel):
    id: str
    version: int


class PublishedPolicyView(BaseModel):
    id: str
    version: int
    published_at: datetime


class HomesView(BaseModel):
    rented: int
    shared_ownership: int
    total: int


class CalendarView(BaseModel):
    region: str
    holidays_version: str = Field(description="The `holidays` package whose bank holidays count.")
    closures: list[date]


class LandlordView(BaseModel):
    id: str
    name: str
    region: str
    closures: list[date]
    homes: HomesView
    default_policy: PolicyRefView
    retention_years: int
    policies: list[PublishedPolicyView] = Field(description="The landlord's own policy versions.")
    calendar: CalendarView
    version: int
    registered_at: datetime
    changed_at: datetime


class LandlordList(BaseModel):
    items: list[LandlordView]


class FieldChange(BaseModel):
    before: object | None
    after: object | None


class LandlordEventView(BaseModel):
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: object | None = Field(description="The key (or `cli`) that made the change.")
    changes: dict[str, FieldChange]
    policy: PolicyRefView | None = Field(description="The version published, for policy events.")


class LandlordHistory(BaseModel):
    items: list[LandlordEventView]


class PublishPolicyRequest(_Strict):
    policy: Policy = Field(
        description="The policy as `GET /v1/policies/{id}` shows one; `version` must be the next "
        "version of its id (1 for a new id)."
    )
    make_default: bool = Field(
        default=False, description="Log new complaints under this version from now on."
    )


class PublishedPolicy(BaseModel):
    policy: Policy
    complies: bool = Field(description="True when no divergence from the Code was found.")
    divergences: list[Divergence]


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


async def _load_own(
    engine: Engine, store: Store, actor: Actor, landlord_id: str
) -> service.Landlord:
    _own(actor, landlord_id)
    async with reading(engine) as conn:
        found = await service.load(conn, store, landlord_id)
    if found is None:
        raise ApiError(404, "not-found", "No such landlord.")
    return found


def _own(actor: Actor, landlord_id: str) -> None:
    # Another landlord is indistinguishable from none.
    if landlord_id != actor.landlord:
        raise ApiError(404, "not-found", "No such landlord.")


def _choice(choice: PolicyChoiceIn | None) -> PolicyChoice | None:
    return None if choice is None else PolicyChoice(id=choice.id, version=choice.version)


async def _write(
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
    return await _write(
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
    found = await _load_own(engine, store, actor, landlord_id)
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
    _own(actor, landlord_id)
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
    return await _write(
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


@router.get(
    "/landlords/{landlord_id}/events",
    response_model=LandlordHistory,
    summary="Who changed what, and when",
)
async def landlord_history(
    landlord_id: LandlordId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_landlord))],
) -> Response:
    found = await _load_own(engine, store, actor, landlord_id)
    items: list[LandlordEventView] = []
    before: LandlordState | None = None
    for stored in found.events:
        event = decode_landlord(stored)
        after = evolve_landlord(landlord_id, before, event)
        published = event.policy if isinstance(event, PolicyPublished) else None
        fields = (
            [f for f in CHANGEABLE if getattr(event, f) is not None]
            if isinstance(event, LandlordChanged)
            else ([] if published is not None else list(CHANGEABLE))
        )
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
            )
        )
        before = after
    return Response(dump(LandlordHistory(items=items)), media_type="application/json")


def _shown(value: object) -> object:
    if isinstance(value, tuple):
        return [_shown(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "id") and hasattr(value, "version"):
        return {"id": value.id, "version": value.version}
    return value


@router.post(
    "/landlords/{landlord_id}/policies",
    status_code=201,
    response_model=PublishedPolicy,
    summary="Publish a version of one of the landlord's own policies",
    responses={409: {}},
)
async def publish_policy(
    request: Request,
    landlord_id: LandlordId,
    body: PublishPolicyRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.manage_landlord))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The response lists where the policy breaks the Complaint Handling Code (the same check as
    `GET /v1/policies/{id}/check`): publishing is allowed, the landlord is told."""
    _own(actor, landlord_id)
    if re.fullmatch(POLICY_ID, body.policy.id) is None:
        raise ApiError(
            422,
            "validation-error",
            "policy.id must be 1 to 40 lower-case letters, digits and hyphens.",
        )
    command = PublishPolicy(
        occurred_at=datetime.now(UTC), policy=body.policy, make_default=body.make_default
    )

    def render(landlord: service.Landlord) -> bytes:
        divergences = check_policy(body.policy)
        return dump(
            PublishedPolicy(policy=body.policy, complies=not divergences, divergences=divergences)
        )

    return await _write(
        request,
        engine,
        store,
        actor,
        landlord_id,
        command,
        status=201,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        render=render,
        location=f"/v1/policies/{body.policy.id}?version={body.policy.version}",
    )
