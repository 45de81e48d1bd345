"""Webhook subscriptions: what a CRM asked to be told, where, and how deliveries are signed.

The event log is the outbox (docs/adr/0015-webhooks-and-alerts.md): a subscription keeps `cursor`,
the last position examined for it, and the worker (app/worker/) sends what follows. A new
subscription starts at the end of the log, so it is told of what happens from then on; a
redelivery moves its cursor back.

A signing secret is shown once, at creation or rotation, and stored sealed (AES-256-GCM under a
key derived from the master key, bound to the subscription's id). After a rotation the previous
secret signs too until the overlap ends, so a receiver can switch secrets without losing a
delivery (Standard Webhooks sends one signature per secret).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.tables import events
from app.services.keys import Role
from app.services.tables import webhook_deliveries as deliveries
from app.services.tables import webhook_subscriptions as subscriptions

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SECRET_BYTES = 32


@dataclass(frozen=True)
class Subscription:
    id: str
    landlord: str
    url: str
    event_types: tuple[str, ...]  # empty: every type
    role: Role  # what the payloads may show: this role's view of each event
    description: str | None
    created_by: str
    created_at: datetime
    cursor: int
    failures: int
    next_attempt_at: datetime
    last_delivered_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    previous_secret_until: datetime | None
    redeliver_until: int | None

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: str
    position: int
    event_id: str
    event_type: str
    attempt: int
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    delivered: bool
    redelivery: bool


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def seal_secret(key: bytes, subscription_id: str, secret: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, secret.encode(), subscription_id.encode())


def open_secret(key: bytes, subscription_id: str, sealed: bytes) -> str:
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], subscription_id.encode()).decode()


def _subscription(row: sa.Row[tuple[object, ...]]) -> Subscription:
    m = row._mapping
    return Subscription(
        id=m["id"],
        landlord=m["landlord"],
        url=m["url"],
        event_types=tuple(m["event_types"]),
        role=Role(m["role"]),
        description=m["description"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        cursor=int(m["cursor"]),
        failures=int(m["failures"]),
        next_attempt_at=m["next_attempt_at"],
        last_delivered_at=m["last_delivered_at"],
        disabled_at=m["disabled_at"],
        disabled_reason=m["disabled_reason"],
        previous_secret_until=m["previous_secret_until"],
        redeliver_until=m["redeliver_until"],
    )


async def log_end(conn: AsyncConnection) -> int:
    """The last position in the log (0 when it is empty)."""
    return int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar() or 0)


async def create(
    conn: AsyncConnection,
    *,
    key: bytes,
    landlord: str,
    url: str,
    event_types: Sequence[str],
    role: Role,
    description: str | None,
    created_by: str,
    now: datetime,
) -> tuple[Subscription, str]:
    """A new subscription from the end of the log, and its secret (shown once)."""
    subscription_id = "wh_" + secrets.token_hex(12)
    secret = new_secret()
    await conn.execute(
        subscriptions.insert().values(
            id=subscription_id,
            landlord=landlord,
            url=url,
            event_types=sorted(set(event_types)),
            role=role.value,
            description=description,
            created_by=created_by,
            created_at=now,
            secret=seal_secret(key, subscription_id, secret),
            cursor=await log_end(conn),
            failures=0,
            next_attempt_at=now,
        )
    )
    found = await find(conn, landlord, subscription_id)
    assert found is not None
    return found, secret


def _visible_to(role: Role) -> sa.ColumnElement[bool]:
    # A CRM key manages the subscriptions that show what a CRM may see; an admin key manages all
    # of its landlord's. A CRM key could otherwise point an admin's subscription, which shows who
    # made an anonymous complaint, at itself.
    if role is Role.admin:
        return sa.true()
    return subscriptions.c.role == role.value


async def find(
    conn: AsyncConnection, landlord: str, subscription_id: str, *, role: Role = Role.admin
) -> Subscription | None:
    row = (
        await conn.execute(
            sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id,
                subscriptions.c.landlord == landlord,
                _visible_to(role),
            )
        )
    ).first()
    return None if row is None else _subscription(row)


async def leased(conn: AsyncConnection, subscription_id: str, worker: str) -> Subscription | None:
    """The subscription while `worker` holds its lease (None once it does not)."""
    row = (
        await conn.execute(
            sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id, subscriptions.c.leased_by == worker
            )
        )
    ).first()
    return None if row is None else _subscription(row)


async def list_for(conn: AsyncConnection, landlord: str, role: Role) -> list[Subscription]:
    query = (
        sa.select(subscriptions)
        .where(subscriptions.c.landlord == landlord, _visible_to(role))
        .order_by(subscriptions.c.created_at, subscriptions.c.id)
    )
    return [_subscription(row) for row in await conn.execute(query)]


async def change(
    conn: AsyncConnection, subscription: Subscription, **values: object
) -> Subscription:
    await conn.execute(
        subscriptions.update().where(subscriptions.c.id == subscription.id).values(**values)
    )
    found = await find(conn, subscription.landlord, subscription.id)
    assert found is not None
    return found


def enabled(now: datetime) -> dict[str, object]:
    """The changes that enable a subscription again, its next attempt at once."""
    return {"disabled_at": None, "disabled_reason": None, "failures": 0, "next_attempt_at": now}


async def rotate_secret(
    conn: AsyncConnection, key: bytes, subscription: Subscription, overlap: timedelta, now: datetime
) -> tuple[Subscription, str]:
    """A new secret; the current one keeps signing (as well) until `now + overlap`."""
    current = (
        await conn.execute(
            sa.select(subscriptions.c.secret).where(subscriptions.c.id == subscription.id)
        )
    ).scalar_one()
    secret = new_secret()
    changed = await change(
        conn,
        subscription,
        secret=seal_secret(key, subscription.id, secret),
        previous_secret=current if overlap > timedelta(0) else None,
        previous_secret_until=now + overlap if overlap > timedelta(0) else None,
    )
    return changed, secret


async def signing_secrets(
    conn: AsyncConnection, key: bytes, subscription_id: str, now: datetime
) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one during a
    rotation's overlap."""
    row = (
        await conn.execute(
            sa.select(
                subscriptions.c.secret,
                subscriptions.c.previous_secret,
                subscriptions.c.previous_secret_until,
            ).where(subscriptions.c.id == subscription_id)
        )
    ).one()
    found = [open_secret(key, subscription_id, row.secret)]
    if row.previous_secret is not None and row.previous_secret_until > now:
        found.append(open_secret(key, subscription_id, row.previous_secret))
    return found


