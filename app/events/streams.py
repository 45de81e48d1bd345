"""Which stream is whose. A complaint's stream id is its UUID; a landlord's configuration (its
calendar, homes and own policy versions) is the stream `landlord:<id>`, in the same log, so one
hash-chain check and one export cover both."""

from __future__ import annotations

LANDLORD_PREFIX = "landlord:"


def landlord_stream(landlord_id: str) -> str:
    return f"{LANDLORD_PREFIX}{landlord_id}"


def is_landlord_stream(stream_id: str) -> bool:
    return stream_id.startswith(LANDLORD_PREFIX)


def landlord_of_stream(stream_id: str) -> str:
    return stream_id.removeprefix(LANDLORD_PREFIX)
