"""The complaints' data keys, each wrapped (AES-256-GCM) with the master key from configuration.

A complaint's personal fields are sealed with its current key; erasing the complaint destroys
every key it ever had. A key is only ever unwrapped in memory, for the request that needs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncConnection

from app.events.blind_index import BlindIndex
from app.events.sealing import KEY_BYTES, new_key
from app.events.tables import complainant_keys, complaint_search


class MasterKeyError(Exception):
    """The master key is missing, malformed, or not the one the keys were wrapped with."""


def parse_master_key(encoded: str) -> bytes:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except ValueError as error:
        raise MasterKeyError("the master key must be base64") from error
    if len(raw) != KEY_BYTES:
        raise MasterKeyError(f"the master key must be {KEY_BYTES} bytes, base64-encoded")
    return raw


def load_or_create_master_key(path: Path) -> bytes:
    """The master key in `path`, created (readable by its owner only) on first use, so the
    embedded setup needs no manual step. Production sets REDRESS_MASTER_KEY instead."""
    if not path.exists():
        # Written whole under another name, then linked into place: of two processes starting
        # at once (the API and the worker), one key wins and both read it, never half of one.
        encoded = base64.b64encode(os.urandom(KEY_BYTES)).decode()
        draft = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(encoded + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return parse_master_key(path.read_text())


# Unwrapped data keys kept in memory: the hot path reads a complaint's wrapped key with its row and
# skips the unwrap when it has seen that very wrapped key. An erased key reads as NULL from then on,
# so it is never served from here; `erase` drops it as well.
UNWRAPPED_CACHE_SIZE = 4096


def derived_key(master_key: bytes, use: str) -> bytes:
    """The key of one use of the master key: `redress <use> v1` is the HKDF info."""
    info = f"redress {use} v1".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master_key)


class Keyring:
    def __init__(self, master_key: bytes) -> None:
        self._master = AESGCM(master_key)
        self._unwrapped: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        # A separate key for pseudonyms, so a pseudonym reveals nothing about the master key.
        self._pseudonyms = hmac.new(master_key, b"redress pseudonyms", hashlib.sha256).digest()
        # Each other use of the master key has a key of its own (HKDF, RFC 5869): a signature or
        # digest says nothing of the master key, and no use can forge another's.
        self.checkpoint_key = derived_key(master_key, "audit checkpoints")
        self.blind_index = BlindIndex(derived_key(master_key, "blind index"))
        self.board_links_key = derived_key(master_key, "board links")
        self.webhook_secrets_key = derived_key(master_key, "webhook secrets")

    def pseudonym(self, landlord: str, subject: str) -> str:
        """A stable stand-in for a person: the same resident (or, without a resident id, the
        same complaint) always reads the same, and it cannot be turned back into the id."""
        digest = hmac.digest(self._pseudonyms, f"{landlord}\x1f{subject}".encode(), "sha256")
        return f"person-{digest.hex()[:12]}"

    def _wrap(self, key_id: str, key: bytes) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._master.encrypt(nonce, key, key_id.encode())).decode()

    def _unwrap(self, key_id: str, wrapped: str) -> bytes:
        raw = base64.b64decode(wrapped)
        try:
            return self._master.decrypt(raw[:12], raw[12:], key_id.encode())
        except InvalidTag as error:
            raise MasterKeyError(
                "a data key does not unwrap: REDRESS_MASTER_KEY is not the key it was made with"
            ) from error

    def opened(self, key_id: str, wrapped: str) -> bytes:
        """The data key `wrapped` holds (unwrapped once, then from a bounded cache)."""
        found = self._unwrapped.get(key_id)
        if found is not None and found[0] == wrapped:
            self._unwrapped.move_to_end(key_id)
            return found[1]
        key = self._unwrap(key_id, wrapped)
        self._unwrapped[key_id] = (wrapped, key)
        if len(self._unwrapped) > UNWRAPPED_CACHE_SIZE:
            self._unwrapped.popitem(last=False)
        return key

    def new(
        self, complaint_id: str, landlord: str, resident_id: str | None
    ) -> tuple[str, bytes, dict[str, object]]:
        """A new key for the complaint, and the row that files it (for the append's statement)."""
        key_id, key = str(uuid.uuid4()), new_key()
        row: dict[str, object] = {
            "id": key_id,
            "complaint_id": complaint_id,
            "landlord": landlord,
            "resident_id": resident_id,
            "wrapped_key": self._wrap(key_id, key),
            "created_at": datetime.now(UTC),
            "erased_at": None,
        }
        return key_id, key, row

    async def live(self, conn: AsyncConnection, complaint_id: str) -> tuple[str, bytes] | None:
        """The complaint's live key (id, key); None if it has none (new, or erased before)."""
        query = (
            sa.select(complainant_keys.c.id, complainant_keys.c.wrapped_key)
            .where(
                complainant_keys.c.complaint_id == complaint_id,
                complainant_keys.c.wrapped_key.is_not(None),
            )
            .order_by(complainant_keys.c.created_at.desc())
            .limit(1)
        )
        row = (await conn.execute(query)).first()
        if row is None:
            return None
        return str(row.id), self.opened(str(row.id), str(row.wrapped_key))

    async def create(
        self, conn: AsyncConnection, complaint_id: str, landlord: str, resident_id: str | None
    ) -> tuple[str, bytes]:
        """A new live key for the complaint, filed under its landlord and resident."""
        key_id, key, row = self.new(complaint_id, landlord, resident_id)
        await conn.execute(sa.insert(complainant_keys).values(**row))
        return key_id, key

    async def keys(self, conn: AsyncConnection, key_ids: Iterable[str]) -> dict[str, bytes | None]:
        """The keys asked for; None for an erased (or unknown) key."""
        ids = sorted(set(key_ids))
        found: dict[str, bytes | None] = dict.fromkeys(ids)
        if not ids:
            return found
        rows = await conn.execute(
            sa.select(complainant_keys.c.id, complainant_keys.c.wrapped_key).where(
                complainant_keys.c.id.in_(ids)
            )
        )
        for row in rows:
            if row.wrapped_key is not None:
                found[str(row.id)] = self.opened(str(row.id), str(row.wrapped_key))
        return found

    async def erase(self, conn: AsyncConnection, complaint_ids: Iterable[str]) -> int:
        """Destroy every key of these complaints; returns how many live keys were destroyed."""
        ids = sorted(set(complaint_ids))
        if not ids:
            return 0
        result = await conn.execute(
            sa.update(complainant_keys)
            .where(
                complainant_keys.c.complaint_id.in_(ids),
                complainant_keys.c.wrapped_key.is_not(None),
            )
            .values(wrapped_key=None, erased_at=datetime.now(UTC))
            .returning(complainant_keys.c.id)
        )
        erased = [str(key_id) for key_id in result.scalars()]
        for key_id in erased:
            self._unwrapped.pop(key_id, None)
        # The person can no longer be found through the complaints either.
        await conn.execute(
            sa.delete(complaint_search).where(complaint_search.c.complaint_id.in_(ids))
        )
        return len(erased)
