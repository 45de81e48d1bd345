"""Crypto-shredding: the personal fields of a complaint's events are stored sealed with that
complaint's own data key (AES-256-GCM), and destroying the key erases them.

What is sealed is what the event catalogue (`app.domain.catalogue`) calls personal: the
complainant and representative, and every free text, which may name someone. The rest (stage,
dates, outcomes, codes, amounts) stays in the clear, so views, clocks and every report figure
survive an erasure. The resident id stays in the clear too: it is the pseudonymous key a portal is
scoped by.

Sealing happens before the hash is computed, so the hash chain covers the ciphertext and still
verifies once the key is gone. Pure functions: keys are given, never fetched here.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.domain.catalogue import spec_of
from app.domain.treatment import FieldSpec, Sensitivity
from app.events.store import JsonValue

SEALED = "sealed"  # the data key under which an event's sealed fields are stored
ERASED = "[erased]"  # what an erased text reads as
KEY_BYTES = 32
NONCE_BYTES = 12


def sealed_fields(event_type: str) -> tuple[str, ...]:
    """The fields of this event type stored sealed: those the catalogue calls personal."""
    spec = spec_of(event_type)
    return () if spec is None else spec.sealed()


def _placeholder(field: FieldSpec) -> Any:
    """What an erased field reads as: its identifiers kept, required text as "[erased]" (a part
    always written, such as the complainant's name, also where it may be null), the rest of a
    structured value empty, so the field keeps its shape."""
    if not field.parts:
        return ERASED
    return {
        part.name: None if part.optional and not part.required else _placeholder(part)
        for part in field.parts
        if part.treatment.sensitivity is not Sensitivity.identifier
    }


class SealError(Exception):
    """Sealed data that does not open with its key: tampered with, or the wrong key."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """AES-256-GCM under a fresh random nonce: (nonce, ciphertext). Everything Redress keeps
    sealed with a complaint's data key (event fields, remembered responses, the state document)
    goes through here."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes | AESGCM, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """The plaintext of `encrypt`; SealError when it does not open (tampered with, moved to
    another place than its `aad` names, or the wrong key). `key` may come prepared (`AESGCM`),
    for a reader that opens many events with one key."""
    try:
        return (key if isinstance(key, AESGCM) else AESGCM(key)).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError) as error:
        raise SealError("sealed data does not open") from error


def _aad(stream_id: str, event_type: str) -> bytes:
    # Binds the ciphertext to its stream and type: it cannot be moved to another complaint.
    return f"{stream_id}\x1f{event_type}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def seal(
    stream_id: str, event_type: str, data: Mapping[str, JsonValue], key: bytes, key_id: str
) -> dict[str, JsonValue]:
    """`data` with its personal fields replaced by one sealed blob (unchanged if it has none)."""
    spec = spec_of(event_type)
    fields = () if spec is None else [f for f in spec.fields if f.treatment.personal]
    sealed = [f for f in fields if data.get(f.name) is not None]
    if not sealed:
        return dict(data)
    names = [f.name for f in sealed]
    clear = {k: v for k, v in data.items() if k not in names}
    secret = {n: data[n] for n in names}
    for field in sealed:
        value = data[field.name]
        if field.kept_clear() and isinstance(value, Mapping):
            # The resident id is the pseudonymous key portals are scoped by: it stays readable.
            clear[field.name] = {part: value.get(part) for part in field.kept_clear()}
    nonce, ciphertext = encrypt(key, orjson.dumps(secret), _aad(stream_id, event_type))
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
    stream_id: str, event_type: str, data: Mapping[str, JsonValue], key: bytes | AESGCM | None
) -> dict[str, JsonValue]:
    """`data` with its sealed fields restored, or, when `key` is None (erased), replaced by
    placeholders that keep each field's shape. Data that was never sealed is returned as is."""
    sealed = data.get(SEALED)
    if not isinstance(sealed, Mapping):
        return dict(data)
    opened = {k: v for k, v in data.items() if k != SEALED}
    for name, value in open_sealed(stream_id, event_type, sealed, key).items():
        kept = opened.get(name)
        if isinstance(kept, Mapping) and isinstance(value, dict):
            value = {**value, **kept}  # the parts kept clear (the resident id)
        opened[name] = value
    return opened


def open_sealed(
    stream_id: str, event_type: str, sealed: Mapping[str, JsonValue], key: bytes | AESGCM | None
) -> dict[str, Any]:
    """The fields an event's sealed blob holds, or (`key` None: erased) their placeholders."""
    names = [str(n) for n in sealed.get("fields", [])]  # type: ignore[union-attr]
    if key is None:
        return {n: _erased(event_type, n) for n in names}
    try:
        plain = decrypt(
            key,
            # What base64.b64decode does, without its checks of the argument's type.
            binascii.a2b_base64(str(sealed["nonce"])),
            binascii.a2b_base64(str(sealed["ciphertext"])),
            _aad(stream_id, event_type),
        )
    except (SealError, ValueError, KeyError) as error:
        raise SealError(f"sealed data of a {event_type!r} event does not open") from error
    secret: dict[str, Any] = orjson.loads(plain)
    return secret


def _erased(event_type: str, name: str) -> Any:
    spec = spec_of(event_type)
    if spec is None:
        return ERASED
    try:
        return _placeholder(spec.field(name))
    except KeyError:  # a field sealed by an older shape of the event
        return ERASED


def is_sealed(data: Mapping[str, JsonValue]) -> bool:
    return isinstance(data.get(SEALED), Mapping)
