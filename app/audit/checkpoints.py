"""Signed checkpoints of the event log: what `verify` continues from (docs/adr/0010).

The position chain binds every position to the event there, which the stream hash chains do not:

    element(p) = "<p>:<len(hash)>:<hash>\\n"  (an event's hash covers its stream, version, content)
    D(k)       = sha256(D(k - 1) || element(previous_position + 1) || ... || element(position))

with D(0) = 32 zero bytes and D(k - 1) the digest of the checkpoint this one continues. A checkpoint
stores D(k), the number of streams at its position, and each covered event's fingerprint (the
first 8 bytes of its hash), by which a later change is traced to the rows it moved; all of it
signed with HMAC-SHA256 under a key derived from the master key (`Keyring.checkpoint_key`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import rows
from app.audit.findings import CheckpointProblem, Start
from app.audit.tables import audit_checkpoints as table
from app.events.hashing import format_timestamp
from app.events.tables import events

GENESIS = bytes(32)
# Positions one checkpoint covers at most: its fingerprints stay small (512 KiB), and a change is
# traced within one checkpoint's range of the log, not the whole of it.
SPAN = 65_536
FINGERPRINT_BYTES = 8
_DOMAIN = b"redress audit checkpoint v1\n"


@dataclass(frozen=True)
class Checkpoint:
    position: int
    previous_position: int
    chain: str
    streams: int
    fingerprints_digest: str
    created_at: datetime
    signature: str

    @property
    def start(self) -> Start:
        return Start(position=self.position, created_at=self.created_at)


@dataclass(frozen=True)
class Pending:
    """A checkpoint to write, with its fingerprints."""

    checkpoint: Checkpoint
    fingerprints: bytes


def element(position: int, hash_: str) -> bytes:
    return f"{position}:{len(hash_)}:{hash_}\n".encode()


def fingerprints_of(hashes: Sequence[str]) -> bytes:
    try:
        return bytes.fromhex("".join(h[: FINGERPRINT_BYTES * 2] for h in hashes))
    except ValueError:  # a hash that is not hex does not recompute: nothing is signed
        return b""


def _signature(
    key: bytes,
    position: int,
    previous_position: int,
    chain: str,
    streams: int,
    fingerprints_digest: str,
    created_at: datetime,
) -> str:
    fields = (position, previous_position, chain, streams, fingerprints_digest)
    message = _DOMAIN + "\n".join([*map(str, fields), format_timestamp(created_at)]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(
    key: bytes,
    *,
    position: int,
    previous_position: int,
    chain: bytes,
    streams: int,
    fingerprints: bytes,
    created_at: datetime,
) -> Pending:
    digest = hashlib.sha256(fingerprints).hexdigest()
    fields = (position, previous_position, chain.hex(), streams, digest, created_at)
    checkpoint = Checkpoint(*fields, signature=_signature(key, *fields))
    return Pending(checkpoint, fingerprints)


def authentic(key: bytes, checkpoint: Checkpoint) -> bool:
    expected = _signature(
        key,
        checkpoint.position,
        checkpoint.previous_position,
        checkpoint.chain,
        checkpoint.streams,
        checkpoint.fingerprints_digest,
        checkpoint.created_at,
    )
    return hmac.compare_digest(expected, checkpoint.signature)


def forged(checkpoint: Checkpoint) -> CheckpointProblem:
    return CheckpointProblem(
        checkpoint.position,
        "the checkpoint's signature does not match its content: it was edited or forged",
    )


_FIELDS = [c for c in table.c if c.name != "fingerprints"]


def _checkpoint(row: sa.Row[tuple[object, ...]]) -> Checkpoint:
    m = row._mapping
    return Checkpoint(
        position=int(m["position"]),
        previous_position=int(m["previous_position"]),
        chain=str(m["chain"]),
        streams=int(m["streams"]),
        fingerprints_digest=str(m["fingerprints_digest"]),
        created_at=m["created_at"],
        signature=str(m["signature"]),
    )


async def every(conn: AsyncConnection) -> list[Checkpoint]:
    """Every checkpoint, in position order, without their fingerprints."""
    rows = await conn.execute(sa.select(*_FIELDS).order_by(table.c.position))
    return [_checkpoint(row) for row in rows]


async def latest(
    conn: AsyncConnection, key: bytes, *, page: int = 100
) -> tuple[Checkpoint | None, list[CheckpointProblem]]:
    """The last checkpoint whose signature holds, and a problem for each later one."""
    problems: list[CheckpointProblem] = []
    below: int | None = None
    while True:
        query = sa.select(*_FIELDS).order_by(table.c.position.desc()).limit(page)
        if below is not None:
            query = query.where(table.c.position < below)
        found = [_checkpoint(row) for row in await conn.execute(query)]
        for checkpoint in found:
            if authentic(key, checkpoint):
                return checkpoint, problems
            problems.append(forged(checkpoint))
        if len(found) < page:
            return None, problems
        below = found[-1].position


async def fingerprints(conn: AsyncConnection, position: int) -> bytes:
    blob = await conn.scalar(sa.select(table.c.fingerprints).where(table.c.position == position))
    return bytes(blob or b"")


async def fingerprints_at(conn: AsyncConnection, positions: Sequence[int]) -> dict[int, bytes]:
    """The fingerprint each of these events has in the checkpoint covering its position."""
    if not positions:
        return {}
    offset = (events.c.position - table.c.previous_position - 1) * FINGERPRINT_BYTES + 1
    covering = (
        sa.select(
            sa.case(
                (
                    table.c.previous_position < events.c.position,
                    sa.func.substr(
                        table.c.fingerprints, sa.cast(offset, sa.Integer), FINGERPRINT_BYTES
                    ),
                ),
            )
        )
        .where(table.c.position >= events.c.position)
        .order_by(table.c.position)
        .limit(1)
        .scalar_subquery()
    )
    query = sa.select(events.c.position, covering).where(rows.at_positions(conn, positions))
    return {int(p): bytes(f) for p, f in await conn.execute(query) if f is not None}


async def still_ends_the_range(conn: AsyncConnection, checkpoint: Checkpoint) -> bool:
    """Whether the event at the checkpoint's position is still the one it recorded there: one
    read that sees the log cut short or rewritten below a checkpoint without reading the log."""
    offset = (checkpoint.position - checkpoint.previous_position - 1) * FINGERPRINT_BYTES + 1
    query = sa.select(
        events.c.hash,
        sa.select(sa.func.substr(table.c.fingerprints, offset, FINGERPRINT_BYTES))
        .where(table.c.position == checkpoint.position)
        .scalar_subquery(),
    ).where(events.c.position == checkpoint.position)
    found = (await conn.execute(query)).first()
    if found is None or found[1] is None:
        return False
    return bytes(found[1]) == fingerprint_of(found[0])


def fingerprint_of(hash_: str) -> bytes:
    try:
        return bytes.fromhex(hash_[: FINGERPRINT_BYTES * 2])
    except ValueError:
        return hash_.encode()  # not hex: matches no fingerprint


async def save(conn: AsyncConnection, pending: Sequence[Pending]) -> int | None:
    """Write these checkpoints (each continuing the one before); the last position written, or
    None if another verifier had already continued from the same checkpoint. More than one
    needs a transaction, so that none is written without the one it continues."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    written: int | None = None
    for item in pending:
        values = {f.name: getattr(item.checkpoint, f.name) for f in _FIELDS}
        statement = insert(table).values(**values, fingerprints=item.fingerprints)
        result = await conn.execute(statement.on_conflict_do_nothing())
        if result.rowcount != 1:
            return written
        written = item.checkpoint.position
    return written
