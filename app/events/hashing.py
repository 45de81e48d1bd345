"""Tamper evidence: each event's SHA-256 hash covers its content and the previous event's hash.

    hash = sha256(previous_hash (hex, or nothing for version 1) + canonical_bytes(event))

The canonical bytes are JSON with sorted keys and no whitespace, times as ISO-8601 UTC with
microseconds. They must come out the same after a round trip through either database: JSONB
reorders keys and rewrites numbers (1e16 comes back as 10000000000000000, an integer), SQLite keeps
timestamps as text without an offset. So values are normalised to plain JSON first (integral floats
become integers) and the store records the normalised form.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import orjson

from app.events.store import JsonValue, StoredEvent

# orjson writes integers up to 64 bits.
_MIN_INT, _MAX_INT = -(2**63), 2**64 - 1


def normalise(value: JsonValue, path: str = "$") -> JsonValue:
    """The plain-JSON form of `value` (dicts, lists, str, int, float, bool, None).

    Raises ValueError for anything that would not store and read back the same on both databases.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path}: NUL characters cannot be stored")
        return value if type(value) is str else str.__str__(value)
    if isinstance(value, int):
        if not _MIN_INT <= value <= _MAX_INT:
            raise ValueError(f"{path}: integer out of the 64-bit range; store it as a string")
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value} is not a JSON number")
        if value.is_integer():
            # What PostgreSQL's numeric makes of the float's JSON text (1e16 -> 10000000000000000).
            return normalise(int(Decimal(repr(value))), path)
        return value
    if isinstance(value, Mapping):
        result: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: object keys must be strings, not {key!r}")
            result[str.__str__(key)] = normalise(item, f"{path}.{key}")
        return result
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [normalise(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise ValueError(f"{path}: {type(value).__name__} is not a JSON value")


def normalise_object(value: Mapping[str, JsonValue], path: str = "$") -> dict[str, JsonValue]:
    result = normalise(value, path)
    if not isinstance(result, dict):
        raise ValueError(f"{path}: a JSON object is required")
    return result


def format_timestamp(value: datetime) -> str:
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: a timezone is required")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def canonical_bytes(
    *,
    stream_id: str,
    version: int,
    type: str,
    schema_version: int,
    data: Mapping[str, JsonValue],
    metadata: Mapping[str, JsonValue],
    occurred_at: datetime,
    recorded_at: datetime,
) -> bytes:
    document = {
        "stream_id": stream_id,
        "version": version,
        "type": type,
        "schema_version": schema_version,
        "data": normalise_object(data, "$.data"),
        "metadata": normalise_object(metadata, "$.metadata"),
        "occurred_at": format_timestamp(occurred_at),
        "recorded_at": format_timestamp(recorded_at),
    }
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def chain_hash(previous_hash: str | None, canonical: bytes) -> str:
    digest = hashlib.sha256((previous_hash or "").encode("ascii"))
    digest.update(canonical)
    return digest.hexdigest()


def event_hash(
    *,
    previous_hash: str | None,
    stream_id: str,
    version: int,
    type: str,
    schema_version: int,
    data: Mapping[str, JsonValue],
    metadata: Mapping[str, JsonValue],
    occurred_at: datetime,
    recorded_at: datetime,
) -> str:
    canonical = canonical_bytes(
        stream_id=stream_id,
        version=version,
        type=type,
        schema_version=schema_version,
        data=data,
        metadata=metadata,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
    )
    return chain_hash(previous_hash, canonical)


def row_hash(
    previous_hash: str | None,
    stream_id: str,
    version: int,
    type: str,
    schema_version: int,
    data: Mapping[str, JsonValue],
    metadata: Mapping[str, JsonValue],
    occurred_at: str,
    recorded_at: str,
) -> str:
    """`event_hash` of a row as a whole-log pass reads it, times already in their canonical text.

    The same bytes as `canonical_bytes` whenever the values are in normal form, which is how the
    store records them (tests/unit/test_row_hash.py), at about a third of the cost: no walk of
    the values and no datetime. On anything else it may differ, so a caller treats a mismatch as
    a suspect to check again with `stored_event_hash`, never as a finding by itself.
    """
    document = {
        "data": data,
        "metadata": metadata,
        "occurred_at": occurred_at,
        "recorded_at": recorded_at,
        "schema_version": schema_version,
        "stream_id": stream_id,
        "type": type,
        "version": version,
    }
    return chain_hash(previous_hash, orjson.dumps(document, option=orjson.OPT_SORT_KEYS))


def stored_event_hash(event: StoredEvent) -> str:
    """The hash `event` should carry, given the previous hash it records."""
    return event_hash(
        previous_hash=event.previous_hash,
        stream_id=event.stream_id,
        version=event.version,
        type=event.type,
        schema_version=event.schema_version,
        data=event.data,
        metadata=event.metadata,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
    )


def verify_stream(events: Sequence[StoredEvent]) -> int | None:
    """The version of the first event whose hash, link or version does not match, else None.

    `events` is one whole stream in version order. (Removing the last events of a stream leaves a
    valid shorter chain: detecting that needs an anchor kept elsewhere.)
    """
    previous: str | None = None
    for expected_version, event in enumerate(events, start=1):
        if (
            event.version != expected_version
            or event.previous_hash != previous
            or event.hash != stored_event_hash(event)
        ):
            return event.version
        previous = event.hash
    return None
