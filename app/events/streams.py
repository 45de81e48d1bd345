"""Which stream is whose. A complaint's stream id is its UUID; a landlord's configuration (its
calendar, homes and own policy versions) is the stream `landlord:<id>`; one piece of resident
feedback (a compliment, comment or enquiry, never a complaint) is `feedback:<uuid>`; a contact
restriction on a resident (ADR 0020) is `restriction:<uuid>`. All are in the same log, so one
hash-chain check and one export cover them."""

from __future__ import annotations

LANDLORD_PREFIX = "landlord:"
FEEDBACK_PREFIX = "feedback:"
RESTRICTION_PREFIX = "restriction:"


def landlord_stream(landlord_id: str) -> str:
    return f"{LANDLORD_PREFIX}{landlord_id}"


def is_landlord_stream(stream_id: str) -> bool:
    return stream_id.startswith(LANDLORD_PREFIX)


def landlord_of_stream(stream_id: str) -> str:
    return stream_id.removeprefix(LANDLORD_PREFIX)


def feedback_stream(feedback_id: str) -> str:
    return f"{FEEDBACK_PREFIX}{feedback_id}"


def is_feedback_stream(stream_id: str) -> bool:
    return stream_id.startswith(FEEDBACK_PREFIX)


def feedback_of_stream(stream_id: str) -> str:
    return stream_id.removeprefix(FEEDBACK_PREFIX)


def restriction_stream(restriction_id: str) -> str:
    return f"{RESTRICTION_PREFIX}{restriction_id}"


def is_restriction_stream(stream_id: str) -> bool:
    return stream_id.startswith(RESTRICTION_PREFIX)


def restriction_of_stream(stream_id: str) -> str:
    return stream_id.removeprefix(RESTRICTION_PREFIX)


def is_complaint_stream(stream_id: str) -> bool:
    return not stream_id.startswith((LANDLORD_PREFIX, FEEDBACK_PREFIX, RESTRICTION_PREFIX))


def family_of(stream_id: str) -> str:
    """The CloudEvents type family of a stream's events: `uk.redress.<family>.<event type>`."""
    for prefix in (LANDLORD_PREFIX, FEEDBACK_PREFIX, RESTRICTION_PREFIX):
        if stream_id.startswith(prefix):
            return prefix.removesuffix(":")
    return "complaint"
