"""Complaint, landlord, feedback and restriction events to and from their stored form.

The stored `data` is the event's fields as JSON (pydantic, mode="json"), without `occurred_at`,
which has a column of its own. Old schema versions are upcast on read, one version at a time by
`UPCASTERS`; the stored event is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.domain.complaint.events import EVENT_TYPES, ComplaintEvent
from app.domain.feedback.events import FEEDBACK_EVENT_TYPES, FeedbackEvent
from app.domain.landlord.events import LANDLORD_EVENT_TYPES, LandlordEvent
from app.domain.policies.builtin import HOC_2024
from app.domain.restriction.events import RESTRICTION_EVENT_TYPES, RestrictionEvent
from app.events.sealing import is_sealed, unseal
from app.events.store import JsonValue, NewEvent, StoredEvent
from app.events.upcasters import (
    ASSIGNED_VERSION,
    COMPENSATION_PAID_VERSION,
    LOGGED_VERSION,
    POLICY_PUBLISHED_VERSION,
    Data,
    assigned_v1_to_v2,
    compensation_paid_v1_to_v2,
    logged_v1_to_v2,
    logged_v2_to_v3,
    logged_v3_to_v4,
    logged_v4_to_v5,
    policy_published_v1_to_v2,
    policy_published_v2_to_v3,
    policy_published_v3_to_v4,
    policy_v3_to_v4,
    reason_to_explanation,
)

Upcaster = Callable[[Data], Data]

# The schema version written for each event type today.
SCHEMA_VERSIONS: dict[str, int] = (
    dict.fromkeys(EVENT_TYPES.values(), 1)
    | dict.fromkeys(LANDLORD_EVENT_TYPES.values(), 1)
    | dict.fromkeys(FEEDBACK_EVENT_TYPES.values(), 1)
    | dict.fromkeys(RESTRICTION_EVENT_TYPES.values(), 1)
    | {"logged": LOGGED_VERSION, "assigned": ASSIGNED_VERSION}
    | {"escalation_refused": 2, "extension_agreed": 2}
    | {"compensation_paid": COMPENSATION_PAID_VERSION}
    | {"policy_published": POLICY_PUBLISHED_VERSION}
)

# What a policy published before `extension_reasons` existed reads with: the built-in categories.
_EXTENSION_REASONS: list[JsonValue] = [
    {"code": g.code, "text": g.text} for g in HOC_2024.extension_reasons
]

# (type, schema version) -> function turning that version's data into the next version's.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("logged", 1): logged_v1_to_v2,
    ("logged", 2): logged_v2_to_v3,
    ("logged", 3): logged_v3_to_v4,
    ("logged", 4): logged_v4_to_v5,
    ("assigned", 1): assigned_v1_to_v2,
    ("escalation_refused", 1): reason_to_explanation,
    ("extension_agreed", 1): reason_to_explanation,
    ("compensation_paid", 1): compensation_paid_v1_to_v2,
    ("policy_published", 1): lambda data: policy_published_v1_to_v2(data, _EXTENSION_REASONS),
    ("policy_published", 2): policy_published_v2_to_v3,
    ("policy_published", 3): policy_published_v3_to_v4,
}

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(cls) for cls, name in EVENT_TYPES.items()
}
_LANDLORD_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(cls) for cls, name in LANDLORD_EVENT_TYPES.items()
}
_FEEDBACK_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(cls) for cls, name in FEEDBACK_EVENT_TYPES.items()
}
_RESTRICTION_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(cls) for cls, name in RESTRICTION_EVENT_TYPES.items()
}
_ALL_ADAPTERS = {
    **_ADAPTERS,
    **_LANDLORD_ADAPTERS,
    **_FEEDBACK_ADAPTERS,
    **_RESTRICTION_ADAPTERS,
}
_NAMES: dict[type, str] = {
    **EVENT_TYPES,
    **LANDLORD_EVENT_TYPES,
    **FEEDBACK_EVENT_TYPES,
    **RESTRICTION_EVENT_TYPES,
}
AnyEvent = ComplaintEvent | LandlordEvent | FeedbackEvent | RestrictionEvent


class CodecError(Exception):
    """A stored event cannot be turned into a domain event (or the reverse)."""


class UnknownEventType(CodecError):
    def __init__(self, event_type: str) -> None:
        self.event_type = event_type
        super().__init__(f"unknown event type {event_type!r}")


class UnsupportedSchemaVersion(CodecError):
    def __init__(self, event_type: str, schema_version: int) -> None:
        self.event_type = event_type
        self.schema_version = schema_version
        super().__init__(
            f"no way to read {event_type!r} events of schema version {schema_version} "
            f"(current: {SCHEMA_VERSIONS.get(event_type)})"
        )


def event_type(event: AnyEvent) -> str:
    try:
        return _NAMES[type(event)]
    except KeyError:
        raise UnknownEventType(type(event).__name__) from None


def to_new_event(event: AnyEvent, metadata: Mapping[str, JsonValue] | None = None) -> NewEvent:
    """The event ready to append, at the current schema version of its type."""
    name = event_type(event)
    adapter = _ALL_ADAPTERS[name]
    data: Data = adapter.dump_python(event, mode="json")
    del data["occurred_at"]
    return NewEvent(
        type=name,
        data=data,
        occurred_at=event.occurred_at,
        schema_version=SCHEMA_VERSIONS[name],
        metadata=dict(metadata or {}),
    )


def decode(stored: StoredEvent) -> ComplaintEvent:
    """The complaint event recorded by `stored`, upcast to the current schema version."""
    event: ComplaintEvent = _decode(stored, _ADAPTERS)
    return event


def decode_landlord(stored: StoredEvent) -> LandlordEvent:
    """The landlord event recorded by `stored`, upcast to the current schema version."""
    event: LandlordEvent = _decode(stored, _LANDLORD_ADAPTERS)
    return event


def decode_feedback(stored: StoredEvent) -> FeedbackEvent:
    """The feedback event recorded by `stored`, upcast to the current schema version."""
    event: FeedbackEvent = _decode(stored, _FEEDBACK_ADAPTERS)
    return event


def decode_restriction(stored: StoredEvent) -> RestrictionEvent:
    """The restriction event recorded by `stored`, upcast to the current schema version."""
    event: RestrictionEvent = _decode(stored, _RESTRICTION_ADAPTERS)
    return event


def _decode(stored: StoredEvent, adapters: Mapping[str, TypeAdapter[Any]]) -> Any:
    adapter = adapters.get(stored.type)
    if adapter is None:
        raise UnknownEventType(stored.type)
    data = dict(stored.data)
    if is_sealed(data):
        # Read without its key (a rebuild, or an erased complaint): the personal fields read as
        # erased; everything a projection or a report needs is in the clear.
        data = unseal(stored.stream_id, stored.type, data, None)
    data = upcast(stored.type, stored.schema_version, data)
    try:
        return adapter.validate_python({**data, "occurred_at": stored.occurred_at})
    except ValidationError as error:
        raise CodecError(
            f"event {stored.stream_id}/{stored.version} ({stored.type!r}) does not decode: "
            f"{error.error_count()} invalid field(s)"
        ) from error


def upcast(event_type: str, schema_version: int, data: Data) -> Data:
    """`data` of `schema_version` brought to the type's current schema version."""
    current = SCHEMA_VERSIONS.get(event_type)
    if current is None:
        raise UnknownEventType(event_type)
    version = schema_version
    while version < current:
        step = UPCASTERS.get((event_type, version))
        if step is None:
            raise UnsupportedSchemaVersion(event_type, schema_version)
        data = step(data)
        version += 1
    if version != current:
        raise UnsupportedSchemaVersion(event_type, schema_version)
    return data


def policy_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A policy document stored before `policy_published` v4 (a projection row), in today's
    shape: the same upcasts as its event's."""
    current = dict(document)
    stages = current.get("stages")
    old = "extension_reasons" not in current or (
        isinstance(stages, list)
        and any(isinstance(s, dict) and "refusal_reasons" in s for s in stages)
    )
    if old:
        upgraded = policy_published_v1_to_v2({"policy": current}, _EXTENSION_REASONS)["policy"]
        assert isinstance(upgraded, dict)
        current = upgraded
    if "arrears_offset_allowed" not in current:
        current = {**current, "arrears_offset_allowed": False}  # v2 -> v3
    return policy_v3_to_v4(current)
