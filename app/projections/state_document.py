"""The complaint's folded state, stored on its projection row sealed with the complaint's data key.

Reads of the present (`GET /v1/complaints/{id}`, a list page) open this document instead of
replaying the stream (ADR 0007). The state holds personal data, so it is never at rest in the
clear: it is sealed (AES-256-GCM) with the complaint's live key, as the events' personal fields
are, and bound (AAD) to the complaint and the version it is of, so a document cannot be moved to
another complaint nor passed off as a later version. Destroying the key (erasure) makes it
unreadable; readers then replay the stream and see the events' placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from app.domain.complaint.state import ComplaintState
from app.domain.reporting.items import ItemFold
from app.events.sealing import SealError, decrypt, encrypt


@dataclass(frozen=True)
class Document:
    """The state, and the report items folded so far: an append continues both from here, so it
    never reads the stream (ADR 0007). `items` None: a document an append cannot continue."""

    state: ComplaintState
    items: ItemFold | None = None


_ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)


def dump(state: ComplaintState, items: ItemFold | None = None) -> bytes:
    return _ADAPTER.dump_json(Document(state, items))


def load(raw: bytes) -> Document:
    return _ADAPTER.validate_json(raw)


def _aad(complaint_id: str, version: int) -> bytes:
    return f"complaint-state\x1f{complaint_id}\x1f{version}".encode()


def seal_state(
    complaint_id: str,
    state: ComplaintState,
    key_id: str,
    key: bytes,
    items: ItemFold | None = None,
) -> dict[str, object]:
    """The projection columns holding `state` (and `items`) sealed with the key `key_id`."""
    document = dump(state, items)
    nonce, ciphertext = encrypt(key, document, _aad(complaint_id, state.version))
    return {
        "state_key_id": key_id,
        "state_nonce": nonce,
        "state_ciphertext": ciphertext,
        "state_version": state.version,
    }


# The columns a row without a document has: set on a write that cannot seal (no live key), so an
# older document is never left standing beside a newer row.
NO_DOCUMENT: dict[str, object] = {
    "state_key_id": None,
    "state_nonce": None,
    "state_ciphertext": None,
    "state_version": None,
}


def open_document(
    complaint_id: str, version: int, nonce: bytes, ciphertext: bytes, key: bytes
) -> Document | None:
    """The document, or None when it does not open (tampered with, or not of `version`) or no
    longer validates (`ComplaintState` changed shape since it was written): the caller replays."""
    try:
        document = load(decrypt(key, nonce, ciphertext, _aad(complaint_id, version)))
    except (SealError, ValueError, ValidationError):
        return None
    if document.state.version != version:
        return None
    if document.items is not None and document.items.version != version:
        return Document(document.state)
    return document


def open_state(
    complaint_id: str, version: int, nonce: bytes, ciphertext: bytes, key: bytes
) -> ComplaintState | None:
    document = open_document(complaint_id, version, nonce, ciphertext, key)
    return None if document is None else document.state
