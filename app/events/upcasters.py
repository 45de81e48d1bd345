"""Upcasters: old shapes of stored events brought to the current one on read. A stored event is
never rewritten (its hash covers what was written), so every old version stays readable forever.

`logged` v2 (2026-11): the complainant's `address` was one free-text string; it is now a postal
address with its lines and the postcode apart. A v1 address is split on line breaks and commas,
and a UK postcode at its end is lifted into `postcode`.

`logged` v3 (2026-11): `tenure`, whether the complainant's home is rented or shared ownership (the
Tenant Satisfaction Measures count complaints per 1,000 homes of each). Nothing recorded before
says which, so a v2 event reads as tenure unknown (null), never as a guess.
"""

from __future__ import annotations

import re

from app.events.store import JsonValue

Data = dict[str, JsonValue]

LOGGED_VERSION = 3

# A UK postcode (outward and inward code), at the end of the text, any case, space optional.
_POSTCODE = re.compile(
    r"(?:^|[\s,])([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\s*$", re.IGNORECASE
)


def postal_address(text: str) -> Data:
    """A v1 free-text address as a v2 postal address."""
    postcode = None
    match = _POSTCODE.search(text)
    if match:
        postcode = f"{match.group(1)} {match.group(2)}".upper()
        text = text[: match.start(1)]
    lines: list[JsonValue] = [part.strip() for part in re.split(r"[\n,]+", text) if part.strip()]
    return {"lines": lines, "postcode": postcode}


def logged_v1_to_v2(data: Data) -> Data:
    complainant = data.get("complainant")
    if not isinstance(complainant, dict):
        return data
    address = complainant.get("address")
    if not isinstance(address, str):
        return data
    return {**data, "complainant": {**complainant, "address": postal_address(address)}}


def logged_v2_to_v3(data: Data) -> Data:
    return {**data, "tenure": None}
