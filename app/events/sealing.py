"""Crypto-shredding: the personal fields of a complaint's events are stored sealed with that
complaint's own data key (AES-256-GCM), and destroying the key erases them.

What is sealed is decided per event type (`PERSONAL_FIELDS`): the complainant and representative,
and the free text that may identify someone (a description, a note, what the resident said). The
rest (stage, dates, outcomes, categories, reasons the landlord gives in its own words for an
extension) stays in the clear, so views, clocks and every report figure survive an erasure. The
resident id stays in the clear too: it is the pseudonymous key a portal is scoped by.

Sealing happens before the hash is computed, so the hash chain covers the ciphertext and still
verifies once the key is gone. Pure functions: keys are given, never fetched here.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.events.store import JsonValue

SEALED = "sealed"  # the data key under which an event's sealed fields are stored
ERASED = "[erased]"  # what an erased text reads as
KEY_BYTES = 32

PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "logged": (
        "complainant",
        "representative",
        "description",
        "desired_outcome",
        "vulnerability",
        "reasonable_adjustments",
    ),
    "acknowledged": ("summary",),
    "contacted": ("summary",),
    "responded": ("summary",),
    "escalation_requested": ("reason",),
    "declined": ("explanation",),
    "closed": ("summary",),
    "note_added": ("text",),
    "reopened": ("reason",),
    "clock_stopped": ("reason",),
    "clock_restarted": ("reason",),
    "satisfaction_recorded": ("comments",),
    # A remedy or an offer is often written about the person or their home.
    "action_agreed": ("description",),
    "action_completed": ("summary",),
    "compensation_offered": ("reason",),
    "referred": ("reason",),
}

# What an erased field reads as, where a plain "[erased]" would not fit the field's shape.
_PLACEHOLDERS: dict[str, Any] = {
    "complainant": {"name": ERASED, "email": None, "phone": None, "address": None},
    "representative": {"name": ERASED, "relationship": ERASED, "contact": None},
}


class SealError(Exception):
    """Sealed data that does not open with its key: tampered with, or the wrong key."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _aad(stream_id: str, event_type: str) -> bytes:
    # Binds the ciphertext to its stream and type: it cannot be moved to another complaint.
    return f"{stream_id}\x1f{event_type}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def seal(
    stream_id: str, event_type: str, data: Mapping[str, JsonValue], key: bytes, key_id: str
) -> dict[str, JsonValue]:
    """`data` with its personal fields replaced by one sealed blob (unchanged if it has none)."""
    names = [n for n in PERSONAL_FIELDS.get(event_type, ()) if data.get(n) is not None]
    if not names:
        return dict(data)
    clear = {k: v for k, v in data.items() if k not in names}
    secret = {n: data[n] for n in names}
    complainant = data.get("complainant")
    if isinstance(complainant, Mapping) and "complainant" in names:
        # The resident id is the pseudonymous key portals are scoped by: it stays readable.
        clear["complainant"] = {"resident_id": complainant.get("resident_id")}
    nonce = os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, orjson.dumps(secret), _aad(stream_id, event_type))
    clear[SEALED] = {
        "key_id": key_id,
        "fields": list(names),
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }
    return clear


def key_id_of(data: Mapping[str, JsonValue]) -> str | None:
    sealed = data.get(SEALED)
    return str(sealed["key_id"]) if isinstance(sealed, Mapping) else None


def unseal(
    stream_id: str, event_type: str, data: Mapping[str, JsonValue], key: bytes | None
) -> dict[str, JsonValue]:
    """`data` with its sealed fields restored, or, when `key` is None (erased), replaced by
    placeholders that keep each field's shape. Data that was never sealed is returned as is."""
    sealed = data.get(SEALED)
    if not isinstance(sealed, Mapping):
        return dict(data)
    opened = {k: v for k, v in data.items() if k != SEALED}
    names = [str(n) for n in sealed.get("fields", [])]  # type: ignore[union-attr]
    if key is None:
        secret: dict[str, Any] = {n: _PLACEHOLDERS.get(n, ERASED) for n in names}
    else:
        try:
            plain = AESGCM(key).decrypt(
                base64.b64decode(str(sealed["nonce"])),
                base64.b64decode(str(sealed["ciphertext"])),
                _aad(stream_id, event_type),
            )
        except (InvalidTag, ValueError, KeyError) as error:
            raise SealError(f"sealed data of a {event_type!r} event does not open") from error
        secret = orjson.loads(plain)
    kept = opened.get("complainant")
    for name, value in secret.items():
        if name == "complainant" and isinstance(kept, Mapping) and isinstance(value, dict):
            value = {**value, "resident_id": kept.get("resident_id")}
        opened[name] = value
    return opened


def is_sealed(data: Mapping[str, JsonValue]) -> bool:
    return isinstance(data.get(SEALED), Mapping)
