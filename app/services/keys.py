"""API keys: created once and shown once, stored as a SHA-256 hash, each bound to a role and a
landlord. Keys are 256-bit random secrets, so a plain hash (no slow KDF) is enough to make a leaked
table useless to an attacker.

Every request authenticates, so the service keeps the keys it has read in its cache
(app/services/cache.py), by key id with the secret's hash: a wrong secret is refused without a
read, and an unknown id is never remembered (a key made elsewhere works at once)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import reading
from app.services import cache
from app.services.cache import MISSING, View
from app.services.tables import api_keys

TOKEN_PREFIX = "rdr"  # noqa: S105 - a public prefix, not a secret


class Role(StrEnum):
    portal = "portal"
    crm = "crm"
    analyst = "analyst"
    admin = "admin"


@dataclass(frozen=True)
class ApiKey:
    id: str
    role: Role
    landlord: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class KeyRecord:
    """A key as cached: enough to judge a token without the database."""

    key: ApiKey
    secret_hash: str

    def admits(self, secret: str, now: datetime) -> ApiKey | None:
        # A rotated key keeps working until the end of its grace period, then is refused: by the
        # clock, so a cached key expires without being invalidated.
        if self.key.revoked_at is not None and self.key.revoked_at <= now:
            return None
        if not hmac.compare_digest(self.secret_hash, _hash(secret)):
            return None
        return self.key


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    token: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _row_to_key(row: sa.Row[tuple[object, ...]]) -> ApiKey:
    m = row._mapping
    return ApiKey(
        id=str(m["id"]),
        role=Role(str(m["role"])),
        landlord=str(m["landlord"]),
        name=m["name"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
    )


async def create_key(
    conn: AsyncConnection, *, role: Role, landlord: str, name: str | None = None
) -> CreatedKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await conn.execute(
        sa.insert(api_keys).values(
            id=key_id,
            secret_hash=_hash(secret),
            role=role.value,
            landlord=landlord,
            name=name,
            created_at=now,
        )
    )
    cache.changed(conn, f"key:{key_id}")
    key = ApiKey(
        id=key_id, role=role, landlord=landlord, name=name, created_at=now, revoked_at=None
    )
    return CreatedKey(key=key, token=f"{TOKEN_PREFIX}_{key_id}_{secret}")


def _parse(token: str) -> tuple[str, str] | None:
    """The key id and secret of a well-formed token."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not key_id or not secret or len(token) > 200:
        return None
    return key_id, secret


async def authenticate(conn: AsyncConnection, token: str) -> ApiKey | None:
    """The live key a bearer token belongs to, or None (unknown, malformed or revoked)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    found = await cache.view(conn)
    record = _cached(found, key_id)
    if record is None:
        row = (await conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id))).first()
        if row is None:
            return None
        record = KeyRecord(_row_to_key(row), str(row.secret_hash))
        if found is not None:
            found.put(found.cache.keys, key_id, record)
    return record.admits(secret, datetime.now(UTC))


async def authenticate_on(engine: AsyncEngine, token: str) -> ApiKey | None:
    """`authenticate` in a reading transaction of its own, or in none at all when the cache can
    answer without the database (PostgreSQL with its listener connected)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    record = _cached(cache.view_now(engine), parsed[0])
    if record is not None:
        return record.admits(parsed[1], datetime.now(UTC))
    async with reading(engine) as conn:
        return await authenticate(conn, token)


def _cached(found: View | None, key_id: str) -> KeyRecord | None:
    if found is None:
        return None
    record = found.get(found.cache.keys, key_id)
    return None if record is MISSING else record


async def list_keys(conn: AsyncConnection, landlord: str | None = None) -> list[ApiKey]:
    query = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
    if landlord is not None:
        query = query.where(api_keys.c.landlord == landlord)
    return [_row_to_key(row) for row in await conn.execute(query)]


async def find_key(conn: AsyncConnection, key_id: str, landlord: str | None) -> ApiKey | None:
    query = sa.select(api_keys).where(api_keys.c.id == key_id)
    if landlord is not None:
        query = query.where(api_keys.c.landlord == landlord)
    row = (await conn.execute(query)).first()
    return None if row is None else _row_to_key(row)


async def revoke_key(
    conn: AsyncConnection, key_id: str, landlord: str | None = None, *, grace_seconds: int = 0
) -> bool:
    """Revoke a live key, at once or after `grace_seconds`; False when there is none to revoke.

    A revocation already scheduled is only ever brought forward, never put back."""
    now = datetime.now(UTC)
    key = await find_key(conn, key_id, landlord)
    if key is None or (key.revoked_at is not None and key.revoked_at <= now):
        return False
    at = now + timedelta(seconds=grace_seconds)
    if key.revoked_at is not None:
        at = min(at, key.revoked_at)
    await conn.execute(sa.update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=at))
    cache.changed(conn, f"key:{key_id}")
    return True


async def rotate_key(
    conn: AsyncConnection, key_id: str, landlord: str | None = None, *, grace_seconds: int = 0
) -> CreatedKey | None:
    """A new key with the same role, landlord and name; the old one is revoked (after the grace
    period, so callers can switch over without an outage). None when there is no live key."""
    old = await find_key(conn, key_id, landlord)
    if old is None or not await revoke_key(conn, key_id, landlord, grace_seconds=grace_seconds):
        return None
    return await create_key(conn, role=old.role, landlord=old.landlord, name=old.name)
