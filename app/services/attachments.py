"""Evidence files: attach one (its `attachment_added` event and its sealed bytes in one write),
read one back, and shred them all on erasure.

The bytes are sealed with the complaint's live data key, the key the event's filename is sealed
with, so the erasure that destroys the keys leaves nothing of the file readable; the rows are
emptied as well, so not even the ciphertext outlives it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.commands import AddAttachment
from app.domain.complaint.events import AttachmentKind, NoteVisibility
from app.domain.evidence import Limits, accept
from app.events.keyring import Keyring
from app.events.sealing import SealError, decrypt, encrypt
from app.events.store import EventStore, JsonValue, StoredEvent, Upsert
from app.services.complaints import Pending, Writable, prepare_record
from app.services.tables import attachments


class NotSealed(Exception):
    """The store seals nothing, so a file could not be kept sealed: refused rather than kept
    in the clear."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as a caller sent it, with what they said of it."""

    content: bytes
    declared_type: str | None
    filename: str
    description: str | None
    kind: AttachmentKind
    visibility: NoteVisibility
    occurred_at: datetime


def _aad(complaint_id: str, attachment_id: str, sha256: str) -> bytes:
    # Binds the ciphertext to its complaint, its attachment and the hash its event records.
    return f"attachment\x1f{complaint_id}\x1f{attachment_id}\x1f{sha256}".encode()


def command_for(upload: Upload, limits: Limits, attachment_id: str | None = None) -> AddAttachment:
    """The command an upload asks for, once its bytes are judged (DomainError if refused)."""
    media_type = accept(upload.content, upload.declared_type, limits)
    return AddAttachment(
        occurred_at=upload.occurred_at,
        attachment_id=attachment_id or str(uuid.uuid4()),
        kind=upload.kind,
        media_type=media_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        filename=upload.filename,
        description=upload.description,
        visibility=upload.visibility,
    )


async def prepare_attach(
    conn: AsyncConnection,
    store: EventStore,
    writable: Writable,
    command: AddAttachment,
    content: bytes,
    *,
    if_match: int | None,
    metadata: Mapping[str, JsonValue],
    now: datetime,
) -> Pending:
    """The write of `attachment_added` with the sealed bytes as a row of the same statement, so
    neither is ever written without the other."""
    pending = await prepare_record(
        conn, store, writable, command, if_match=if_match, metadata=metadata, now=now
    )
    if pending.key is None:
        raise NotSealed("attachments need the sealing store")
    key_id, key = pending.key
    complaint_id = writable.complaint.id
    nonce, ciphertext = encrypt(
        key, content, _aad(complaint_id, command.attachment_id, command.sha256)
    )
    row = {
        "id": command.attachment_id,
        "complaint_id": complaint_id,
        "key_id": key_id,
        "nonce": nonce,
        "ciphertext": ciphertext,
        "size": command.size,
        "sha256": command.sha256,
        "media_type": command.media_type,
        "created_at": now,
        "erased_at": None,
    }
    blob = Upsert(attachments, [row], ("id",), update=False)
    inner = pending.append

    async def append(also: Sequence[Upsert]) -> list[StoredEvent]:
        return await inner([blob, *also])

    return replace(pending, append=append)


class AttachmentErased(Exception):
    """The complaint's personal data was erased: the file's bytes are gone."""


class AttachmentAltered(Exception):
    """The bytes opened do not hash to what the event recorded: never served."""


async def read_bytes(
    conn: AsyncConnection, keyring: Keyring, complaint_id: str, attachment_id: str
) -> bytes | None:
    """The file's bytes (None: no such attachment of this complaint); AttachmentErased once the
    complaint's keys are destroyed."""
    found = await read_many(conn, keyring, complaint_id, [attachment_id])
    if attachment_id not in found:
        return None
    content = found[attachment_id]
    if content is None:
        raise AttachmentErased(attachment_id)
    return content


async def read_many(
    conn: AsyncConnection, keyring: Keyring, complaint_id: str, attachment_ids: Sequence[str]
) -> dict[str, bytes | None]:
    """The bytes of these attachments of the complaint, None for each one erased; ids that are
    not the complaint's are left out. One query for the rows, one for their keys."""
    if not attachment_ids:
        return {}
    rows = (
        await conn.execute(
            sa.select(attachments).where(
                attachments.c.complaint_id == complaint_id,
                attachments.c.id.in_(list(attachment_ids)),
            )
        )
    ).all()
    keys = await keyring.keys(conn, {str(r.key_id) for r in rows})
    found: dict[str, bytes | None] = {}
    for row in rows:
        key = keys.get(str(row.key_id))
        if key is None or row.ciphertext is None or row.nonce is None:
            found[str(row.id)] = None
            continue
        aad = _aad(complaint_id, str(row.id), str(row.sha256))
        try:
            content = decrypt(key, bytes(row.nonce), bytes(row.ciphertext), aad)
        except SealError as error:
            raise AttachmentAltered(str(row.id)) from error
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise AttachmentAltered(str(row.id))
        found[str(row.id)] = content
    return found


async def shred(conn: AsyncConnection, complaint_ids: Sequence[str]) -> int:
    """Empty the stored bytes of these complaints' attachments (their keys go in the same
    transaction); the rows stay, saying when. How many were emptied."""
    ids = sorted(set(complaint_ids))
    if not ids:
        return 0
    result = await conn.execute(
        sa.update(attachments)
        .where(attachments.c.complaint_id.in_(ids), attachments.c.ciphertext.is_not(None))
        .values(nonce=None, ciphertext=None, erased_at=datetime.now(UTC))
    )
    return int(result.rowcount)


def limits_of(max_bytes: int, media_types: str) -> Limits:
    """The limits as settings give them (a comma-separated list of types)."""
    types = tuple(t.strip().lower() for t in media_types.split(",") if t.strip())
    return Limits(max_bytes=max_bytes, media_types=types)
