"""/v1/keys: an admin key manages its own landlord's API keys. A token is shown once, at creation
or rotation, and never again; revocation takes effect on the next request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.writes import dump
from app.db import reading
from app.services import keys as service
from app.services.keys import ApiKey, Role

router = APIRouter(prefix="/v1", tags=["keys"], dependencies=[Depends(reject_unknown_query)])

KeyId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]


class KeyView(BaseModel):
    id: str
    role: Role
    landlord: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None = Field(
        description="When the key stops (or stopped) working; in the future during a rotation."
    )


class KeyList(BaseModel):
    items: list[KeyView]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    name: str | None = Field(default=None, max_length=128, description="What the key is for.")


class KeyRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grace_seconds: int = Field(
        default=0, ge=0, le=7 * 24 * 3600, description="How long the old key keeps working."
    )


class CreatedKeyView(BaseModel):
    key: KeyView
    token: str = Field(description="Shown once: store it now, it cannot be read again.")
    replaces: str | None = Field(default=None, description="The key this one rotated.")


def view(key: ApiKey) -> KeyView:
    return KeyView(
        id=key.id,
        role=key.role,
        landlord=key.landlord,
        name=key.name,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


Admin = Annotated[Actor, Depends(authorize(Action.manage_keys))]


@router.get("/keys", response_model=KeyList, summary="The landlord's API keys (never tokens)")
async def list_keys(engine: Engine, actor: Admin) -> Response:
    async with reading(engine) as conn:
        found = await service.list_keys(conn, actor.landlord)
    return Response(dump(KeyList(items=[view(k) for k in found])), media_type="application/json")


@router.post("/keys", status_code=201, response_model=CreatedKeyView, summary="Create a key")
async def create_key(body: KeyCreate, engine: Engine, actor: Admin) -> Response:
    async with engine.begin() as conn:
        created = await service.create_key(
            conn, role=body.role, landlord=actor.landlord, name=body.name
        )
    result = CreatedKeyView(key=view(created.key), token=created.token)
    return Response(
        dump(result), status_code=201, media_type="application/json"
    )  # no-store: set on every response


@router.post(
    "/keys/{key_id}/revoke", response_model=KeyView, summary="Revoke a key, effective at once"
)
async def revoke_key(key_id: KeyId, engine: Engine, actor: Admin) -> Response:
    async with engine.begin() as conn:
        await service.revoke_key(conn, key_id, actor.landlord)
        found = await service.find_key(conn, key_id, actor.landlord)
    if found is None:
        raise ApiError(404, "not-found", "No such key.")
    return Response(dump(view(found)), media_type="application/json")


@router.post(
    "/keys/{key_id}/rotate",
    status_code=201,
    response_model=CreatedKeyView,
    summary="Replace a key: a new token, the old key revoked (after an optional grace period)",
    responses={409: {}},
)
async def rotate_key(key_id: KeyId, body: KeyRotate, engine: Engine, actor: Admin) -> Response:
    async with engine.begin() as conn:
        if await service.find_key(conn, key_id, actor.landlord) is None:
            raise ApiError(404, "not-found", "No such key.")
        created = await service.rotate_key(
            conn, key_id, actor.landlord, grace_seconds=body.grace_seconds
        )
    if created is None:
        raise ApiError(409, "key-revoked", "The key is already revoked: create a new one.")
    result = CreatedKeyView(key=view(created.key), token=created.token, replaces=key_id)
    return Response(
        dump(result), status_code=201, media_type="application/json"
    )  # no-store: set on every response
