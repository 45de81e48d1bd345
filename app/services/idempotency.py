"""Idempotency-Key support: a retried POST with the same key and body gets the first response and
appends nothing; the same key with another body is refused. The record is written in the same
transaction as the append, so a response is never remembered for a write that did not commit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.services.tables import idempotency_records

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status_code: int
    body: bytes
    headers: dict[str, str]


def request_hash(method: str, path: str, body: bytes) -> str:
    """Hash of what was asked: the same key reused for another request is a client error."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def find(conn: AsyncConnection, api_key_id: str, key: str) -> StoredResponse | None:
    row = (
        await conn.execute(
            sa.select(idempotency_records).where(
                idempotency_records.c.api_key_id == api_key_id, idempotency_records.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    return StoredResponse(
        request_hash=str(row.request_hash),
        status_code=int(row.status_code),
        body=str(row.body).encode(),
        headers={str(k): str(v) for k, v in dict(row.headers).items()},
    )


async def remember(
    conn: AsyncConnection, api_key_id: str, key: str, response: StoredResponse
) -> None:
    await conn.execute(
        sa.insert(idempotency_records).values(
            api_key_id=api_key_id,
            key=key,
            request_hash=response.request_hash,
            status_code=response.status_code,
            body=response.body.decode(),
            headers=orjson.loads(orjson.dumps(response.headers)),
            created_at=datetime.now(UTC),
        )
    )
