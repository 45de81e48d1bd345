"""/v1/webhooks: a CRM asks to be told of its landlord's events (docs/webhooks.md).

A signing secret is shown once, at creation or rotation. A CRM key manages the subscriptions that
show what a CRM may see; an admin key manages all of its landlord's, and may make one that shows
only what a CRM sees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, AnyUrl, BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.writes import dump
from app.db import reading
from app.domain.catalogue import CATALOGUE
from app.services import webhooks as service
from app.services.keys import Role
from app.services.webhook_targets import UnsafeTarget, check_url, rules_of
from app.services.webhooks import Delivery, Subscription

router = APIRouter(prefix="/v1", tags=["webhooks"], dependencies=[Depends(reject_unknown_query)])

EventType = StrEnum("EventType", {name: name for name in sorted(CATALOGUE)})  # type: ignore[misc]
SubscriptionId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^wh_[0-9a-f]+$")]
Manager = Annotated[Actor, Depends(authorize(Action.manage_webhooks))]
MAX_OVERLAP = 7 * 24 * 3600


def _short(url: AnyUrl) -> AnyUrl:
    if len(str(url)) > 2048:
        raise ValueError("at most 2048 characters")
    return url


WebhookUrl = Annotated[AnyUrl, AfterValidator(_short)]


class PayloadRole(StrEnum):
    crm = "crm"
    admin = "admin"


class SubscriptionView(BaseModel):
    id: str
    url: str
    event_types: list[str] = Field(description="The types delivered; empty: every type.")
    role: PayloadRole = Field(description="Payloads show what a key of this role may see.")
    description: str | None
    created_at: datetime
    created_by: str = Field(description="The id of the key that made it.")
    delivered_up_to: int = Field(
        description="The last position of the log examined for this subscription: every event "
        "of its selection up to here was acknowledged by the receiver (2xx)."
    )
    failures: int = Field(description="Failed attempts in a row at the next event.")
    next_attempt_at: datetime
    last_delivered_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    previous_secret_until: datetime | None = Field(
        description="During a secret rotation: until when the previous secret signs too."
    )


class SubscriptionList(BaseModel):
    items: list[SubscriptionView]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl = Field(
        description="Where to POST: https, on a public address (the operator may allow http and "
        "private addresses)."
    )
    event_types: list[EventType] = Field(
        default_factory=list, max_length=200, description="The types wanted; empty: every type."
    )
    description: str | None = Field(default=None, max_length=256)
    role: PayloadRole | None = Field(
        default=None,
        description="What payloads may show: the creating key's role by default; an admin key "
        "may choose `crm`.",
    )


class SubscriptionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl | None = None
    event_types: list[EventType] | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=256)
    enabled: bool | None = Field(
        default=None,
        description="`true` enables a disabled subscription (its failures forgotten, the next "
        "attempt at once); `false` disables it.",
    )


class CreatedSubscription(BaseModel):
    subscription: SubscriptionView
    secret: str = Field(
        description="The signing secret (`whsec_...`, Standard Webhooks): shown once, store it."
    )


class SecretRotation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overlap_seconds: int = Field(
        default=86400,
        ge=0,
        le=MAX_OVERLAP,
        description="How long the old secret signs deliveries too (each carries both signatures).",
    )


class Redelivery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    after: int = Field(
        ge=0,
        le=2**62,
        description="Deliver again every event of the selection after this position (the feed's "
        "positions; a delivery log entry's `position` minus one resends from it).",
    )


class DeliveryView(BaseModel):
    id: int
    position: int
    event_id: str = Field(description="The `webhook-id` sent: `<stream id>/<version>`.")
    event_type: str
    attempt: int = Field(description="1 for the first attempt at this event, and so on.")
    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's answer; null if none came.")
    error: str | None = Field(
        description="What went wrong: `timeout`, `connect-failed`, `network-error`, "
        "`unsafe-target`, `redirect-not-followed`; null when delivered or answered non-2xx."
    )
    duration_ms: int
    delivered: bool
    redelivery: bool = Field(description="Sent again after a manual redelivery.")


class DeliveryLog(BaseModel):
    items: list[DeliveryView]
    next_before: int | None = Field(description="Pass as `before` for older attempts.")


def view(s: Subscription) -> SubscriptionView:
    return SubscriptionView(
        id=s.id,
        url=s.url,
        event_types=list(s.event_types),
        role=PayloadRole(s.role.value),
        description=s.description,
        created_at=s.created_at,
        created_by=s.created_by,
        delivered_up_to=s.cursor,
        failures=s.failures,
        next_attempt_at=s.next_attempt_at,
        last_delivered_at=s.last_delivered_at,
        disabled_at=s.disabled_at,
        disabled_reason=s.disabled_reason,
        previous_secret_until=s.previous_secret_until,
    )


def _delivery(d: Delivery) -> DeliveryView:
    return DeliveryView(
        id=d.id,
        position=d.position,
        event_id=d.event_id,
        event_type=d.event_type,
        attempt=d.attempt,
        attempted_at=d.attempted_at,
        status_code=d.status_code,
        error=d.error,
        duration_ms=d.duration_ms,
        delivered=d.delivered,
        redelivery=d.redelivery,
    )


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(dump(model), status_code=status, media_type="application/json")


def _checked(request: Request, url: AnyUrl) -> str:
    text = str(url)
    try:
        check_url(text, rules_of(request.app.state.settings))
    except UnsafeTarget as refused:
        raise ApiError(422, "unsafe-webhook-url", f"Refused: {refused}.") from refused
    return text


def _secrets_key(request: Request) -> bytes:
    key: bytes = request.app.state.keyring.webhook_secrets_key
    return key


async def _found(conn: AsyncConnection, actor: Actor, subscription_id: str) -> Subscription:
    found = await service.find(conn, actor.landlord, subscription_id, role=actor.role)
    if found is None:
        raise ApiError(404, "not-found", "No such webhook subscription.")
    return found


@router.get("/webhooks", response_model=SubscriptionList, summary="The webhook subscriptions")
async def list_webhooks(engine: Engine, actor: Manager) -> Response:
    async with reading(engine) as conn:
        found = await service.list_for(conn, actor.landlord, actor.role)
    return _json(SubscriptionList(items=[view(s) for s in found]))


@router.post(
    "/webhooks",
    status_code=201,
    response_model=CreatedSubscription,
    summary="Subscribe a URL to the landlord's events, from now on",
    responses={422: {}},
)
async def create_webhook(
    body: SubscriptionCreate, request: Request, engine: Engine, actor: Manager
) -> Response:
    url = _checked(request, body.url)
    role = Role(body.role.value) if body.role is not None else actor.role
    if role is Role.admin and actor.role is not Role.admin:
        raise ApiError(403, "forbidden", "Only an admin key may make a subscription with `admin`.")
    async with engine.begin() as conn:
        created, secret = await service.create(
            conn,
            key=_secrets_key(request),
            landlord=actor.landlord,
            url=url,
            event_types=[t.value for t in body.event_types],
            role=role,
            description=body.description,
            created_by=actor.key_id,
            now=datetime.now(UTC),
        )
    return _json(CreatedSubscription(subscription=view(created), secret=secret), 201)


@router.get(
    "/webhooks/{subscription_id}", response_model=SubscriptionView, summary="A subscription"
)
async def get_webhook(subscription_id: SubscriptionId, engine: Engine, actor: Manager) -> Response:
    async with reading(engine) as conn:
        found = await _found(conn, actor, subscription_id)
    return _json(view(found))


@router.patch(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionView,
    summary="Change a subscription's URL, types or description; enable or disable it",
    responses={422: {}},
)
async def change_webhook(
    subscription_id: SubscriptionId,
    body: SubscriptionChange,
    request: Request,
    engine: Engine,
    actor: Manager,
) -> Response:
    changes: dict[str, object] = {}
    if body.url is not None:
        changes["url"] = _checked(request, body.url)
    if body.event_types is not None:
        changes["event_types"] = sorted({t.value for t in body.event_types})
    if "description" in body.model_fields_set:
        changes["description"] = body.description
    now = datetime.now(UTC)
    if body.enabled is True:
        changes |= service.enabled(now)
    elif body.enabled is False:
        changes |= {"disabled_at": now, "disabled_reason": f"disabled by key {actor.key_id}"}
    async with engine.begin() as conn:
        found = await _found(conn, actor, subscription_id)
        if body.enabled is True and found.disabled_at is None:
            changes = {k: v for k, v in changes.items() if k not in service.enabled(now)}
        changed = await service.change(conn, found, **changes) if changes else found
    return _json(view(changed))


@router.delete(
    "/webhooks/{subscription_id}",
    status_code=204,
    summary="Delete a subscription and its delivery log",
)
async def delete_webhook(
    subscription_id: SubscriptionId, engine: Engine, actor: Manager
) -> Response:
    async with engine.begin() as conn:
        await service.delete(conn, await _found(conn, actor, subscription_id))
    return Response(status_code=204)


@router.post(
    "/webhooks/{subscription_id}/rotate-secret",
    status_code=201,
    response_model=CreatedSubscription,
    summary="A new signing secret; the old one keeps signing during the overlap",
)
async def rotate_webhook_secret(
    subscription_id: SubscriptionId,
    body: SecretRotation,
    request: Request,
    engine: Engine,
    actor: Manager,
) -> Response:
    async with engine.begin() as conn:
        found = await _found(conn, actor, subscription_id)
        rotated, secret = await service.rotate_secret(
            conn,
            _secrets_key(request),
            found,
            timedelta(seconds=body.overlap_seconds),
            datetime.now(UTC),
        )
    return _json(CreatedSubscription(subscription=view(rotated), secret=secret), 201)


@router.post(
    "/webhooks/{subscription_id}/redeliver",
    response_model=SubscriptionView,
    summary="Deliver again every event after a position",
    responses={409: {}},
)
async def redeliver_webhook(
    subscription_id: SubscriptionId, body: Redelivery, engine: Engine, actor: Manager
) -> Response:
    async with engine.begin() as conn:
        found = await _found(conn, actor, subscription_id)
        end = await service.log_end(conn)
        if body.after > end:
            raise ApiError(
                409, "position-not-reached", f"The log ends at position {end}.", log_end=end
            )
        changed = await service.redeliver(conn, found, body.after, datetime.now(UTC))
    return _json(view(changed))


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response_model=DeliveryLog,
    summary="The delivery log: every attempt, latest first (never the bodies)",
)
async def list_deliveries(
    subscription_id: SubscriptionId,
    engine: Engine,
    actor: Manager,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="Older than this id.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    async with reading(engine) as conn:
        await _found(conn, actor, subscription_id)
        found = await service.delivery_log(conn, subscription_id, before=before, limit=limit)
    items = [_delivery(d) for d in found]
    next_before = items[-1].id if len(items) == limit else None
    return _json(DeliveryLog(items=items, next_before=next_before))
