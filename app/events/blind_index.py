"""Keyed blind indexes: finding a complaint by a person or a property without decrypting the
store.

Each sealed value a complaint may be searched by (the resident's id, email, phone, postcode, the
home's UPRN) is normalised and HMAC'd with a key derived from the master key, scoped to the
landlord and the field; the complaint's row in `complaint_search` keeps only that digest. A search
computes the same digest from what the caller typed and looks it up: the database never sees the
value, and a stolen table without the master key gives nobody back (a guess must go through the
key). Erasure deletes the complaint's digests with its keys, so the person cannot be found
through them afterwards either.

An anonymous complaint is not indexed by its complainant's details: case handlers may not know
who made it, and a search that found it by an email would tell them.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from enum import StrEnum

from app.domain.complaint.events import Logged

DIGEST_CHARS = 32  # 128 bits of HMAC-SHA256, hex: far past any collision a landlord could meet


class SearchField(StrEnum):
    resident_id = "resident_id"
    email = "email"
    phone = "phone"
    postcode = "postcode"
    uprn = "uprn"


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    # +44 7700 900123, 0044..., 07700 900123: one number, however it was written.
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and value.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


NORMALISE: Mapping[SearchField, Callable[[str], str]] = {
    SearchField.resident_id: str.strip,
    SearchField.email: lambda v: v.strip().lower(),
    SearchField.phone: _phone,
    SearchField.postcode: lambda v: re.sub(r"\s", "", v).upper(),
    SearchField.uprn: lambda v: v.strip().lstrip("0"),
}


class BlindIndex:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, landlord: str, field: SearchField, value: str) -> str | None:
        """The digest of `value` as `field` of `landlord`'s complaints; None for a blank value."""
        normal = NORMALISE[field](value)
        if not normal:
            return None
        message = f"{landlord}\x1f{field.value}\x1f{normal}".encode()
        return hmac.digest(self._key, message, "sha256").hex()[:DIGEST_CHARS]


def search_values(logged: Logged) -> dict[SearchField, str | None]:
    """What a complaint can be found by, from its `logged` event (nothing, if anonymous)."""
    if logged.anonymous:
        return {}
    person = logged.complainant
    return {
        SearchField.resident_id: person.resident_id,
        SearchField.email: person.email,
        SearchField.phone: person.phone,
        SearchField.postcode: None if person.address is None else person.address.postcode,
        SearchField.uprn: logged.uprn,
    }


def search_rows(index: BlindIndex, complaint_id: str, logged: Logged) -> list[dict[str, object]]:
    """The `complaint_search` rows of a complaint: one per field it has a value for."""
    rows: list[dict[str, object]] = []
    for field, value in search_values(logged).items():
        digest = None if value is None else index.digest(logged.landlord, field, value)
        if digest is not None:
            rows.append(
                {
                    "complaint_id": complaint_id,
                    "field": field.value,
                    "landlord": logged.landlord,
                    "digest": digest,
                }
            )
    return rows
