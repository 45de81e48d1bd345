"""Idempotency-Key support: a retried POST with the same key and body gets the first response and
appends nothing; the same key with another body is refused. The record is written in the same
transaction as the append, so a response is never remembered for a write that did not commit.

A record keeps only what answering again needs, and nothing personal in the clear:
- the client's Idempotency-Key as a SHA-256 hash (a client may put a name or a case in it);
- the status and headers (a Location and an ETag: ids and versions, never a person);
- the body of a response that belongs to a complaint (it quotes the complainant) sealed with the
  complaint's live data key (AES-256-GCM, the authenticated data binding it to the API key, the
  Idempotency-Key and the complaint), so erasing the complaint shreds it with the rest of its data.
  With no live key (the complaint's keys are destroyed) the body is not kept at all;
- the body of a response that names no complaint (a landlord, a policy: nothing personal, no
  secret) in the clear. Routes whose responses carry a secret (`/v1/keys`: a new token) do not
  honour Idempotency-Key, so nothing of theirs is remembered.
A replay whose sealed body can no longer be opened is answered by re-deriving the body from the
log (see `app.api.writes.run_write`). Every record expires after REDRESS_IDEMPOTENCY_TTL_HOURS:
lookups ignore it from then on, and `purge` (scheduled, and `redress idempotency purge`) deletes it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.events.keyring import Keyring
from app.events.sealing import SealError, decrypt, encrypt
from app.events.store import Upsert
from app.services.tables import idempotency_records

MAX_KEY_LENGTH = 255

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status_code: int
    # None on a replay when the body was sealed with a key since destroyed (or never kept):
    # the route re-derives it.
    body: bytes | None
    headers: dict[str, str]
    # The complaint the response belongs to: its body is sealed with that complaint's key.
    complaint_id: str | None = None
    created_at: datetime | None = None


def request_hash(method: str, path: str, body: bytes) -> str:
    """Hash of what was asked: the same key reused for another request is a client error."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aad(api_key_id: str, hashed_key: str, complaint_id: str) -> bytes:
    # A sealed body cannot be moved to another client's record, another key or another complaint.
    return f"idempotency\x1f{api_key_id}\x1f{hashed_key}\x1f{complaint_id}".encode()


async def _open(
    conn: AsyncConnection, keyring: Keyring | None, row: sa.Row[tuple[object, ...]]
) -> bytes | None:
    m = row._mapping
    if m["body"] is not None:
        return str(m["body"]).encode()
    if m["sealed_body"] is None or keyring is None:
        return None
    key_id = str(m["sealed_key_id"])
    key = (await keyring.keys(conn, [key_id])).get(key_id)
    if key is None:
        return None  # erased: the body is shredded with the complaint's data
    try:
        return decrypt(
            key,
            bytes(m["sealed_nonce"]),
            bytes(m["sealed_body"]),
            _aad(str(m["api_key_id"]), str(m["key_hash"]), str(m["complaint_id"])),
        )
    except SealError:
        # Tampered with, or moved: never replayed; the route answers from the log instead.
        logger.warning("a remembered response does not open with its key; re-deriving it")
        return None


async def find(
    conn: AsyncConnection,
    keyring: Keyring | None,
    api_key_id: str,
    key: str,
    *,
    now: datetime | None = None,
) -> StoredResponse | None:
    """The response remembered for this API key and Idempotency-Key, unless it has expired. An
    expired record still waiting for the purge is deleted here: the key is free again, and the
    write that follows inserts its own record in its own statement."""
    now = now or datetime.now(UTC)
    r = idempotency_records.c
    mine = sa.and_(r.api_key_id == api_key_id, r.key_hash == key_hash(key))
    row = (await conn.execute(sa.select(idempotency_records).where(mine))).first()
    if row is None:
        return None
    if row.expires_at <= now:
        await conn.execute(sa.delete(idempotency_records).where(mine, r.expires_at <= now))
        return None
    return StoredResponse(
        request_hash=str(row.request_hash),
        status_code=int(row.status_code),
        body=await _open(conn, keyring, row),
        headers={str(k): str(v) for k, v in dict(row.headers).items()},
        complaint_id=None if row.complaint_id is None else str(row.complaint_id),
        created_at=row.created_at,
    )


