"""What the Ombudsman's evidence pack is made of: a complaint's events opened for its reader, the
same events as stored (what the hash chain covers) and the bytes of its evidence files, all read
in one snapshot so they agree with each other."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.sealed_store import SealingEventStore
from app.events.store import StoredEvent
from app.services import attachments


@dataclass(frozen=True)
class Material:
    stored: list[StoredEvent]  # as stored: personal fields sealed
    contents: dict[str, bytes | None]  # each attachment's bytes, None once erased


async def gather(
    conn: AsyncConnection, store: SealingEventStore, complaint_id: str, attachment_ids: list[str]
) -> Material:
    stored = await store.inner.read_stream(conn, complaint_id)
    contents = await attachments.read_many(conn, store.keyring, complaint_id, attachment_ids)
    return Material(stored, contents)