async def redeliver(
    conn: AsyncConnection, subscription: Subscription, after: int, now: datetime
) -> Subscription:
    """Deliver again everything after position `after` (attempts up to the cursor it had are
    logged as redeliveries)."""
    return await change(
        conn,
        subscription,
        cursor=after,
        redeliver_until=max(subscription.cursor, subscription.redeliver_until or 0),
        failures=0,
        next_attempt_at=now,
    )


async def delete(conn: AsyncConnection, subscription: Subscription) -> None:
    await conn.execute(deliveries.delete().where(deliveries.c.subscription_id == subscription.id))
    await conn.execute(subscriptions.delete().where(subscriptions.c.id == subscription.id))


def _delivery(row: sa.Row[tuple[object, ...]]) -> Delivery:
    m = row._mapping
    return Delivery(
        id=int(m["id"]),
        subscription_id=m["subscription_id"],
        position=int(m["position"]),
        event_id=m["event_id"],
        event_type=m["event_type"],
        attempt=int(m["attempt"]),
        attempted_at=m["attempted_at"],
        status_code=m["status_code"],
        error=m["error"],
        duration_ms=int(m["duration_ms"]),
        delivered=bool(m["delivered"]),
        redelivery=bool(m["manual"]),
    )


async def delivery_log(
    conn: AsyncConnection, subscription_id: str, *, before: int | None, limit: int
) -> list[Delivery]:
    """The latest attempts first, `limit` of them, older than attempt `before` if given."""
    query = (
        sa.select(deliveries)
        .where(deliveries.c.subscription_id == subscription_id)
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(deliveries.c.id < before)
    return [_delivery(row) for row in await conn.execute(query)]


@dataclass(frozen=True)
class Backlog:
    """How far a subscription is behind, for /metrics."""

    subscription_id: str
    landlord: str
    positions_behind: int  # the log's end minus the cursor (every landlord's events count)
    lag_seconds: float  # since the first event after the cursor was recorded; 0 when caught up
    failures: int  # failed attempts in a row now
    failed_attempts: int  # failed attempts in the delivery log
    disabled: bool


async def backlogs(conn: AsyncConnection, now: datetime) -> list[Backlog]:
    end = await log_end(conn)
    first_after = (
        sa.select(events.c.recorded_at)
        .where(events.c.position > subscriptions.c.cursor)
        .order_by(events.c.position)
        .limit(1)
        .scalar_subquery()
    )
    failed = (
        sa.select(sa.func.count())
        .where(deliveries.c.subscription_id == subscriptions.c.id, sa.not_(deliveries.c.delivered))
        .scalar_subquery()
    )
    query = sa.select(
        subscriptions.c.id,
        subscriptions.c.landlord,
        subscriptions.c.cursor,
        subscriptions.c.failures,
        subscriptions.c.disabled_at,
        first_after.label("first_after"),
        failed.label("failed"),
    ).order_by(subscriptions.c.id)
    found = []
    for row in await conn.execute(query):
        waiting = row.first_after
        found.append(
            Backlog(
                subscription_id=row.id,
                landlord=row.landlord,
                positions_behind=max(0, end - int(row.cursor)),
                lag_seconds=0.0 if waiting is None else max(0.0, (now - waiting).total_seconds()),
                failures=int(row.failures),
                failed_attempts=int(row.failed),
                disabled=row.disabled_at is not None,
            )
        )
    return found


async def purge_deliveries(conn: AsyncConnection, before: datetime) -> int:
    """Forget the attempts made before `before`; how many."""
    gone = await conn.execute(deliveries.delete().where(deliveries.c.attempted_at < before))
    return int(gone.rowcount or 0)