def record(
    api_key_id: str,
    key: str,
    response: StoredResponse,
    *,
    ttl: timedelta,
    live_key: tuple[str, bytes] | None,
    now: datetime | None = None,
) -> Upsert:
    """The record of `response`, to insert with the write it answers (a taken key fails that
    write, which is then retried and answered as a replay). A complaint's body is sealed with the
    complaint's live key, `live_key`; without one it is not kept."""
    now = now or datetime.now(UTC)
    hashed = key_hash(key)
    values: dict[str, object] = {
        "api_key_id": api_key_id,
        "key_hash": hashed,
        "request_hash": response.request_hash,
        "status_code": response.status_code,
        "headers": dict(response.headers),
        "complaint_id": response.complaint_id,
        "body": None,
        "sealed_key_id": None,
        "sealed_nonce": None,
        "sealed_body": None,
        "created_at": now,
        "expires_at": now + ttl,
    }
    if response.complaint_id is None:
        values["body"] = None if response.body is None else response.body.decode()
    elif response.body is not None and live_key is not None:
        key_id, data_key = live_key
        aad = _aad(api_key_id, hashed, response.complaint_id)
        nonce, sealed = encrypt(data_key, response.body, aad)
        values |= {"sealed_key_id": key_id, "sealed_nonce": nonce, "sealed_body": sealed}
    return Upsert(idempotency_records, [values], ("api_key_id", "key_hash"), update=False)


async def remember(
    conn: AsyncConnection,
    keyring: Keyring | None,
    api_key_id: str,
    key: str,
    response: StoredResponse,
    *,
    ttl: timedelta,
    now: datetime | None = None,
) -> None:
    """Insert the record on its own (for writes that are not an append's one statement)."""
    now = now or datetime.now(UTC)
    r = idempotency_records.c
    # An expired record of the same key may still wait for the purge: the key is free again.
    await conn.execute(
        sa.delete(idempotency_records).where(
            r.api_key_id == api_key_id, r.key_hash == key_hash(key), r.expires_at <= now
        )
    )
    live_key = None
    if response.complaint_id is not None and keyring is not None:
        live_key = await keyring.live(conn, response.complaint_id)
    upsert = record(api_key_id, key, response, ttl=ttl, live_key=live_key, now=now)
    await conn.execute(sa.insert(upsert.table), list(upsert.rows))


async def purge(conn: AsyncConnection, *, now: datetime | None = None) -> int:
    """Delete the expired records; returns how many."""
    now = now or datetime.now(UTC)
    result = await conn.execute(
        sa.delete(idempotency_records).where(idempotency_records.c.expires_at <= now)
    )
    return int(result.rowcount)


async def purge_expired(engine: AsyncEngine, *, now: datetime | None = None) -> int:
    async with engine.begin() as conn:
        return await purge(conn, now=now)


async def purge_once(engine: AsyncEngine) -> int | None:
    """One round of the scheduled purge: how many were deleted, or None when it failed. Only
    the error's kind is logged: a database error's text can quote the values of a statement."""
    try:
        purged = await purge_expired(engine)
    except Exception as error:
        logger.warning("idempotency purge failed (%s); trying again later", type(error).__name__)
        return None
    if purged:
        logger.info("purged %d expired idempotency record(s)", purged)
    return purged


async def purge_periodically(engine: AsyncEngine, interval_seconds: float) -> None:
    """Purge at start-up (the service may have been down while records expired), then every
    `interval_seconds`, until cancelled."""
    while True:
        await purge_once(engine)
        await asyncio.sleep(interval_seconds)
