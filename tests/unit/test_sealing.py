"""Sealing personal fields: round trip, placeholders once the key is gone, tamper and move
detection, and what stays in the clear."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.events.sealing import ERASED, SEALED, SealError, new_key, seal, unseal

LOGGED: dict[str, Any] = {
    "reference": "RDR-2025-000001",
    "landlord": "north-homes",
    "stage": 1,
    "category": "repairs",
    "description": "Mould in the back bedroom of 1 Nowhere Lane.",
    "desired_outcome": None,
    "complainant": {
        "name": "Wilma Fictional",
        "email": "wilma.fictional@example.invalid",
        "phone": None,
        "address": {"lines": ["1 Nowhere Lane"], "postcode": "ZZ9 9ZZ"},
        "resident_id": "R-0001",
    },
    "representative": None,
}
KEY = new_key()


def sealed_logged(stream_id: str = "c-1") -> dict[str, Any]:
    return seal(stream_id, "logged", LOGGED, KEY, "k-1")


def test_personal_fields_are_sealed_and_open_again() -> None:
    sealed = sealed_logged()
    text = orjson.dumps(sealed).decode()
    for secret in ("Wilma", "wilma.fictional", "Nowhere Lane", "ZZ9", "Mould"):
        assert secret not in text
    # What views, clocks, reports and portal scoping need stays readable.
    assert sealed["category"] == "repairs"
    assert sealed["complainant"] == {"resident_id": "R-0001"}
    assert sealed[SEALED]["fields"] == ["description", "complainant"]  # None values not sealed
    assert unseal("c-1", "logged", sealed, KEY) == LOGGED


def test_without_the_key_the_fields_read_as_erased_in_their_shape() -> None:
    sealed = sealed_logged()
    erased = unseal("c-1", "logged", sealed, None)
    assert erased["description"] == ERASED
    assert erased["complainant"] == {
        "name": ERASED,
        "email": None,
        "phone": None,
        "address": None,
        "resident_id": "R-0001",
    }
    assert erased["category"] == "repairs"


def test_a_sealed_blob_cannot_be_altered_or_moved_to_another_complaint() -> None:
    sealed = sealed_logged()
    with pytest.raises(SealError):
        unseal("c-2", "logged", sealed, KEY)
    with pytest.raises(SealError):
        unseal("c-1", "logged", sealed, new_key())
    tampered = {
        **sealed,
        SEALED: {**sealed[SEALED], "ciphertext": "AAAA" + sealed[SEALED]["ciphertext"][4:]},
    }
    with pytest.raises(SealError):
        unseal("c-1", "logged", tampered, KEY)


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("acknowledged", {"stage": 1, "method": None, "summary": None}),
        ("escalated", {"stage": 2}),
        ("landlord_registered", {"name": "North Homes"}),
    ],
)
def test_events_without_personal_text_are_stored_as_they_are(
    event_type: str, data: dict[str, object]
) -> None:
    assert seal("c-1", event_type, data, KEY, "k-1") == data  # type: ignore[arg-type]
    assert unseal("c-1", event_type, data, None) == data  # type: ignore[arg-type]


def test_each_seal_uses_a_fresh_nonce() -> None:
    note = {"text": "Called the resident", "visibility": "internal"}
    first: dict[str, Any] = seal("c-1", "note_added", note, KEY, "k-1")
    second: dict[str, Any] = seal("c-1", "note_added", note, KEY, "k-1")
    assert first[SEALED]["nonce"] != second[SEALED]["nonce"]
    assert unseal("c-1", "note_added", first, KEY) == note
