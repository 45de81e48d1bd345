"""The sealed state documents of a rebuild (ADR 0007): only a rebuild given the keyring makes them.

The events are opened with their keys as the log is scanned, folded a second time into the
readable state, and sealed with the key of the stream's last sealed event: the complaint's live
key, as the write path uses (a key is only replaced after an erasure destroyed them all). A stream
whose key is destroyed gets no document, and is read by replaying, as after a live erasure.

Documents are compared opened, never as ciphertext (a fresh nonce makes every sealing differ): an
unreadable document (erased) counts as none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.reporting.items import ItemFold
from app.events.codec import decode
from app.events.keyring import Keyring
from app.events.sealing import key_id_of, unseal
from app.events.store import StoredEvent
from app.projections.state_document import NO_DOCUMENT, Document, open_document, seal_state

COLUMNS = tuple(NO_DOCUMENT)
Row = dict[str, object]


class Documents:
    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._state: ComplaintState | None = None
        self._items: ItemFold | None = None
        self._key: tuple[str, bytes | None] | None = None

    async def open(
        self, conn: AsyncConnection, batch: Sequence[StoredEvent]
    ) -> list[tuple[StoredEvent, str | None, bytes | None]]:
        """Each event readable, with the id of the key it was sealed with and that key."""
        keys = await self.keyring.keys(conn, {k for e in batch if (k := key_id_of(e.data))})
        found: list[tuple[StoredEvent, str | None, bytes | None]] = []
        for e in batch:
            key_id = key_id_of(e.data)
            if key_id is None:
                found.append((e, None, None))
                continue
            key = keys.get(key_id)
            opened = replace(e, data=unseal(e.stream_id, e.type, e.data, key))
            found.append((opened, key_id, key))
        return found

    def start(self) -> None:
        self._state, self._items, self._key = None, None, None

    def add(self, event: StoredEvent, key_id: str | None, key: bytes | None) -> None:
        decoded = decode(event)
        self._state = evolve(self._state, decoded)
        items = self._items or ItemFold(complaint_id=event.stream_id)
        self._items = items.advance([decoded])
        if key_id is not None:
            self._key = (key_id, key)

    def columns(self, complaint_id: str) -> Row:
        if self._state is None or self._key is None or self._key[1] is None:
            return dict(NO_DOCUMENT)
        return seal_state(complaint_id, self._state, self._key[0], self._key[1], self._items)


async def opened(
    conn: AsyncConnection, keyring: Keyring, rows: Sequence[Mapping[str, object]]
) -> list[Document | None]:
    """The document of each row, opened; None where there is none or it does not open."""
    keys = await keyring.keys(conn, {str(r["state_key_id"]) for r in rows if r["state_key_id"]})
    found: list[Document | None] = []
    for r in rows:
        key = keys.get(str(r["state_key_id"])) if r["state_key_id"] else None
        nonce, ciphertext, version = r["state_nonce"], r["state_ciphertext"], r["state_version"]
        if key is None or not isinstance(version, int):
            found.append(None)
            continue
        assert isinstance(nonce, bytes | memoryview)
        assert isinstance(ciphertext, bytes | memoryview)
        found.append(open_document(str(r["id"]), version, bytes(nonce), bytes(ciphertext), key))
    return found
